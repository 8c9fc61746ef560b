"""Providers: recording and changing them (audited), the home-school rule and its override, conflicts of
interest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from headway.accounts.models import AuditEvent
from headway.inspections.models import Framework, Judgement
from headway.support import brokerage, services
from headway.support.models import ConflictOfInterest, Provider
from headway.support.services import SupportRuleError
from tests.factories import EstablishmentFactory, InspectionFactory
from tests.support import BALKSBURY, TODAY, World, make_world, provider, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def requires_improvement(urn: int) -> None:
    """A newer inspection than the real history: requires improvement."""
    InspectionFactory(
        establishment=school(urn),
        start_date=dt.date(2024, 6, 1),
        framework=Framework.EIF_2019,
        overall_effectiveness=3,
        overall_label="Requires improvement",
    )


def report_card(urn: int, grades: list[int], *, safeguarding: bool | None) -> None:
    inspection = InspectionFactory(
        establishment=school(urn),
        start_date=dt.date(2025, 12, 1),
        framework=Framework.REPORT_CARD_2025,
        overall_effectiveness=None,
        overall_label="",
        safeguarding_met=safeguarding,
    )
    for number, grade in enumerate(grades):
        Judgement.objects.create(
            inspection=inspection, area=f"Area {number}", scale=Judgement.Scale.REPORT_CARD, grade=grade
        )


def test_a_provider_is_recorded_with_its_details_and_audited(world: World) -> None:
    made = provider(
        world,
        "Jo Adams",
        home=world.near,
        specialisms=[" Writing ", "writing", "early years"],
        phases=["Primary"],
        capacity=8,
        day_rate=450,
    )
    made.refresh_from_db()
    assert made.local_authority == world.hampshire
    assert made.specialisms == ["Writing", "early years"]  # trimmed, each once
    assert made.phases == ["Primary"]
    assert made.capacity_days_per_term == Decimal(8)
    assert made.day_rate == Decimal(450)
    assert made.home_school == world.near
    event = AuditEvent.objects.get(verb="support provider recorded", target_id=str(made.pk))
    assert event.actor == world.officer
    assert event.after is not None and event.after["home_school"] == world.near.urn


def test_a_provider_needs_a_phase_and_a_specialism(world: World) -> None:
    with pytest.raises(SupportRuleError, match="phase"):
        provider(world, "No phase", phases=[])
    with pytest.raises(SupportRuleError, match="specialism"):
        provider(world, "No specialism", specialisms=[" "])
    assert not Provider.objects.exists()


def test_home_school_good_or_better_is_accepted(world: World) -> None:
    # Anton Junior School: outstanding (2014); Anstey Junior School: good (2019), real history.
    assert provider(world, "Outstanding base", home=world.far).home_school == world.far
    assert provider(world, "Good base", home=world.near).home_school == world.near


def test_home_school_not_good_or_better_is_refused_without_an_override(world: World) -> None:
    requires_improvement(BALKSBURY)
    with pytest.raises(SupportRuleError, match="must be good or better"):
        provider(world, "RI base", home=school(BALKSBURY))
    assert not Provider.objects.exists()
    made = provider(world, "RI base", home=school(BALKSBURY), override="Leads the hub's writing programme.")
    assert made.home_school_override == "Leads the hub's writing programme."
    event = AuditEvent.objects.get(verb="support provider recorded")
    assert event.reason == "Leads the hub's writing programme."


def test_home_school_without_a_graded_inspection_is_not_good_or_better(world: World) -> None:
    new_school = EstablishmentFactory(local_authority=world.hampshire)
    with pytest.raises(SupportRuleError, match="not inspected with a grade"):
        provider(world, "New school base", home=new_school)


def test_report_card_home_school_needs_every_area_at_expected_and_safeguarding_met(world: World) -> None:
    report_card(BALKSBURY, [3, 4, 3, 5], safeguarding=True)
    assert provider(world, "Report card base", home=school(BALKSBURY)).pk


@pytest.mark.parametrize(
    ("grades", "safeguarding"),
    [([3, 2, 4], True), ([3, 3], False), ([4, 4], None)],
    ids=["an-area-needs-attention", "safeguarding-not-met", "safeguarding-unknown"],
)
def test_report_card_home_school_below_expected_is_refused(
    world: World, grades: list[int], safeguarding: bool | None
) -> None:
    report_card(BALKSBURY, grades, safeguarding=safeguarding)
    with pytest.raises(SupportRuleError, match="must be good or better"):
        provider(world, "Report card base", home=school(BALKSBURY))


@pytest.mark.parametrize(("grade", "good"), [(1, True), (2, True), (3, False), (4, False)])
def test_is_good_or_better_reads_the_overall_grade(world: World, grade: int, good: bool) -> None:
    InspectionFactory(establishment=world.school, start_date=dt.date(2025, 5, 1), overall_effectiveness=grade)
    assert brokerage.home_school_standing(world.school, today=TODAY).good_or_better is good


def test_provider_update_changes_are_audited(world: World) -> None:
    made = provider(world, "Jo Adams", home=world.near)
    made.refresh_from_db()
    services.provider_update(
        provider=made,
        name="Jo Adams",
        kind=made.kind,
        phases=["Primary", "Secondary"],
        specialisms=["writing"],
        capacity_days_per_term=Decimal(12),
        day_rate=made.day_rate,
        home_school=world.near,
        home_school_override="",
        email="jo@example.org",
        active=True,
        by=world.officer,
        reason="More days agreed",
        today=TODAY,
    )
    made.refresh_from_db()
    assert made.capacity_days_per_term == Decimal(12)
    assert made.phases == ["Primary", "Secondary"]
    event = AuditEvent.objects.get(verb="support provider changed")
    assert event.before == {"phases": ["Primary"], "capacity_days_per_term": "10.0", "email": ""}
    assert event.after == {
        "phases": ["Primary", "Secondary"],
        "capacity_days_per_term": "12",
        "email": "jo@example.org",
    }
    assert event.reason == "More days agreed"


def test_provider_update_applies_the_home_school_rule_while_active(world: World) -> None:
    made = provider(world, "Jo Adams", home=world.near)
    requires_improvement(world.near.urn)
    fields = {
        "provider": made,
        "name": made.name,
        "kind": made.kind,
        "phases": made.phases,
        "specialisms": made.specialisms,
        "capacity_days_per_term": made.capacity_days_per_term,
        "day_rate": made.day_rate,
        "home_school": world.near,
        "email": "",
        "by": world.officer,
        "today": TODAY,
    }
    with pytest.raises(SupportRuleError, match="must be good or better"):
        services.provider_update(**fields, home_school_override="", active=True)
    services.provider_update(**fields, home_school_override="", active=False)  # standing down is always allowed
    services.provider_update(**fields, home_school_override="Interim head from an outstanding school", active=True)
    made.refresh_from_db()
    assert made.active and made.home_school_override


def test_conflict_recorded_once_with_its_reason_and_audited(world: World) -> None:
    made = provider(world, "Jo Adams", home=world.near)
    with pytest.raises(SupportRuleError, match="what the conflict"):
        services.conflict_record(provider=made, establishment=world.school, reason="  ", by=world.officer)
    conflict = services.conflict_record(
        provider=made, establishment=world.school, reason="Her sister teaches there", by=world.officer
    )
    assert conflict.recorded_by == world.officer
    with pytest.raises(SupportRuleError, match="already recorded"):
        services.conflict_record(provider=made, establishment=world.school, reason="Again", by=world.officer)
    assert ConflictOfInterest.objects.count() == 1
    event = AuditEvent.objects.get(verb="conflict of interest recorded")
    assert event.after == {"establishment": world.school.urn, "reason": "Her sister teaches there"}
