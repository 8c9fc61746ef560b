"""Everything that changes the support records: providers and their conflicts of interest, commissions with
their delivery and impact, and the LA's traded services. Each function checks its rules, writes in one
transaction and records who, when, what changed and why through the audit service. A rule broken raises
``SupportRuleError`` with a message in the users' words, which the pages show as a form error.

Nothing is edited away: a commission is cancelled (with a reason), not deleted; a later impact evaluation of a
commission supersedes an earlier one and both stay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import User
from headway.concerns.models import Milestone
from headway.refusals import RuleRefused
from headway.schools.models import Establishment, LocalAuthority
from headway.support.brokerage import (
    capacity_left,
    conflicts_with,
    home_school_standing,
)
from headway.support.models import (
    Commission,
    ConflictOfInterest,
    DeliveryLog,
    ImpactEvaluation,
    ImpactRating,
    PaidBy,
    Provider,
    ProviderKind,
    Subscription,
    TradedHoursUse,
    TradedService,
)

PHASES = (
    "Nursery",
    "Primary",
    "Middle deemed primary",
    "Secondary",
    "Middle deemed secondary",
    "All-through",
    "16 plus",
    "Not applicable",
)
PENNY = Decimal("0.01")
ZERO = Decimal(0)


class SupportRuleError(RuleRefused):
    """The record asked for breaks a rule; the message says which, in the users' words."""


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _clean_list(values: Iterable[str]) -> list[str]:
    """Trimmed, without blanks, each once (case-insensitive), in the order given."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for value in values:
        text = str(value).strip()
        if text and text.lower() not in seen:
            seen.add(text.lower())
            cleaned.append(text)
    return cleaned


# Providers ---------------------------------------------------------------------------------------------------------


def provider_state(provider: Provider) -> dict[str, Any]:
    return {
        "name": provider.name,
        "kind": provider.kind,
        "home_school": provider.home_school.urn if provider.home_school else None,
        "phases": list(provider.phases),
        "specialisms": list(provider.specialisms),
        "capacity_days_per_term": provider.capacity_days_per_term,
        "day_rate": provider.day_rate,
        "email": provider.email,
        "active": provider.active,
        "home_school_override": provider.home_school_override,
    }


def check_home_school(home_school: Establishment | None, override: str, *, today: dt.date) -> None:
    """A provider based in a school must come from a good or better school, unless the officer says why not."""
    if home_school is None or override.strip():
        return
    standing = home_school_standing(home_school, today=today)
    if not standing.good_or_better:
        raise SupportRuleError(
            f"{home_school.name}'s latest graded inspection is {standing.label.lower()}: a provider's home school "
            "must be good or better. Give the reason this provider may support other schools anyway (the override) "
            "to go ahead."
        )


def _check_provider(
    *,
    name: str,
    kind: str,
    phases: list[str],
    specialisms: list[str],
    capacity_days_per_term: Decimal,
    day_rate: Decimal,
) -> None:
    if not name.strip():
        raise SupportRuleError("Enter the provider's name.")
    if kind not in ProviderKind.values:
        raise SupportRuleError("Choose what kind of provider this is.")
    if not phases:
        raise SupportRuleError("Choose at least one phase the provider serves.")
    if not specialisms:
        raise SupportRuleError("Enter at least one specialism, for example writing.")
    if capacity_days_per_term < 0:
        raise SupportRuleError("Capacity cannot be negative.")
    if day_rate < 0:
        raise SupportRuleError("The day rate cannot be negative.")


def provider_record(
    *,
    local_authority: LocalAuthority,
    name: str,
    kind: str,
    phases: Iterable[str],
    specialisms: Iterable[str],
    capacity_days_per_term: Decimal,
    day_rate: Decimal,
    by: User,
    home_school: Establishment | None = None,
    home_school_override: str = "",
    email: str = "",
    today: dt.date | None = None,
) -> Provider:
    """Adds a provider to the authority's directory. Its home school (if any) must be good or better at its latest
    graded inspection unless ``home_school_override`` says why it may support others anyway."""
    phase_list, specialism_list = _clean_list(phases), _clean_list(specialisms)
    _check_provider(
        name=name,
        kind=kind,
        phases=phase_list,
        specialisms=specialism_list,
        capacity_days_per_term=capacity_days_per_term,
        day_rate=day_rate,
    )
    check_home_school(home_school, home_school_override, today=today or timezone.localdate())
    with transaction.atomic():
        provider = Provider.objects.create(
            local_authority=local_authority,
            name=name.strip(),
            kind=kind,
            home_school=home_school,
            phases=phase_list,
            specialisms=specialism_list,
            capacity_days_per_term=capacity_days_per_term,
            day_rate=day_rate,
            email=email.strip(),
            home_school_override=home_school_override.strip(),
        )
        audit.record(
            actor=by,
            verb="support provider recorded",
            target=provider,
            after=provider_state(provider),
            reason=home_school_override.strip(),
        )
    return provider


def provider_update(
    *,
    provider: Provider,
    name: str,
    kind: str,
    phases: Iterable[str],
    specialisms: Iterable[str],
    capacity_days_per_term: Decimal,
    day_rate: Decimal,
    home_school: Establishment | None,
    home_school_override: str,
    email: str,
    active: bool,
    by: User,
    reason: str = "",
    today: dt.date | None = None,
) -> Provider:
    """Changes a provider's details (all of them, as the form gives them). The home-school rule applies whenever
    the provider stays active: a home school that is no longer good or better needs an override."""
    phase_list, specialism_list = _clean_list(phases), _clean_list(specialisms)
    _check_provider(
        name=name,
        kind=kind,
        phases=phase_list,
        specialisms=specialism_list,
        capacity_days_per_term=capacity_days_per_term,
        day_rate=day_rate,
    )
    if active:
        check_home_school(home_school, home_school_override, today=today or timezone.localdate())
    with transaction.atomic():
        before = provider_state(provider)
        provider.name = name.strip()
        provider.kind = kind
        provider.phases = phase_list
        provider.specialisms = specialism_list
        provider.capacity_days_per_term = capacity_days_per_term
        provider.day_rate = day_rate
        provider.home_school = home_school
        provider.home_school_override = home_school_override.strip()
        provider.email = email.strip()
        provider.active = active
        provider.save()
        old, new = audit.changes(before, provider_state(provider))
        if new:
            audit.record(
                actor=by, verb="support provider changed", target=provider, before=old, after=new, reason=reason
            )
    return provider


def conflict_record(*, provider: Provider, establishment: Establishment, reason: str, by: User) -> ConflictOfInterest:
    """Records that the provider must not be brokered to the school, and why."""
    if not reason.strip():
        raise SupportRuleError("Say what the conflict of interest is.")
    if conflicts_with(provider, establishment):
        raise SupportRuleError(f"A conflict of interest with {establishment.name} is already recorded.")
    try:
        with transaction.atomic():
            conflict = ConflictOfInterest.objects.create(
                provider=provider, establishment=establishment, reason=reason.strip(), recorded_by=by
            )
            audit.record(
                actor=by,
                verb="conflict of interest recorded",
                target=provider,
                after={"establishment": establishment.urn, "reason": conflict.reason},
                reason=conflict.reason,
            )
    except IntegrityError as exc:  # recorded by someone else at the same moment
        raise SupportRuleError(f"A conflict of interest with {establishment.name} is already recorded.") from exc
    return conflict


# Commissions --------------------------------------------------------------------------------------------------------


def _check_milestone(milestone: Milestone, establishment: Establishment) -> None:
    plan = milestone.plan
    if plan.concern.establishment_id != establishment.pk:
        raise SupportRuleError("That milestone belongs to another school's action plan.")
    latest = plan.concern.plans.order_by("-version").first()
    if latest is not None and latest.pk != plan.pk:
        raise SupportRuleError("That milestone belongs to an earlier version of the action plan.")


def commission_record(
    *,
    provider: Provider,
    establishment: Establishment,
    need: str,
    description: str,
    days: Decimal,
    paid_by: str,
    starts_on: dt.date,
    ends_on: dt.date,
    by: User,
    day_rate: Decimal | None = None,
    cost: Decimal | None = None,
    milestone: Milestone | None = None,
    today: dt.date | None = None,
) -> Commission:
    """Commissions support from the provider for the school. The day rate defaults to the provider's and the cost
    to days * rate. Refused when the provider has a conflict of interest with the school, is based at it, is not
    active or not the authority's, its home school is not good or better without an override, or it has fewer
    days left in the period than asked (``brokerage.capacity_left``)."""
    if provider.local_authority_id != establishment.local_authority_id:
        raise SupportRuleError(f"{provider.name} is not one of the providers of {establishment.name}'s authority.")
    if not provider.active:
        raise SupportRuleError(f"{provider.name} is not active.")
    if provider.home_school_id == establishment.pk:
        raise SupportRuleError(f"{provider.name} is based at {establishment.name}: it cannot support its own school.")
    if conflicts_with(provider, establishment):
        raise SupportRuleError(
            f"{provider.name} has a conflict of interest with {establishment.name} and cannot be commissioned for it."
        )
    check_home_school(provider.home_school, provider.home_school_override, today=today or timezone.localdate())
    if not need.strip():
        raise SupportRuleError("Enter the need, for example writing.")
    if not description.strip():
        raise SupportRuleError("Describe the support commissioned.")
    if days <= 0:
        raise SupportRuleError("The days commissioned must be more than 0.")
    if ends_on < starts_on:
        raise SupportRuleError("The end date must be on or after the start date.")
    if paid_by not in PaidBy.values:
        raise SupportRuleError("Choose who pays.")
    rate = provider.day_rate if day_rate is None else day_rate
    if rate < 0 or (cost is not None and cost < 0):
        raise SupportRuleError("The day rate and the cost cannot be negative.")
    total = (days * rate).quantize(PENNY) if cost is None else cost
    if milestone is not None:
        _check_milestone(milestone, establishment)
    with transaction.atomic():
        # Locking the provider makes two officers commissioning at once see each other's days.
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        left = capacity_left(locked, starts_on, ends_on)
        period = f"between {starts_on:%-d %B %Y} and {ends_on:%-d %B %Y}"
        if left <= 0:
            raise SupportRuleError(f"{provider.name} has no capacity left {period}.")
        if days > left:
            raise SupportRuleError(
                f"{provider.name} has only {_days(left)} days left {period}; the commission asks for {_days(days)}."
            )
        commission = Commission.objects.create(
            provider=provider,
            establishment=establishment,
            need=need.strip(),
            description=description.strip(),
            days=days,
            day_rate=rate,
            cost=total,
            paid_by=paid_by,
            milestone=milestone,
            starts_on=starts_on,
            ends_on=ends_on,
            commissioned_by=by,
        )
        audit.record(
            actor=by,
            verb="support commissioned",
            target=commission,
            after={
                "provider": provider.pk,
                "establishment": establishment.urn,
                "need": commission.need,
                "days": days,
                "day_rate": rate,
                "cost": total,
                "paid_by": paid_by,
                "milestone": milestone.pk if milestone else None,
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
    return commission


def delivered_days(commission: Commission) -> Decimal:
    total: Decimal | None = commission.deliveries.aggregate(days=Sum("days"))["days"]
    return total or ZERO


def delivery_log_record(
    *, commission: Commission, delivered_on: dt.date, days: Decimal, notes: str, by: User
) -> DeliveryLog:
    """Logs days delivered. The days delivered in all may not exceed the days commissioned; when they reach them
    the commission is delivered."""
    if days <= 0:
        raise SupportRuleError("The days delivered must be more than 0.")
    if not notes.strip():
        raise SupportRuleError("Say what was delivered.")
    with transaction.atomic():
        locked = Commission.objects.select_for_update().get(pk=commission.pk)
        if locked.status == Commission.Status.CANCELLED:
            raise SupportRuleError("The commission was cancelled: no delivery can be logged.")
        if delivered_on < locked.starts_on:
            raise SupportRuleError(f"The commission starts on {locked.starts_on:%-d %B %Y}.")
        done = delivered_days(locked)
        if done + days > locked.days:
            raise SupportRuleError(
                f"Only {_days(locked.days - done)} of the {_days(locked.days)} days commissioned are left to deliver."
            )
        log = DeliveryLog.objects.create(
            commission=locked, delivered_on=delivered_on, days=days, notes=notes.strip(), recorded_by=by
        )
        after: dict[str, Any] = {"delivered_on": delivered_on, "days": days, "delivered_in_all": done + days}
        if done + days == locked.days:
            locked.status = Commission.Status.DELIVERED
            locked.save(update_fields=["status"])
            after["status"] = locked.status
        audit.record(actor=by, verb="support delivery logged", target=locked, after=after, reason=log.notes)
    commission.refresh_from_db(fields=["status"])
    return log


def impact_evaluation_record(
    *, commission: Commission, evaluated_on: dt.date, what_changed: str, evidence: str, rating: int, by: User
) -> ImpactEvaluation:
    """Evaluates the commission's impact (1 no discernible impact to 4 strong). A later evaluation supersedes an
    earlier one; both stay."""
    if commission.status == Commission.Status.CANCELLED:
        raise SupportRuleError("The commission was cancelled: there is no impact to evaluate.")
    if rating not in ImpactRating.values:
        raise SupportRuleError("Choose the impact rating (1 to 4).")
    if not what_changed.strip() or not evidence.strip():
        raise SupportRuleError("Say what changed and the evidence for it.")
    with transaction.atomic():
        evaluation = ImpactEvaluation.objects.create(
            commission=commission,
            evaluated_on=evaluated_on,
            what_changed=what_changed.strip(),
            evidence=evidence.strip(),
            rating=rating,
            evaluated_by=by,
        )
        audit.record(
            actor=by,
            verb="support impact evaluated",
            target=commission,
            after={"evaluated_on": evaluated_on, "rating": rating, "what_changed": evaluation.what_changed},
        )
    return evaluation


def commission_cancel(*, commission: Commission, reason: str, by: User) -> None:
    """Cancels a commission (its days no longer count against the provider's capacity or in the totals)."""
    if not reason.strip():
        raise SupportRuleError("Say why the commission is cancelled.")
    if commission.status == Commission.Status.CANCELLED:
        raise SupportRuleError("The commission is already cancelled.")
    if commission.status == Commission.Status.DELIVERED:
        raise SupportRuleError("The commission has been delivered in full: it cannot be cancelled.")
    with transaction.atomic():
        before = {"status": commission.status}
        commission.status = Commission.Status.CANCELLED
        commission.save(update_fields=["status"])
        audit.record(
            actor=by,
            verb="support commission cancelled",
            target=commission,
            before=before,
            after={"status": commission.status},
            reason=reason.strip(),
        )


# Traded services ----------------------------------------------------------------------------------------------------


def traded_service_record(
    *, local_authority: LocalAuthority, name: str, hourly_rate: Decimal, by: User
) -> TradedService:
    if not name.strip():
        raise SupportRuleError("Enter the name of the service.")
    if hourly_rate < 0:
        raise SupportRuleError("The hourly rate cannot be negative.")
    if TradedService.objects.filter(local_authority=local_authority, name__iexact=name.strip()).exists():
        raise SupportRuleError(f"The authority already sells {name.strip()}.")
    with transaction.atomic():
        service = TradedService.objects.create(
            local_authority=local_authority, name=name.strip(), hourly_rate=hourly_rate
        )
        audit.record(
            actor=by, verb="traded service recorded", target=service, after={"name": service.name, "rate": hourly_rate}
        )
    return service


def subscription_record(
    *,
    service: TradedService,
    establishment: Establishment,
    start_year: int,
    hours_bought: Decimal,
    by: User,
    price: Decimal | None = None,
) -> Subscription:
    """Records the hours a school bought for an academic year; the price defaults to hours * the hourly rate."""
    if establishment.local_authority_id != service.local_authority_id:
        raise SupportRuleError(f"{establishment.name} is not one of the authority's schools.")
    if hours_bought <= 0:
        raise SupportRuleError("The hours bought must be more than 0.")
    total = (hours_bought * service.hourly_rate).quantize(PENNY) if price is None else price
    if total < 0:
        raise SupportRuleError("The price cannot be negative.")
    if Subscription.objects.filter(service=service, establishment=establishment, start_year=start_year).exists():
        raise SupportRuleError(f"{establishment.name} already has {service.name} for {start_year}/{start_year + 1}.")
    with transaction.atomic():
        subscription = Subscription.objects.create(
            service=service,
            establishment=establishment,
            start_year=start_year,
            hours_bought=hours_bought,
            price=total,
            recorded_by=by,
        )
        audit.record(
            actor=by,
            verb="traded subscription recorded",
            target=subscription,
            after={"establishment": establishment.urn, "start_year": start_year, "hours": hours_bought, "price": total},
        )
    return subscription


def hours_used(subscription: Subscription) -> Decimal:
    total: Decimal | None = subscription.uses.aggregate(hours=Sum("hours"))["hours"]
    return total or ZERO


def traded_hours_use_record(
    *, subscription: Subscription, used_on: dt.date, hours: Decimal, description: str, by: User
) -> TradedHoursUse:
    """Records hours a school used; refused when more than the hours it has left."""
    if hours <= 0:
        raise SupportRuleError("The hours used must be more than 0.")
    if not description.strip():
        raise SupportRuleError("Say what the hours were used for.")
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        left = locked.hours_bought - hours_used(locked)
        if hours > left:
            raise SupportRuleError(
                f"{locked.establishment.name} has only {_days(left)} of its {_days(locked.hours_bought)} hours left."
            )
        use = TradedHoursUse.objects.create(
            subscription=locked, used_on=used_on, hours=hours, description=description.strip(), recorded_by=by
        )
        audit.record(
            actor=by,
            verb="traded hours used",
            target=locked,
            after={"used_on": used_on, "hours": hours, "left": left - hours},
            reason=use.description,
        )
    return use
