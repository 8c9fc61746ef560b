"""Brokerage: who is suggested for a school and a need this term, in what order and why; who is not, and why
not. It never suggests a provider without capacity or with a conflict of interest."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from headway.concerns.models import Milestone
from headway.reports import terms
from headway.support import brokerage, services
from headway.support.brokerage import Brokerage, Ranked
from headway.support.models import Commission, ConflictOfInterest, ImpactEvaluation
from tests.factories import InspectionFactory
from tests.support import (
    AUTUMN,
    BALKSBURY,
    SPRING,
    TODAY,
    World,
    commission,
    make_world,
    plan_with_milestones,
    provider,
    school,
)

pytestmark = pytest.mark.django_db

RI = {"overall_effectiveness": 3, "overall_label": "Requires improvement"}


@pytest.fixture
def world() -> World:
    return make_world()


def broker(world: World, need: str = "writing") -> Brokerage:
    return brokerage.broker(world.school, need, term_start=AUTUMN[0], term_end=AUTUMN[1], today=TODAY)


def ranked_names(world: World, need: str = "writing") -> list[str]:
    return [r.provider.name for r in broker(world, need).ranked]


def why_not(world: World, name: str, need: str = "writing") -> tuple[str, ...]:
    return next(e.reasons for e in broker(world, need).excluded if e.provider.name == name)


def evaluate(world: World, chosen_commission: Commission, rating: int) -> None:
    services.impact_evaluation_record(
        commission=chosen_commission,
        evaluated_on=dt.date(2025, 4, 1),
        what_changed="Writing improved",
        evidence="Book looks",
        rating=rating,
        by=world.officer,
    )


# Capacity and conflicts: never suggested ---------------------------------------------------------------------------


def test_provider_with_capacity_used_up_exactly_is_not_suggested(world: World) -> None:
    busy = provider(world, "Busy", home=world.near, capacity=5)
    commission(world, busy, days=3, school=world.far)
    commission(world, busy, days=2, school=school(BALKSBURY))
    assert "Busy" not in ranked_names(world)
    assert "No capacity left in the term" in why_not(world, "Busy")


def test_provider_with_half_a_day_left_is_suggested(world: World) -> None:
    nearly = provider(world, "Nearly busy", home=world.near, capacity=5)
    commission(world, nearly, days="4.5", school=world.far)
    ranked = broker(world).ranked
    assert [r.provider.name for r in ranked] == ["Nearly busy"]
    assert ranked[0].capacity_left == Decimal("0.5")


def test_capacity_counts_only_commissions_overlapping_the_term_and_not_cancelled(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near, capacity=4)
    commission(world, chosen, days=4, school=world.far, period=SPRING)  # last spring: another term
    cancelled = commission(world, chosen, days=4, school=world.far)
    services.commission_cancel(commission=cancelled, reason="School withdrew", by=world.officer)
    assert broker(world).ranked[0].capacity_left == Decimal(4)
    commission(world, chosen, days=1, school=world.far, period=(dt.date(2025, 8, 20), dt.date(2025, 9, 10)))
    assert broker(world).ranked[0].capacity_left == Decimal(3)  # overlaps the autumn term, counts in full


def test_provider_with_a_conflict_of_interest_is_not_suggested(world: World) -> None:
    conflicted = provider(world, "Conflicted", home=world.near, capacity=20)
    provider(world, "Clear", home=world.far)
    services.conflict_record(
        provider=conflicted, establishment=world.school, reason="Former deputy head there", by=world.officer
    )
    assert ranked_names(world) == ["Clear"]
    assert why_not(world, "Conflicted") == ("Conflict of interest with the school",)
    # The conflict is with Alton only: for Balksbury the same provider is suggested.
    other = brokerage.broker(school(BALKSBURY), "writing", term_start=AUTUMN[0], term_end=AUTUMN[1], today=TODAY)
    assert "Conflicted" in [r.provider.name for r in other.ranked]


def test_no_need_still_never_suggests_conflicted_or_full_providers(world: World) -> None:
    full = provider(world, "Full", capacity=1)
    commission(world, full, days=1, school=world.far)
    conflicted = provider(world, "Conflicted")
    services.conflict_record(provider=conflicted, establishment=world.school, reason="Governor", by=world.officer)
    provider(world, "Free")
    assert ranked_names(world, need="") == ["Free"]


def test_random_directories_never_suggest_a_provider_without_capacity_or_with_a_conflict(world: World) -> None:
    rng = random.Random(20251015)
    others = [world.far, world.near, school(BALKSBURY)]
    for number in range(25):
        chosen = provider(world, f"Provider {number:02d}", capacity=rng.choice([0, 1, 2, 3, 5]))
        booked = Decimal(0)
        while rng.random() < 0.6:
            days = Decimal(rng.choice([1, 2]))
            if booked + days > chosen.capacity_days_per_term:
                break
            made = commission(world, chosen, days=days, school=rng.choice(others))
            if rng.random() < 0.2:
                services.commission_cancel(commission=made, reason="Withdrawn", by=world.officer)
            else:
                booked += days
        if rng.random() < 0.3:
            services.conflict_record(provider=chosen, establishment=world.school, reason="Link", by=world.officer)
    result = broker(world)
    assert result.ranked, "the random directory should leave someone suggestible"
    assert result.excluded, "the random directory should exclude someone"
    conflicted = set(ConflictOfInterest.objects.filter(establishment=world.school).values_list("provider", flat=True))
    for ranked in result.ranked:
        used = sum(
            (
                c.days
                for c in Commission.objects.filter(provider=ranked.provider).exclude(status=Commission.Status.CANCELLED)
            ),
            Decimal(0),
        )
        assert ranked.provider.capacity_days_per_term - used > 0, ranked.provider.name
        assert ranked.provider.pk not in conflicted, ranked.provider.name
    assert len(result.ranked) + len(result.excluded) == 25


# The other rules ----------------------------------------------------------------------------------------------------


def test_phase_specialism_activity_own_school_and_home_school_exclude_with_reasons(world: World) -> None:
    provider(world, "Secondary only", phases=["Secondary"])
    provider(world, "Maths only", specialisms=["maths"])
    inactive = provider(world, "Stood down")
    inactive.active = False
    inactive.save()
    provider(world, "Alton's own head", home=world.school)
    provider(world, "RI base", home=school(BALKSBURY))
    InspectionFactory(establishment=school(BALKSBURY), start_date=dt.date(2025, 6, 1), **RI)
    provider(world, "Suitable", home=world.near, specialisms=["WRITING"])
    assert ranked_names(world, need="Writing") == ["Suitable"]
    assert why_not(world, "Secondary only") == ("Does not serve the Primary phase",)
    assert why_not(world, "Maths only") == ("No specialism in writing",)
    assert why_not(world, "Stood down") == ("Not active",)
    assert why_not(world, "Alton's own head") == ("Based at the school itself",)
    assert why_not(world, "RI base") == (
        "Home school not good or better (Requires improvement) and no override recorded",
    )


def test_home_school_override_makes_the_provider_suggestible(world: World) -> None:
    InspectionFactory(establishment=school(BALKSBURY), start_date=dt.date(2025, 6, 1), **RI)
    provider(world, "Overridden", home=school(BALKSBURY), override="Seconded from an outstanding trust")
    ranked = broker(world).ranked
    assert [r.provider.name for r in ranked] == ["Overridden"]
    assert "Home school: Requires improvement (override: Seconded from an outstanding trust)" in ranked[0].reasons


def test_specialism_matches_case_insensitively_and_by_words(world: World) -> None:
    provider(world, "Exact", specialisms=["Early Years"])
    provider(world, "Words", specialisms=["early years phonics"])
    provider(world, "Neither", specialisms=["years of experience in maths"])
    result = broker(world, need="EARLY YEARS")
    assert [(r.provider.name, r.specialism) for r in result.ranked] == [
        ("Exact", "Early Years"),
        ("Words", "early years phonics"),
    ]
    assert why_not(world, "Neither", need="EARLY YEARS") == ("No specialism in EARLY YEARS",)
    assert brokerage.specialism_match(["Early Years"], "early years") == (1.0, "Early Years")
    assert brokerage.specialism_match(["KS2 writing"], "writing") == (0.5, "KS2 writing")
    assert brokerage.specialism_match(["maths"], "writing") == (0.0, "")


# Ranking --------------------------------------------------------------------------------------------------------


def expected(match: float, left: float, km: float | None, mean: float | None) -> float:
    """The documented score, written out again."""
    distance = 0.5 if km is None else max(0.0, 1 - km / 50)
    track = 0.5 if mean is None else (mean - 1) / 3
    return round(40 * match + 20 * min(left / 10, 1) + 20 * distance + 20 * track, 1)


def test_ranks_by_the_documented_score_with_reasons(world: World) -> None:
    near = provider(world, "Near exact", home=world.near)
    provider(world, "Far exact", home=world.far)
    provider(world, "Near partial", home=world.near, specialisms=["KS2 writing"])
    provider(world, "No base", specialisms=["writing"], capacity=5)
    proven = provider(world, "Proven near", home=world.near)
    past = commission(world, proven, days=2, school=world.far, period=SPRING)
    evaluate(world, past, 4)
    weak = commission(world, near, days=1, school=world.far, period=SPRING)
    evaluate(world, weak, 1)

    ranked = broker(world).ranked
    near_km = brokerage.distance_km(world.school, world.near)
    far_km = brokerage.distance_km(world.school, world.far)
    assert near_km is not None and 0.2 < near_km < 0.4
    assert far_km is not None and 36 < far_km < 37
    scores = {r.provider.name: r.score for r in ranked}
    assert scores == {
        "Proven near": expected(1, 10, near_km, 4),
        "Near exact": expected(1, 10, near_km, 1),
        "Far exact": expected(1, 10, far_km, None),
        "Near partial": expected(0.5, 10, near_km, None),
        "No base": expected(1, 5, None, None),
    }
    assert [r.provider.name for r in ranked] == sorted(scores, key=lambda name: -scores[name])
    assert ranked[0].provider.name == "Proven near"

    best: Ranked = ranked[0]
    assert best.reasons[0] == "Specialism: writing (exact match), 40 points"
    assert best.reasons[1] == "Capacity: 10 days left this term, 20 points"
    assert best.reasons[2].startswith("Distance: 0.3 km from the home school")
    assert best.reasons[3] == "Track record: mean impact 4.0 of 4 over 1 evaluated commission, 20 points"
    assert best.reasons[4] == "Home school: Good"
    no_base = next(r for r in ranked if r.provider.name == "No base")
    assert "Distance: not known (no home school grid reference), neutral 10 points" in no_base.reasons


def test_track_record_uses_the_latest_evaluation_of_each_commission(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near)
    past = commission(world, chosen, days=1, school=world.far, period=SPRING)
    evaluate(world, past, 1)
    services.impact_evaluation_record(
        commission=past,
        evaluated_on=dt.date(2025, 7, 1),
        what_changed="Writing secure",
        evidence="Moderation",
        rating=4,
        by=world.officer,
    )
    assert ImpactEvaluation.objects.count() == 2
    assert brokerage.track_records([chosen]) == {chosen.pk: (4.0, 1)}


def test_rank_providers_returns_the_ranked_list(world: World) -> None:
    provider(world, "Jo", home=world.near)
    ranked = brokerage.rank_providers(world.school, "writing", term_start=AUTUMN[0], term_end=AUTUMN[1], today=TODAY)
    assert [r.provider.name for r in ranked] == ["Jo"]


def test_providers_of_another_authority_are_never_considered(world: World) -> None:
    services.provider_record(
        local_authority=world.other_la,
        name="Elsewhere",
        kind="lle",
        phases=["Primary"],
        specialisms=["writing"],
        capacity_days_per_term=Decimal(10),
        day_rate=Decimal(1),
        by=world.outsider,
        today=TODAY,
    )
    result = broker(world)
    assert result.ranked == [] and result.excluded == []


# Need from a milestone, terms --------------------------------------------------------------------------------------


def test_need_from_milestone_picks_the_longest_known_specialism_in_the_title(world: World) -> None:
    plan = plan_with_milestones(world, ["Early years writing leader appointed", "Governors challenge the data"])
    first, second = list(plan.milestones.all())
    known = ["writing", "early years writing", "maths"]
    assert brokerage.need_from_milestone(first, known) == "early years writing"
    assert brokerage.need_from_milestone(second, known) == "Governors challenge the data"
    assert isinstance(first, Milestone)


def test_terms_and_academic_years() -> None:
    assert terms.term_containing(dt.date(2025, 10, 15)).slug == "autumn-2025"
    assert terms.term_containing(dt.date(2026, 3, 31)).slug == "spring-2026"
    assert terms.term_containing(dt.date(2026, 4, 1)).slug == "summer-2026"
    assert [t.slug for t in terms.terms_touched(dt.date(2025, 12, 1), dt.date(2026, 4, 2))] == [
        "autumn-2025",
        "spring-2026",
        "summer-2026",
    ]
    assert terms.academic_year(dt.date(2025, 8, 31)) == 2024
    assert terms.academic_year(dt.date(2025, 9, 1)) == 2025
    assert terms.academic_year_label(2025) == "2025/26"
