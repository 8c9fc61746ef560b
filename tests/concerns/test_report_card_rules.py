"""Schools causing concern under report cards: RSI makes a maintained school eligible for intervention and
needs a statement of action; the academy order is a duty under scc-2024 and a power under scc-2026; a report
card whose safeguarding was not recorded never clears a school."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.concerns import rules
from headway.concerns.policy import concern_policy_in_force, concern_policy_named
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement
from headway.schools.models import Establishment
from tests.concerns.world import World, designated, make_world

AREAS = ("Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour", "Leadership and governance")
SCC_2024 = concern_policy_named("scc-2024")
SCC_2026 = concern_policy_named("scc-2026")


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def report_card(school: Establishment, on: dt.date, *, lowest: int, safeguarding: bool | None, category: str) -> None:
    inspection = Inspection.objects.create(
        establishment=school,
        start_date=on,
        publication_date=on + dt.timedelta(days=30),
        framework=Framework.REPORT_CARD_2025,
        kind=InspectionKind.REPORT_CARD,
        source="ofsted_mi",
        safeguarding_met=safeguarding,
        category_of_concern=category,
    )
    for area in AREAS:
        grade = lowest if area == "Achievement" else 3
        Judgement.objects.create(inspection=inspection, area=area, scale=Judgement.Scale.REPORT_CARD, grade=grade)


def test_the_policy_in_force_is_chosen_by_date() -> None:
    assert concern_policy_in_force(dt.date(2025, 1, 10)).name == "scc-2024"
    assert concern_policy_in_force(dt.date(2026, 8, 31)).name == "scc-2024"
    assert concern_policy_in_force(dt.date(2026, 9, 1)).name == "scc-2026"


def test_rsi_makes_a_maintained_school_eligible_and_needs_a_statement_of_action(world: World) -> None:
    concern = designated(world)
    report_card(world.school, dt.date(2026, 1, 12), lowest=1, safeguarding=True, category="RSI")
    for policy in (SCC_2024, SCC_2026):
        eligibility = rules.eligibility(concern, policy)
        assert eligibility is not None
        assert eligibility.ground == "requires_significant_improvement"
        assert eligibility.since == dt.date(2026, 2, 11)  # from publication
        assert rules.statement_of_action_inspection(concern, policy) is not None


def test_the_academy_order_is_a_duty_then_a_power(world: World) -> None:
    concern = designated(world)
    report_card(world.school, dt.date(2026, 1, 12), lowest=1, safeguarding=True, category="RSI")
    before = rules.academy_order_position(concern, SCC_2024)
    after = rules.academy_order_position(concern, SCC_2026)
    assert before is not None and before.startswith("The Secretary of State must make an academy order")
    assert after is not None and after.startswith("The Secretary of State may make an academy order")
    assert "structural intervention is not the default" in after  # only special measures keeps that default
    assert rules.rise_targeted(concern, SCC_2026, dt.date(2026, 9, 1)) is True
    assert rules.rise_targeted(concern, SCC_2026, dt.date(2026, 8, 31)) is False
    assert rules.rise_targeted(concern, SCC_2024, dt.date(2026, 10, 1)) is False


def test_an_academy_has_no_academy_order_position(world: World) -> None:
    concern = designated(world, school=world.academy)
    report_card(world.academy, dt.date(2026, 1, 12), lowest=1, safeguarding=True, category="SM")
    assert rules.academy_order_position(concern, SCC_2026) is None
    assert rules.eligibility(concern, SCC_2026) is None


@pytest.mark.parametrize(("safeguarding", "blocked"), [(True, False), (None, True), (False, True)])
def test_safeguarding_not_recorded_never_clears_a_school(
    world: World, safeguarding: bool | None, blocked: bool
) -> None:
    concern = designated(world)
    report_card(world.school, dt.date(2026, 5, 4), lowest=3, safeguarding=safeguarding, category="")
    blocker = rules.removal_blocker(concern, SCC_2026)
    assert (blocker is not None) is blocked
    if safeguarding is None:
        assert blocker is not None and "safeguarding not recorded" in blocker
