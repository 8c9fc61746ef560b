"""Reading support: the provider directory, a provider's page, commissions with their delivery and impact,
traded hours used and left, and the roll-ups by school, provider and academic year.

Cancelled commissions are listed (so their history shows) but never counted in a total. A commission's
academic year is the one it starts in (``headway.reports.terms.academic_year``); its hours are its days *
``HOURS_PER_DAY``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from headway.concerns.models import ConcernStatus, Milestone
from headway.reports.terms import Term, academic_year, academic_year_label
from headway.risk.models import CategoryProposal
from headway.risk.selectors import latest_proposal
from headway.schools.models import Establishment, LocalAuthority
from headway.support.brokerage import (
    HomeSchoolStanding,
    home_school_standing,
    providers_matching,
    track_records,
)
from headway.support.models import (
    Commission,
    ImpactEvaluation,
    PaidBy,
    PartnershipPreference,
    Provider,
    Subscription,
    TradedService,
)

HOURS_PER_DAY = Decimal("6.5")
"""The LA's working day of support, in hours: commissions are in days, traded services and plans in hours."""

ZERO = Decimal(0)


def plain(value: Decimal) -> Decimal:
    """The number without trailing zeros, for display: 19.50 -> 19.5, 13.0 -> 13 (never 1.3E+1)."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral_value() else normalized


def hours_for(days: Decimal) -> Decimal:
    """A commission's days in hours (``HOURS_PER_DAY`` each)."""
    return plain(days * HOURS_PER_DAY)


def _counted(commissions: QuerySet[Commission]) -> QuerySet[Commission]:
    return commissions.exclude(status=Commission.Status.CANCELLED)


@dataclass(frozen=True)
class DirectoryRow:
    provider: Provider
    committed: Decimal

    @property
    def left(self) -> Decimal:
        return self.provider.capacity_days_per_term - self.committed


# The directory --------------------------------------------------------------------------------------------------------


def directory(
    local_authority: LocalAuthority,
    *,
    term: Term,
    query: str = "",
    kind: str = "",
    phase: str = "",
    specialism: str = "",
) -> dict[str, Any]:
    """The authority's providers matching the search, each with days committed and left in ``term``, and totals:
    ``{"rows": [DirectoryRow], "totals": {"providers", "active", "capacity", "committed",
    "left"}}``."""
    providers = providers_matching(
        Provider.objects.filter(local_authority=local_authority).select_related("home_school"),
        query=query,
        kind=kind,
        phase=phase,
        specialism=specialism,
    )
    committed: dict[int, Decimal] = {
        row["provider_id"]: row["days"] or ZERO
        for row in _counted(
            Commission.objects.filter(provider__in=providers, starts_on__lte=term.ends_on, ends_on__gte=term.starts_on)
        )
        .values("provider_id")
        .annotate(days=Sum("days"))
    }
    rows = [DirectoryRow(provider=p, committed=committed.get(p.pk, ZERO)) for p in providers]
    active = [r for r in rows if r.provider.active]
    return {
        "rows": rows,
        "totals": {
            "providers": len(rows),
            "active": len(active),
            "capacity": sum((r.provider.capacity_days_per_term for r in active), ZERO),
            "committed": sum((r.committed for r in rows), ZERO),
            "left": sum((max(r.left, ZERO) for r in active), ZERO),
        },
    }


# A provider --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissionRow:
    commission: Commission
    delivered: Decimal
    evaluation: ImpactEvaluation | None

    @property
    def hours(self) -> Decimal:
        return hours_for(self.commission.days)

    @property
    def left_to_deliver(self) -> Decimal:
        return self.commission.days - self.delivered

    @property
    def year(self) -> int:
        return academic_year(self.commission.starts_on)


def commission_rows(commissions: QuerySet[Commission]) -> list[CommissionRow]:
    """Each commission with its days delivered and its latest impact evaluation."""
    found = list(
        commissions.select_related("provider", "establishment", "milestone").annotate(delivered=Sum("deliveries__days"))
    )
    latest: dict[int, ImpactEvaluation] = {}
    for evaluation in ImpactEvaluation.objects.filter(commission__in=[c.pk for c in found]).order_by(
        "-evaluated_on", "-id"
    ):
        latest.setdefault(evaluation.commission_id, evaluation)
    return [
        CommissionRow(commission=c, delivered=getattr(c, "delivered", None) or ZERO, evaluation=latest.get(c.pk))
        for c in found
    ]


@dataclass(frozen=True)
class ProviderPage:
    provider: Provider
    home_school: HomeSchoolStanding | None
    home_school_risk: CategoryProposal | None
    commissions: list[CommissionRow]
    track_record: float | None
    evaluated: int
    committed_this_term: Decimal
    left_this_term: Decimal


def provider_page(provider: Provider, *, term: Term, today: dt.date) -> ProviderPage:
    """A provider's details: its home school's latest grade and latest risk proposal, its commissions with
    delivery and impact, its track record and its days this term."""
    home = provider.home_school
    rows = commission_rows(Commission.objects.filter(provider=provider))
    record = track_records([provider]).get(provider.pk)
    committed = sum(
        (
            r.commission.days
            for r in rows
            if r.commission.status != Commission.Status.CANCELLED
            and r.commission.starts_on <= term.ends_on
            and r.commission.ends_on >= term.starts_on
        ),
        ZERO,
    )
    return ProviderPage(
        provider=provider,
        home_school=home_school_standing(home, today=today) if home else None,
        home_school_risk=latest_proposal(home) if home else None,
        commissions=rows,
        track_record=record[0] if record else None,
        evaluated=record[1] if record else 0,
        committed_this_term=committed,
        left_this_term=provider.capacity_days_per_term - committed,
    )


# Commissions --------------------------------------------------------------------------------------------------------


def commissions_for(
    local_authority: LocalAuthority,
    *,
    start_year: int | None = None,
    paid_by: str = "",
    provider_id: int | None = None,
) -> dict[str, Any]:
    """The authority's commissions, filtered by academic year, payer and provider, with totals of those not
    cancelled: ``{"rows": [CommissionRow], "totals": {"commissions", "days", "hours", "cost", "delivered"}}``."""
    commissions = Commission.objects.filter(provider__local_authority=local_authority)
    if start_year is not None:
        commissions = commissions.filter(
            starts_on__gte=dt.date(start_year, 9, 1), starts_on__lte=dt.date(start_year + 1, 8, 31)
        )
    if paid_by:
        commissions = commissions.filter(paid_by=paid_by)
    if provider_id is not None:
        commissions = commissions.filter(provider_id=provider_id)
    rows = commission_rows(commissions)
    counted = [r for r in rows if r.commission.status != Commission.Status.CANCELLED]
    days = sum((r.commission.days for r in counted), ZERO)
    return {
        "rows": rows,
        "totals": {
            "commissions": len(counted),
            "days": days,
            "hours": hours_for(days),
            "cost": sum((r.commission.cost for r in counted), ZERO),
            "delivered": sum((r.delivered for r in counted), ZERO),
        },
    }


def commission_years(local_authority: LocalAuthority) -> list[int]:
    starts = Commission.objects.filter(provider__local_authority=local_authority).values_list("starts_on", flat=True)
    return sorted({academic_year(day) for day in starts}, reverse=True)


def current_milestones(establishment: Establishment) -> list[Milestone]:
    """The milestones of the current action plan of the school's open case causing concern (none without one)."""
    concern = establishment.concerns.exclude(status=ConcernStatus.REMOVED).first()
    if concern is None:
        return []
    plan = concern.plans.order_by("-version").first()
    return list(plan.milestones.all()) if plan is not None else []


# Traded services ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionHours:
    subscription: Subscription
    used: Decimal

    @property
    def left(self) -> Decimal:
        return self.subscription.hours_bought - self.used


def subscription_hours(subscriptions: QuerySet[Subscription]) -> list[SubscriptionHours]:
    """Each subscription with the hours used (and so left)."""
    return [
        SubscriptionHours(subscription=s, used=getattr(s, "used", None) or ZERO)
        for s in subscriptions.select_related("service", "establishment").annotate(used=Sum("uses__hours"))
    ]


def traded_income(local_authority: LocalAuthority) -> list[dict[str, Any]]:
    """Income per service per academic year: ``[{"service", "start_year", "year", "subscriptions", "hours",
    "income"}]``, newest year first, then by service."""
    rows = (
        Subscription.objects.filter(service__local_authority=local_authority)
        .values("service_id", "service__name", "start_year")
        .annotate(hours=Sum("hours_bought"), income=Sum("price"))
        .order_by("-start_year", "service__name")
    )
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for service_id, start_year in Subscription.objects.filter(service__local_authority=local_authority).values_list(
        "service_id", "start_year"
    ):
        counts[(service_id, start_year)] += 1
    return [
        {
            "service": row["service__name"],
            "start_year": row["start_year"],
            "year": academic_year_label(row["start_year"]),
            "subscriptions": counts[(row["service_id"], row["start_year"])],
            "hours": row["hours"] or ZERO,
            "income": row["income"] or ZERO,
        }
        for row in rows
    ]


def traded_services(local_authority: LocalAuthority) -> QuerySet[TradedService]:
    return TradedService.objects.filter(local_authority=local_authority)


# Roll-ups ----------------------------------------------------------------------------------------------------------


def support_for_school(establishment: Establishment) -> dict[str, Any]:
    """All the support a school has had, for its school page and the concerns pack.

    Returns ``{"commissions": [CommissionRow], "by_year": [{"start_year", "year", "commissions", "days",
    "hours", "cost"}], "total": {"commissions", "days", "hours", "cost"}, "subscriptions": [SubscriptionHours],
    "traded": {"bought", "used", "left"}}``. A commission's hours are its days * ``HOURS_PER_DAY``; cancelled
    commissions are listed but not counted; years are academic years (newest first) by the commission's start.
    """
    rows = commission_rows(Commission.objects.filter(establishment=establishment))
    counted = [r for r in rows if r.commission.status != Commission.Status.CANCELLED]
    years: dict[int, dict[str, Any]] = {}
    for row in counted:
        year = years.setdefault(
            row.year,
            {
                "start_year": row.year,
                "year": academic_year_label(row.year),
                "commissions": 0,
                "days": ZERO,
                "cost": ZERO,
            },
        )
        year["commissions"] += 1
        year["days"] += row.commission.days
        year["cost"] += row.commission.cost
    for year in years.values():
        year["hours"] = hours_for(year["days"])
    days = sum((r.commission.days for r in counted), ZERO)
    subscriptions = subscription_hours(Subscription.objects.filter(establishment=establishment))
    bought = sum((s.subscription.hours_bought for s in subscriptions), ZERO)
    used = sum((s.used for s in subscriptions), ZERO)
    return {
        "commissions": rows,
        "by_year": [years[y] for y in sorted(years, reverse=True)],
        "total": {
            "commissions": len(counted),
            "days": days,
            "hours": hours_for(days),
            "cost": sum((r.commission.cost for r in counted), ZERO),
        },
        "subscriptions": subscriptions,
        "traded": {"bought": bought, "used": used, "left": bought - used},
    }


def support_by_provider(local_authority: LocalAuthority, start_year: int) -> list[dict[str, Any]]:
    """Each of the authority's providers with commissions starting in the academic year ``start_year`` (2025 for
    2025/26): ``[{"provider", "commissions", "schools", "days", "hours", "cost", "delivered", "mean_impact"}]``,
    most days first. Cancelled commissions are not counted; ``mean_impact`` is the mean of the latest evaluation
    of each evaluated commission of the year (None when none is evaluated)."""
    rows = commissions_for(local_authority, start_year=start_year)["rows"]
    providers: dict[int, dict[str, Any]] = {}
    ratings: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        commission = row.commission
        if commission.status == Commission.Status.CANCELLED:
            continue
        entry = providers.setdefault(
            commission.provider_id,
            {
                "provider": commission.provider,
                "commissions": 0,
                "schools": set(),
                "days": ZERO,
                "cost": ZERO,
                "delivered": ZERO,
            },
        )
        entry["commissions"] += 1
        entry["schools"].add(commission.establishment_id)
        entry["days"] += commission.days
        entry["cost"] += commission.cost
        entry["delivered"] += row.delivered
        if row.evaluation is not None:
            ratings[commission.provider_id].append(row.evaluation.rating)
    result = []
    for pk, entry in providers.items():
        values = ratings.get(pk, [])
        result.append(
            {
                **entry,
                "schools": len(entry["schools"]),
                "hours": hours_for(entry["days"]),
                "mean_impact": sum(values) / len(values) if values else None,
            }
        )
    return sorted(result, key=lambda e: (-e["days"], e["provider"].name.lower()))


def support_by_year(local_authority: LocalAuthority) -> list[dict[str, Any]]:
    """The authority's support per academic year, newest first: ``[{"start_year", "year", "commissions",
    "days", "hours", "cost", "cost_by_payer": {PaidBy value: cost}, "traded_hours_bought", "traded_hours_used",
    "traded_income"}]``. Cancelled commissions are not counted; traded hours used are counted in the year of
    the subscription they were used from."""
    years: dict[int, dict[str, Any]] = {}

    def year(start_year: int) -> dict[str, Any]:
        return years.setdefault(
            start_year,
            {
                "start_year": start_year,
                "year": academic_year_label(start_year),
                "commissions": 0,
                "days": ZERO,
                "cost": ZERO,
                "cost_by_payer": dict.fromkeys(PaidBy.values, ZERO),
                "traded_hours_bought": ZERO,
                "traded_hours_used": ZERO,
                "traded_income": ZERO,
            },
        )

    for days, cost, paid_by, starts_on in _counted(
        Commission.objects.filter(provider__local_authority=local_authority)
    ).values_list("days", "cost", "paid_by", "starts_on"):
        entry = year(academic_year(starts_on))
        entry["commissions"] += 1
        entry["days"] += days
        entry["cost"] += cost
        entry["cost_by_payer"][paid_by] += cost
    for hours in subscription_hours(Subscription.objects.filter(service__local_authority=local_authority)):
        entry = year(hours.subscription.start_year)
        entry["traded_hours_bought"] += hours.subscription.hours_bought
        entry["traded_hours_used"] += hours.used
        entry["traded_income"] += hours.subscription.price
    for entry in years.values():
        entry["hours"] = hours_for(entry["days"])
    return [years[y] for y in sorted(years, reverse=True)]


def survey_answers(establishments: QuerySet[Establishment], start_year: int) -> dict[int, PartnershipPreference]:
    """Each school's latest answer to the partnership survey for the year starting in ``start_year``, by school
    id, in one query."""
    found: dict[int, PartnershipPreference] = {}
    for answer in PartnershipPreference.objects.filter(
        establishment__in=establishments, start_year=start_year
    ).order_by("-submitted_at", "-id"):
        found.setdefault(answer.establishment_id, answer)
    return found
