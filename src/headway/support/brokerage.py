"""Brokerage: which of the authority's providers could support a school with a need this term, in what order,
and why each of the others could not.

A provider is *suitable* for a school and a need when all of these hold (the reasons are shown on the page):

* it is active;
* it serves the school's phase (the school's GIAS phase is one of the provider's phases, case-insensitive);
* it has the specialism: one of its specialisms is the need (case-insensitive), or the words of one contain the
  words of the other ("writing" and "KS2 writing"); with no need given, every provider passes this test;
* it has capacity left in the term: ``capacity_days_per_term`` minus the days of its commissions (not cancelled)
  that overlap the term is more than zero;
* it has no recorded conflict of interest with the school;
* it is not based at the school itself;
* its home school is good or better at its latest graded inspection, or an officer recorded why it may support
  others anyway (``home_school_override``); a provider with no home school passes.

Suitable providers are ranked by a score out of 100 (highest first; ties by name):

=====================  ======  ===========================================================================
Part                   Points  How
=====================  ======  ===========================================================================
Specialism match       40      40 for an exact match of the need, 20 when the words only overlap
Capacity left          20      20 * min(days left in the term / 10, 1)
Distance               20      20 * max(0, 1 - km / 50), km between the school's and the provider's home
                               school's easting/northing; no home school or no grid reference: 10 (neutral)
Track record           20      20 * (mean impact rating - 1) / 3, the mean of the latest evaluation of each
                               of the provider's evaluated commissions (rated 1-4); none yet: 10 (neutral)
=====================  ======  ===========================================================================
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from headway.concerns.models import Milestone
from headway.inspections.models import Framework, OverallGrade, ReportCardGrade
from headway.inspections.selectors import LatestGrade, latest_grade
from headway.reports.terms import terms_touched
from headway.schools.models import Establishment
from headway.support.models import Commission, ConflictOfInterest, ImpactEvaluation, Provider

SPECIALISM_POINTS = 40.0
CAPACITY_POINTS = 20.0
DISTANCE_POINTS = 20.0
TRACK_RECORD_POINTS = 20.0
FULL_CAPACITY_DAYS = Decimal(10)
FAR_KM = 50.0
NEUTRAL = 0.5

ZERO = Decimal(0)


# Capacity -----------------------------------------------------------------------------------------------------------


def committed_days(
    provider: Provider, starts_on: dt.date, ends_on: dt.date, *, exclude_pk: int | None = None
) -> Decimal:
    """Days of the provider's commissions (not cancelled) that overlap the period. A commission that overlaps
    counts in full: the LA does not split a commission's days between terms."""
    commissions = Commission.objects.filter(provider=provider, starts_on__lte=ends_on, ends_on__gte=starts_on).exclude(
        status=Commission.Status.CANCELLED
    )
    if exclude_pk is not None:
        commissions = commissions.exclude(pk=exclude_pk)
    total: Decimal | None = commissions.aggregate(days=Sum("days"))["days"]
    return total or ZERO


def capacity_left(provider: Provider, starts_on: dt.date, ends_on: dt.date) -> Decimal:
    """The provider's days left in the period: its days per term times the terms the period touches, minus the
    days already committed (``committed_days``). For one term this is ``capacity_days_per_term`` minus the days
    of the commissions overlapping the term."""
    available = provider.capacity_days_per_term * len(terms_touched(starts_on, ends_on))
    return available - committed_days(provider, starts_on, ends_on)


# The home-school rule ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeSchoolStanding:
    """The home school's latest graded inspection and whether it makes the school good or better."""

    grade: LatestGrade | None
    good_or_better: bool

    @property
    def label(self) -> str:
        return self.grade.label if self.grade is not None else "Not inspected with a grade"


def is_good_or_better(grade: LatestGrade | None) -> bool:
    """Good or better: an overall grade of 1 or 2, or a report card with no area below the expected standard and
    safeguarding met. No graded inspection is not good or better."""
    if grade is None:
        return False
    inspection = grade.inspection
    if inspection.framework == Framework.REPORT_CARD_2025:
        grades = [j.grade for j in inspection.judgements.all()]
        return bool(grades) and min(grades) >= ReportCardGrade.EXPECTED_STANDARD and inspection.safeguarding_met is True
    return inspection.overall_effectiveness in (OverallGrade.OUTSTANDING, OverallGrade.GOOD)


def home_school_standing(establishment: Establishment, *, today: dt.date) -> HomeSchoolStanding:
    grade = latest_grade(establishment.pk, today=today)
    return HomeSchoolStanding(grade=grade, good_or_better=is_good_or_better(grade))


# Matching ---------------------------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def specialism_match(specialisms: Iterable[str], need: str) -> tuple[float, str]:
    """(1.0, the specialism) for an exact match of the need, case-insensitive; (0.5, it) when the words of one
    contain the words of the other; (0.0, "") when none matches."""
    wanted = need.strip().lower()
    best: tuple[float, str] = (0.0, "")
    for specialism in specialisms:
        if specialism.strip().lower() == wanted:
            return 1.0, specialism
        mine, theirs = _words(specialism), _words(wanted)
        if mine and theirs and (mine <= theirs or theirs <= mine) and best[0] < NEUTRAL:
            best = (NEUTRAL, specialism)
    return best


def serves_phase(provider: Provider, phase: str) -> bool:
    return phase.strip().lower() in {p.strip().lower() for p in provider.phases}


def distance_km(a: Establishment | None, b: Establishment | None) -> float | None:
    """Straight-line km between two schools' British National Grid references; None when either is missing."""
    if a is None or b is None or None in (a.easting, a.northing, b.easting, b.northing):
        return None
    assert a.easting is not None and a.northing is not None and b.easting is not None and b.northing is not None
    return math.hypot(a.easting - b.easting, a.northing - b.northing) / 1000


def track_records(providers: Iterable[Provider]) -> dict[int, tuple[float, int]]:
    """Each provider's (mean impact rating, evaluated commissions), from the latest evaluation of each commission.
    Providers with no evaluated commission are left out."""
    latest: dict[int, ImpactEvaluation] = {}
    for evaluation in (
        ImpactEvaluation.objects.filter(commission__provider__in=list(providers))
        .select_related("commission")
        .order_by("-evaluated_on", "-id")
    ):
        latest.setdefault(evaluation.commission_id, evaluation)
    ratings: dict[int, list[int]] = defaultdict(list)
    for evaluation in latest.values():
        ratings[evaluation.commission.provider_id].append(evaluation.rating)
    return {pk: (sum(values) / len(values), len(values)) for pk, values in ratings.items()}


def need_from_milestone(milestone: Milestone, specialisms: Iterable[str]) -> str:
    """The need a milestone suggests: the longest known specialism named in its title (so "Reading leader
    appointed" gives "reading"), else the title itself."""
    title = _words(milestone.title)
    for specialism in sorted({s.strip() for s in specialisms if s.strip()}, key=lambda s: (-len(s), s.lower())):
        words = _words(specialism)
        if words and words <= title:
            return specialism.lower()
    return milestone.title.strip()


def known_specialisms(providers: Iterable[Provider]) -> list[str]:
    seen: dict[str, str] = {}
    for provider in providers:
        for specialism in provider.specialisms:
            seen.setdefault(specialism.strip().lower(), specialism.strip())
    return sorted(seen.values(), key=str.lower)


# Ranking -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A suitable provider, its score out of 100 and the reasons for it."""

    provider: Provider
    score: float
    specialism: str
    capacity_left: Decimal
    distance_km: float | None
    track_record: float | None
    evaluated: int
    home_school: HomeSchoolStanding | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Excluded:
    """A provider of the authority that brokerage does not suggest, and every reason why not."""

    provider: Provider
    capacity_left: Decimal
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Brokerage:
    establishment: Establishment
    need: str
    term_start: dt.date
    term_end: dt.date
    ranked: list[Ranked] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}"


def broker(
    establishment: Establishment, need: str, *, term_start: dt.date, term_end: dt.date, today: dt.date
) -> Brokerage:
    """Every provider of the school's authority, either ranked (suitable) or excluded with why (see the module's
    docstring for the rules and the score)."""
    providers = list(
        Provider.objects.filter(local_authority_id=establishment.local_authority_id).select_related("home_school")
    )
    conflicted = set(
        ConflictOfInterest.objects.filter(establishment=establishment, provider__in=providers).values_list(
            "provider_id", flat=True
        )
    )
    committed: dict[int, Decimal] = {
        row["provider_id"]: row["days"] or ZERO
        for row in Commission.objects.filter(provider__in=providers, starts_on__lte=term_end, ends_on__gte=term_start)
        .exclude(status=Commission.Status.CANCELLED)
        .values("provider_id")
        .annotate(days=Sum("days"))
    }
    records = track_records(providers)
    terms = len(terms_touched(term_start, term_end))
    ranked: list[Ranked] = []
    excluded: list[Excluded] = []
    for provider in providers:
        left = provider.capacity_days_per_term * terms - committed.get(provider.pk, ZERO)
        standing = home_school_standing(provider.home_school, today=today) if provider.home_school else None
        match, specialism = specialism_match(provider.specialisms, need) if need.strip() else (0.0, "")
        why_not: list[str] = []
        if not provider.active:
            why_not.append("Not active")
        if not serves_phase(provider, establishment.phase):
            why_not.append(f"Does not serve the {establishment.phase or 'unknown'} phase")
        if need.strip() and match == 0:
            why_not.append(f"No specialism in {need.strip()}")
        if left <= 0:
            why_not.append("No capacity left in the term")
        if provider.pk in conflicted:
            why_not.append("Conflict of interest with the school")
        if provider.home_school_id == establishment.pk:
            why_not.append("Based at the school itself")
        if standing is not None and not standing.good_or_better and not provider.home_school_override.strip():
            why_not.append(f"Home school not good or better ({standing.label}) and no override recorded")
        if why_not:
            excluded.append(Excluded(provider=provider, capacity_left=left, reasons=tuple(why_not)))
            continue
        km = distance_km(establishment, provider.home_school)
        record = records.get(provider.pk)
        capacity_part = float(min(left / FULL_CAPACITY_DAYS, Decimal(1)))
        distance_part = NEUTRAL if km is None else max(0.0, 1 - km / FAR_KM)
        track_part = NEUTRAL if record is None else (record[0] - 1) / 3
        parts = {
            "specialism": SPECIALISM_POINTS * match,
            "capacity": CAPACITY_POINTS * capacity_part,
            "distance": DISTANCE_POINTS * distance_part,
            "track": TRACK_RECORD_POINTS * track_part,
        }
        reasons = [
            (
                f"Specialism: {specialism} ({'exact match' if match == 1 else 'close match'}), "
                f"{parts['specialism']:.0f} points"
                if need.strip()
                else "No need given: specialism not scored"
            ),
            f"Capacity: {_days(left)} days left this term, {parts['capacity']:.0f} points",
            (
                f"Distance: {km:.1f} km from the home school, {parts['distance']:.0f} points"
                if km is not None
                else f"Distance: not known (no home school grid reference), neutral {parts['distance']:.0f} points"
            ),
            (
                f"Track record: mean impact {record[0]:.1f} of 4 over {record[1]} evaluated "
                f"commission{'s' if record[1] != 1 else ''}, {parts['track']:.0f} points"
                if record is not None
                else f"Track record: no evaluated commissions yet, neutral {parts['track']:.0f} points"
            ),
        ]
        if standing is not None:
            reasons.append(
                f"Home school: {standing.label}"
                + ("" if standing.good_or_better else f" (override: {provider.home_school_override.strip()})")
            )
        ranked.append(
            Ranked(
                provider=provider,
                score=round(sum(parts.values()), 1),
                specialism=specialism,
                capacity_left=left,
                distance_km=km,
                track_record=record[0] if record else None,
                evaluated=record[1] if record else 0,
                home_school=standing,
                reasons=tuple(reasons),
            )
        )
    ranked.sort(key=lambda r: (-r.score, r.provider.name.lower(), r.provider.pk))
    excluded.sort(key=lambda e: (e.provider.name.lower(), e.provider.pk))
    return Brokerage(
        establishment=establishment,
        need=need.strip(),
        term_start=term_start,
        term_end=term_end,
        ranked=ranked,
        excluded=excluded,
    )


def rank_providers(
    establishment: Establishment, need: str, *, term_start: dt.date, term_end: dt.date, today: dt.date
) -> list[Ranked]:
    """The suitable providers for the school and the need in the term, best first (``broker`` also gives the
    excluded providers and why)."""
    return broker(establishment, need, term_start=term_start, term_end=term_end, today=today).ranked


def conflicts_with(provider: Provider, establishment: Establishment) -> bool:
    return ConflictOfInterest.objects.filter(provider=provider, establishment=establishment).exists()


def providers_matching(
    providers: Iterable[Provider], *, query: str = "", kind: str = "", phase: str = "", specialism: str = ""
) -> list[Provider]:
    """The directory's search: name contains ``query``, of ``kind``, serving ``phase``, with a specialism
    matching ``specialism`` (as brokerage matches a need)."""
    found = []
    for provider in providers:
        if query.strip() and query.strip().lower() not in provider.name.lower():
            continue
        if kind and provider.kind != kind:
            continue
        if phase and not serves_phase(provider, phase):
            continue
        if specialism.strip() and specialism_match(provider.specialisms, specialism)[0] == 0:
            continue
        found.append(provider)
    return found
