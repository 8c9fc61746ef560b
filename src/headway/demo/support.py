"""The demo's support: providers based at the authority's real good or outstanding schools (the people are
invented and say "Demo:"), a traded service with two subscriptions, and one commission for a school causing
concern, linked to the first milestone of its action plan. Running it again adds nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from headway.accounts.models import User
from headway.concerns.models import ConcernStatus, SchoolCausingConcern
from headway.inspections.selectors import with_latest_inspection
from headway.reports import terms
from headway.schools.models import Establishment, LocalAuthority
from headway.support import brokerage, services
from headway.support.models import Commission, PaidBy, Provider, ProviderKind, TradedService

DEMO_PROVIDERS = (
    ("Demo: Jo Adeyemi", ProviderKind.LLE, ["reading", "phonics", "early years"]),
    ("Demo: Sam Whitfield", ProviderKind.NLE, ["leadership", "curriculum", "writing"]),
    ("Demo: Priya Nair", ProviderKind.PEER_HEADTEACHER, ["maths", "assessment"]),
    ("Demo: Tom Gallagher", ProviderKind.TEACHING_SCHOOL_HUB, ["writing", "reading", "SEND"]),
    ("Demo: Ruth Okafor", ProviderKind.LLE, ["SEND", "behaviour", "attendance"]),
    ("Demo: Alan Brooks", ProviderKind.NLG, ["governance", "finance"]),
)
SERVICE = "School improvement adviser time"
SERVICE_RATE = Decimal("85.00")
SUBSCRIPTION_HOURS = (Decimal(20), Decimal(12))


def _phases(school: Establishment) -> list[str]:
    if school.phase == "All-through":
        return ["Primary", "Secondary", "All-through"]
    return [school.phase] if school.phase in services.PHASES else ["Primary"]


def _providers(local_authority: LocalAuthority, by: User, today: dt.date) -> list[str]:
    done: list[str] = []
    schools = list(
        with_latest_inspection(
            Establishment.objects.filter(local_authority=local_authority, status__istartswith="open")
        )
        .filter(Q(latest_grade__in=[1, 2]))
        .order_by("latest_grade", "urn")[: len(DEMO_PROVIDERS) * 2]
    )
    used = set(
        Provider.objects.filter(local_authority=local_authority, home_school__isnull=False).values_list(
            "home_school_id", flat=True
        )
    )
    for person, kind, specialisms in DEMO_PROVIDERS:
        if Provider.objects.filter(local_authority=local_authority, name__startswith=f"{person},").exists():
            continue
        school = next((s for s in schools if s.pk not in used), None)
        if school is None:
            break
        used.add(school.pk)
        try:
            services.provider_record(
                local_authority=local_authority,
                name=f"{person}, {school.name}",
                kind=kind,
                phases=_phases(school),
                specialisms=specialisms,
                capacity_days_per_term=Decimal(10),
                day_rate=Decimal("450.00"),
                home_school=school,
                email="",
                by=by,
                today=today,
            )
        except services.SupportRuleError:  # a newer report card made the school not good or better
            continue
        done.append(f"Provider {person} at {school.name} ({school.urn})")
    return done


def _traded(local_authority: LocalAuthority, by: User, today: dt.date) -> list[str]:
    done: list[str] = []
    service = TradedService.objects.filter(local_authority=local_authority, name=SERVICE).first()
    if service is None:
        service = services.traded_service_record(
            local_authority=local_authority, name=SERVICE, hourly_rate=SERVICE_RATE, by=by
        )
        done.append(f"Traded service {SERVICE}")
    if service.subscriptions.exists():
        return done
    homes = Provider.objects.filter(local_authority=local_authority).values_list("home_school_id", flat=True)
    schools = list(
        Establishment.objects.filter(local_authority=local_authority, status__istartswith="open")
        .exclude(pk__in=[pk for pk in homes if pk is not None])
        .order_by("urn")[: len(SUBSCRIPTION_HOURS)]
    )
    year = terms.academic_year(today)
    for school, hours in zip(schools, SUBSCRIPTION_HOURS, strict=False):
        subscription = services.subscription_record(
            service=service, establishment=school, start_year=year, hours_bought=hours, by=by
        )
        done.append(f"{school.name} bought {hours} hours of {SERVICE}")
        if hours == SUBSCRIPTION_HOURS[0]:
            services.traded_hours_use_record(
                subscription=subscription,
                used_on=today,
                hours=Decimal(3),
                description="Demo: adviser visit to review the school's self-evaluation",
                by=by,
            )
    return done


def _commission(local_authority: LocalAuthority, by: User, today: dt.date) -> list[str]:
    concerns = SchoolCausingConcern.objects.filter(establishment__local_authority=local_authority).exclude(
        status=ConcernStatus.REMOVED
    )
    for concern in concerns.select_related("establishment").order_by("designated_on", "id"):
        school = concern.establishment
        if Commission.objects.filter(establishment=school, description__startswith="Demo:").exists():
            return []
        plan = concern.plans.order_by("-version").first()
        milestone = plan.milestones.first() if plan is not None else None
        if milestone is None:
            continue
        providers = Provider.objects.filter(local_authority=local_authority)
        need = brokerage.need_from_milestone(milestone, brokerage.known_specialisms(providers))
        term = terms.term_containing(today)
        result = brokerage.broker(school, need, term_start=term.starts_on, term_end=term.ends_on, today=today)
        ranked = (
            result.ranked
            or brokerage.broker(school, "", term_start=term.starts_on, term_end=term.ends_on, today=today).ranked
        )
        if not ranked:
            continue
        best = ranked[0]
        commission = services.commission_record(
            provider=best.provider,
            establishment=school,
            need=need[:120],
            description=f"Demo: {best.provider.name} coaches leaders towards the milestone: {milestone.title}.",
            days=min(Decimal(3), best.capacity_left),
            paid_by=PaidBy.LA,
            milestone=milestone,
            starts_on=max(today, term.starts_on),
            ends_on=term.ends_on,
            by=by,
            today=today,
        )
        return [f"Commission of {commission.days} days from {best.provider.name} for {school.name}"]
    return []


def demo_support_load(*, local_authority: LocalAuthority, by: User, today: dt.date | None = None) -> list[str]:
    """Loads the demo's providers, traded service and subscriptions and one commission (each once); returns
    what it added. ``today`` (the day the demo is loaded; by default today) dates the subscriptions and the
    commission."""
    today = today or timezone.localdate()
    return (
        _providers(local_authority, by, today)
        + _traded(local_authority, by, today)
        + _commission(local_authority, by, today)
    )


def partnership_survey_load(*, local_authority: LocalAuthority) -> list[str]:
    """The partnership survey answered by generated preferences (once: nothing happens when any school of the
    authority has answered), for the year the partnership rules in force are for (the year the survey page
    opens on), so that an officer can propose partnerships."""
    from headway.support.models import PartnershipPreference
    from headway.support.partnership_policy import partnership_policy_named
    from headway.support.partnerships import generate_preferences

    if PartnershipPreference.objects.filter(establishment__local_authority=local_authority).exists():
        return []
    policy = partnership_policy_named()
    answers = generate_preferences(
        local_authority=local_authority, start_year=policy.effective_from.year, policy=policy
    )
    return [f"Partnership survey (generated answers for the demo): {answers} schools"]
