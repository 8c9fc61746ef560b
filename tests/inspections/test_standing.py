"""A school's standing: previous graded outcome, good or better, stuck, RISE eligibility and the next inspection
window, each under the accountability rules (policy data), as of any date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement
from headway.inspections.standing import POLICY_DIR, add_months, load_rules, standing_of
from headway.policy_files import PolicyError
from headway.schools.models import Establishment, EstablishmentLink
from tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
RC_AREAS = (
    "Inclusion",
    "Curriculum and teaching",
    "Achievement",
    "Attendance and behaviour",
    "Leadership and governance",
)


def graded(school: Establishment, on: dt.date, grade: int | None, category: str = "", **judgements: int) -> Inspection:
    framework = Framework.EIF_2019 if on >= dt.date(2019, 9, 1) else Framework.CIF_2015
    if on >= dt.date(2024, 9, 1):
        framework = Framework.NO_OVERALL_2024
    inspection = Inspection.objects.create(
        establishment=school,
        start_date=on,
        framework=framework,
        kind=InspectionKind.GRADED,
        source="ofsted_mi",
        overall_effectiveness=grade,
        category_of_concern=category,
        safeguarding_met=True,
    )
    for area, value in judgements.items():
        Inspection.judgements.rel.related_model.objects.create(
            inspection=inspection,
            area=area.replace("_", " ").capitalize(),
            scale=Judgement.Scale.FOUR_POINT,
            grade=value,
        )
    return inspection


def report_card(
    school: Establishment,
    on: dt.date,
    *,
    lowest: int = 3,
    leadership: int = 3,
    safeguarding: bool | None = True,
    category: str = "",
) -> Inspection:
    inspection = Inspection.objects.create(
        establishment=school,
        start_date=on,
        framework=Framework.REPORT_CARD_2025,
        kind=InspectionKind.REPORT_CARD,
        source="ofsted_mi",
        safeguarding_met=safeguarding,
        category_of_concern=category,
    )
    for area in RC_AREAS:
        grade = leadership if area == "Leadership and governance" else lowest if area == "Achievement" else 4
        Judgement.objects.create(inspection=inspection, area=area, scale=Judgement.Scale.REPORT_CARD, grade=grade)
    return inspection


def ungraded(school: Establishment, on: dt.date, outcome: str) -> Inspection:
    return Inspection.objects.create(
        establishment=school,
        start_date=on,
        framework=Framework.EIF_2019,
        kind=InspectionKind.UNGRADED,
        source="ofsted_mi",
        overall_label=outcome,
    )


# --- previous grade, good or better --------------------------------------------------------------------------------


def test_previous_grade_is_the_graded_outcome_before_the_report_card() -> None:
    school = EstablishmentFactory()
    graded(school, dt.date(2017, 1, 10), 1)
    graded(school, dt.date(2021, 3, 1), 3)
    report_card(school, dt.date(2026, 1, 20))
    standing = standing_of(school, as_of=TODAY)
    assert standing.previous_grade == 3
    assert standing.latest is not None and standing.latest.kind == InspectionKind.REPORT_CARD
    # As of 2025 the report card had not happened: the latest is the RI, the one before outstanding.
    earlier = standing_of(school, as_of=dt.date(2025, 6, 1))
    assert (earlier.facts["latest_grade"], earlier.previous_grade) == (3, 1)


def test_not_judged_overall_counts_as_its_worst_key_judgement() -> None:
    school = EstablishmentFactory()
    graded(school, dt.date(2024, 10, 1), None, quality_of_education=3, behaviour_and_attitudes=2)
    report_card(school, dt.date(2026, 2, 1))
    assert standing_of(school, as_of=TODAY).previous_grade == 3


@pytest.mark.parametrize(
    ("lowest", "safeguarding", "good"),
    [(3, True, True), (5, True, True), (2, True, False), (3, False, False), (3, None, False)],
)
def test_good_or_better_under_report_cards(lowest: int, safeguarding: bool | None, good: bool) -> None:
    school = EstablishmentFactory()
    report_card(school, dt.date(2026, 2, 1), lowest=lowest, leadership=max(lowest, 3), safeguarding=safeguarding)
    assert standing_of(school, as_of=TODAY).good_or_better is good


@pytest.mark.parametrize(("grade", "good"), [(1, True), (2, True), (3, False), (4, False)])
def test_good_or_better_under_graded_frameworks(grade: int, good: bool) -> None:
    school = EstablishmentFactory()
    graded(school, dt.date(2022, 5, 1), grade)
    assert standing_of(school, as_of=TODAY).good_or_better is good


# --- stuck and RISE -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "leadership", "stuck"),
    [(3, 2, True), (4, 1, True), (2, 2, False), (3, 3, False), (None, 2, False)],
)
def test_stuck_with_a_report_card(previous: int | None, leadership: int, stuck: bool) -> None:
    school = EstablishmentFactory()
    if previous is not None:
        graded(school, dt.date(2022, 5, 1), previous)
    report_card(school, dt.date(2026, 3, 1), leadership=leadership, lowest=3)
    standing = standing_of(school, as_of=TODAY)
    assert standing.stuck is stuck
    assert standing.rise_eligible is stuck  # no category: RISE only because stuck


@pytest.mark.parametrize(
    ("grades", "stuck"), [((3, 3), True), ((4, 3), True), ((2, 3), False), ((3, 2), False), ((3,), False)]
)
def test_stuck_without_a_report_card(grades: tuple[int, ...], stuck: bool) -> None:
    school = EstablishmentFactory()
    for year, grade in zip((2020, 2023), grades, strict=False):
        graded(school, dt.date(year, 3, 1), grade)
    assert standing_of(school, as_of=TODAY).stuck is stuck


def test_rise_eligibility_follows_the_dates_of_the_rules() -> None:
    sm = EstablishmentFactory()
    report_card(sm, dt.date(2025, 12, 1), lowest=1, leadership=1, category="SM")
    rsi = EstablishmentFactory()
    report_card(rsi, dt.date(2025, 12, 1), lowest=1, leadership=3, category="RSI")
    stuck = EstablishmentFactory()
    graded(stuck, dt.date(2021, 1, 1), 3)
    graded(stuck, dt.date(2024, 1, 1), 3)
    # RSI schools go to RISE targeted intervention from September 2026, not before.
    assert standing_of(rsi, as_of=dt.date(2026, 8, 31)).rise_eligible is False
    assert standing_of(rsi, as_of=dt.date(2026, 9, 1)).rise_eligible is True
    assert standing_of(sm, as_of=dt.date(2026, 1, 5)).rise_eligible is True
    # RISE began in September 2025: a stuck school as of 2024 was not eligible for something that did not exist.
    assert standing_of(stuck, as_of=dt.date(2024, 6, 1)).rise_eligible is False
    assert standing_of(stuck, as_of=dt.date(2025, 9, 1)).rise_eligible is True


# --- inspection windows -----------------------------------------------------------------------------------------------


def window(school: Establishment, as_of: dt.date = TODAY) -> tuple[dt.date | None, dt.date | None, str]:
    standing = standing_of(school, as_of=as_of)
    assert standing.window is not None
    return standing.window.opens, standing.window.closes, standing.window.rule


def test_window_for_each_rule() -> None:
    sm = EstablishmentFactory()
    report_card(sm, dt.date(2026, 1, 10), lowest=1, leadership=1, category="SM")
    assert window(sm) == (dt.date(2026, 4, 10), dt.date(2026, 7, 10), "special_measures")

    rsi = EstablishmentFactory()
    report_card(rsi, dt.date(2026, 1, 10), lowest=1, category="RSI")
    assert window(rsi) == (dt.date(2026, 5, 10), dt.date(2026, 9, 10), "significant_improvement")

    attention = EstablishmentFactory()
    report_card(attention, dt.date(2026, 1, 10), lowest=2)
    assert window(attention) == (dt.date(2027, 1, 10), dt.date(2028, 1, 10), "report_card_needs_attention")

    expected = EstablishmentFactory()
    report_card(expected, dt.date(2026, 1, 10), lowest=3)
    assert window(expected) == (dt.date(2029, 1, 10), dt.date(2030, 1, 10), "report_card")

    ri = EstablishmentFactory()
    graded(ri, dt.date(2024, 3, 1), 3)
    assert window(ri) == (dt.date(2025, 3, 1), dt.date(2026, 9, 1), "requires_improvement")

    s5_next = EstablishmentFactory()
    graded(s5_next, dt.date(2019, 3, 1), 2)
    ungraded(s5_next, dt.date(2025, 2, 1), "School remains Good - S5 Next")
    assert window(s5_next) == (dt.date(2025, 8, 1), dt.date(2027, 2, 1), "ungraded_said_graded_next")

    good = EstablishmentFactory()
    graded(good, dt.date(2019, 3, 1), 2)
    ungraded(good, dt.date(2023, 2, 1), "School remains Good")
    assert window(good) == (dt.date(2026, 2, 1), dt.date(2027, 2, 1), "good_or_outstanding")

    new = EstablishmentFactory(open_date=dt.date(2024, 9, 1))
    assert window(new) == (dt.date(2026, 9, 1), dt.date(2027, 9, 1), "new_school")


def test_outstanding_exemption_and_its_lifting() -> None:
    school = EstablishmentFactory()
    graded(school, dt.date(2011, 5, 1), 1)
    assert window(school, dt.date(2019, 6, 1)) == (None, None, "outstanding_exempt")
    assert standing_of(school, as_of=dt.date(2019, 6, 1)).in_window is False
    assert window(school, dt.date(2022, 6, 1)) == (
        dt.date(2021, 9, 1),
        dt.date(2026, 8, 31),
        "formerly_exempt_outstanding",
    )
    assert standing_of(school, as_of=dt.date(2022, 6, 1)).in_window is True


def test_in_window_and_overdue() -> None:
    school = EstablishmentFactory()
    graded(school, dt.date(2022, 1, 10), 2)
    assert standing_of(school, as_of=dt.date(2025, 1, 9)).in_window is False
    assert standing_of(school, as_of=dt.date(2025, 1, 10)).in_window is True
    assert standing_of(school, as_of=dt.date(2026, 1, 10)).overdue is False
    assert standing_of(school, as_of=dt.date(2026, 1, 11)).overdue is True


def test_a_converter_inherits_its_predecessors_outcome_until_its_own_first_inspection() -> None:
    predecessor = EstablishmentFactory(status="Closed", close_date=dt.date(2023, 8, 31))
    graded(predecessor, dt.date(2020, 2, 1), 2)
    academy = EstablishmentFactory(open_date=dt.date(2023, 9, 1), governance="academy")
    EstablishmentLink.objects.create(urn=academy.urn, linked_urn=predecessor.urn, link_type="Predecessor")
    standing = standing_of(academy, as_of=TODAY)
    assert standing.good_or_better is True
    assert standing.inherited_from_urn == predecessor.urn
    assert window(academy) == (dt.date(2025, 9, 1), dt.date(2026, 9, 1), "new_school")
    report_card(academy, dt.date(2026, 5, 1), lowest=2)
    standing = standing_of(academy, as_of=TODAY)
    assert (standing.good_or_better, standing.inherited_from_urn) == (False, None)


def test_the_json_shape() -> None:
    school = EstablishmentFactory()
    graded(school, dt.date(2021, 3, 1), 3)
    report_card(school, dt.date(2026, 3, 1), lowest=2, leadership=2)
    shown = standing_of(school, as_of=TODAY).as_json()
    assert set(shown) >= {
        "urn",
        "name",
        "latest",
        "category_of_concern",
        "safeguarding_met",
        "previous_grade",
        "stuck",
        "rise_eligible",
        "next_inspection_window",
        "in_window",
    }
    assert shown["latest"]["framework"] == "report_card_2025"
    assert shown["latest"]["areas"]["Leadership and governance"] == "Needs attention"
    assert (shown["category_of_concern"], shown["previous_grade"], shown["stuck"]) == (None, 3, True)
    assert set(shown["next_inspection_window"]) == {"from", "to", "reason"}


def test_add_months_keeps_to_the_end_of_short_months() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


# --- the rules file --------------------------------------------------------------------------------------------------


SHIPPED = (POLICY_DIR / "accountability-2025.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (SHIPPED.replace("months: [3, 6]", "months: [6, 3]"), "'months' is [FROM, TO]"),
        (SHIPPED.replace("since: latest_on", "since: yesterday", 1), "'since' names a date"),
        (
            SHIPPED.replace("{evidence: stuck, equals: true}", "{evidence: stuk, equals: true}", 1),
            "unknown evidence 'stuk'",
        ),
        (SHIPPED.replace("  grant_limit: 100000", "  grant_limit: -5"), "expected a whole number"),
    ],
)
def test_a_broken_rules_file_is_refused_with_file_and_line(tmp_path: Path, text: str, problem: str) -> None:
    assert text != SHIPPED
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"{path}:")
    assert problem in str(caught.value)


def test_a_standing_read_for_its_facts_alone_has_the_same_facts_and_window() -> None:
    """``facts_only`` (a round's evidence, the risk model's timing: issue 12) reads the inspections as plain rows
    with the fields the facts need; its facts, window and predecessor are those of the whole standing, and it
    holds no inspection (nothing on it reads one from the database later)."""
    from headway.inspections.standing import standings

    schools = []
    predecessor = EstablishmentFactory(status="Closed", close_date=dt.date(2023, 8, 31))
    graded(predecessor, dt.date(2020, 2, 1), 3, overall_effectiveness_judgement=3)
    academy = EstablishmentFactory(open_date=dt.date(2023, 9, 1), governance="academy")
    EstablishmentLink.objects.create(urn=academy.urn, linked_urn=predecessor.urn, link_type="Predecessor")
    schools.append(academy)
    for build in (
        lambda s: report_card(s, dt.date(2026, 3, 2), lowest=2, leadership=2),
        lambda s: graded(s, dt.date(2019, 1, 10), None, quality_of_education=3, leadership_and_management=2),
        lambda s: ungraded(s, dt.date(2024, 6, 1), "School remains good; S5 next"),
        lambda s: graded(s, dt.date(2022, 5, 5), 4, category="SM"),
    ):
        school = EstablishmentFactory()
        graded(school, dt.date(2016, 3, 1), 2)
        build(school)
        schools.append(school)
    schools.append(EstablishmentFactory())  # never inspected
    with CaptureQueriesContext(connection) as reading_whole:
        whole = standings(schools, as_of=TODAY)
    with CaptureQueriesContext(connection) as reading_slim:
        slim = standings(schools, as_of=TODAY, facts_only=True)
    # the same queries: every field the facts read was read with the inspections
    assert len(reading_slim.captured_queries) == len(reading_whole.captured_queries)
    for school in schools:
        assert slim[school.pk].facts == whole[school.pk].facts
        assert slim[school.pk].window == whole[school.pk].window
        assert slim[school.pk].inherited_from_urn == whole[school.pk].inherited_from_urn
        assert slim[school.pk].latest is None and slim[school.pk].last_inspection is None
        assert slim[school.pk].areas == {}
    assert whole[schools[1].pk].areas  # (the report card's areas, for pages)
    assert whole[academy.pk].inherited_from_urn == predecessor.urn
