"""The facts of a standing, and what the accountability rules make of them (good or better, stuck, RISE, the
inspection window), worked out for many schools at once with Polars (``headway.inspections.history``), against
a plain reading of one school's inspections at a time with the rules applied to each school on its own: the
reading Headway used until issue 12's last speed work (stop 23), kept here as the reference. Random histories:
every kind of inspection, graded with and without an overall grade, report cards filed as graded, ungraded
outcomes, categories of concern, safeguarding unknown, a predecessor or two, and a school with nothing but a
predecessor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headway.inspections.frameworks import ungraded_outcome
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement
from headway.inspections.selectors import age_in_months
from headway.inspections.standing import (
    FACTS,
    _window,
    four_point_outcome,
    kind_of,
    rules_named,
    standings,
    standings_frame,
)
from headway.policy_files import compiled, matches
from headway.schools.models import Establishment, EstablishmentLink
from tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

AREAS = ("Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour", "Leadership and governance")
KEY_JUDGEMENTS = ("Quality of education", "Leadership and management", "Personal development")

inspection = st.fixed_dictionaries(
    {
        "day": st.integers(0, 4000),
        "kind": st.sampled_from([k.value for k in InspectionKind]),
        "framework": st.sampled_from(
            [Framework.CIF_2015.value, Framework.NO_OVERALL_2024.value, Framework.REPORT_CARD_2025.value]
        ),
        "overall": st.one_of(st.none(), st.integers(1, 4)),
        "key": st.lists(st.integers(1, 4), max_size=3),
        "areas": st.lists(st.integers(1, 5), max_size=5),
        "category": st.sampled_from(["", "", "SM", "SWK", "RSI"]),
        "safeguarding": st.sampled_from([True, False, None]),
        "label": st.sampled_from(["", "School remains good", "Good; S5 next", "Concerns raised", "Improving"]),
    }
)
history = st.lists(inspection, max_size=5, unique_by=lambda i: i["day"])  # (one inspection a school a day)
school = st.fixed_dictionaries(
    {
        "own": history,
        "predecessors": st.lists(history, max_size=2),
        "opened": st.one_of(st.none(), st.integers(0, 4500)),
    }
)

START = dt.date(2012, 1, 1)


def _make(school: Establishment, made: list[dict[str, Any]], *, every: int = 1, then: int = 0) -> None:
    """The school's inspections; a predecessor's on days ``every * day + then``, so that no two predecessors of
    a school are inspected on the same day (which of two judged the same day is carried is not defined)."""
    for item in made:
        record = Inspection.objects.create(
            establishment=school,
            start_date=START + dt.timedelta(days=every * item["day"] + then),
            framework=item["framework"],
            kind=item["kind"],
            source="ofsted_mi",
            overall_effectiveness=item["overall"],
            overall_label=item["label"],
            category_of_concern=item["category"],
            safeguarding_met=item["safeguarding"],
        )
        for area, grade in zip(KEY_JUDGEMENTS, item["key"], strict=False):
            Judgement.objects.create(inspection=record, area=area, scale=Judgement.Scale.FOUR_POINT, grade=grade)
        for area, grade in zip(AREAS, item["areas"], strict=False):
            Judgement.objects.create(inspection=record, area=area, scale=Judgement.Scale.REPORT_CARD, grade=grade)


def _judges(record: Inspection) -> bool:
    kind = kind_of(record)
    return kind == InspectionKind.REPORT_CARD or (
        kind == InspectionKind.GRADED and four_point_outcome(record) is not None
    )


def _reference(school: Establishment, as_of: dt.date) -> tuple[dict[str, Any], int | None]:
    """One school's facts as Headway read them one school at a time (and the URN it inherits from)."""

    def seen(of: Establishment) -> list[Inspection]:
        return list(of.inspections.filter(start_date__lte=as_of).order_by("start_date", "id"))

    own = seen(school)
    inherited: list[Inspection] = []
    inherited_from = None
    if not any(_judges(i) for i in own):
        best = None
        for link in EstablishmentLink.objects.filter(urn=school.urn).order_by("id"):
            found = seen(Establishment.objects.get(urn=link.linked_urn))
            judged = [i for i in found if _judges(i)]
            if judged and (best is None or judged[-1].start_date > best[0]):
                best = (judged[-1].start_date, link.linked_urn, found)
        if best is not None:
            _, inherited_from, inherited = best
    own_judging = [i for i in own if _judges(i)]
    inspections = own if own_judging else inherited + own
    judging = [i for i in inspections if _judges(i)]
    graded = [i for i in judging if kind_of(i) == InspectionKind.GRADED]
    latest = judging[-1] if judging else None
    last = inspections[-1] if inspections else None
    opened = school.open_date
    facts: dict[str, Any] = dict.fromkeys(FACTS)
    facts.update(
        as_of=as_of,
        inspected=latest is not None,
        inherited=bool(inherited) and not own_judging,
        opened_on=opened,
        months_open=age_in_months(opened, as_of) if opened is not None and opened <= as_of else None,
        category="",
        ungraded_graded_next=False,
        ungraded_concerns=False,
        areas_below_expected=0,
    )
    if last is not None:
        facts["last_inspected_on"] = last.start_date
        facts["last_inspection_kind"] = last.kind
        if last.kind == InspectionKind.UNGRADED:
            said = ungraded_outcome(last.overall_label)
            facts["ungraded_graded_next"] = said.graded_next
            facts["ungraded_concerns"] = said.concerns
    if graded:
        facts["last_graded_on"] = graded[-1].start_date
        facts["last_grade"] = four_point_outcome(graded[-1])
    if latest is not None:
        facts["latest_kind"] = "report_card" if kind_of(latest) == InspectionKind.REPORT_CARD else "graded"
        facts["latest_on"] = latest.start_date
        facts["category"] = latest.category_of_concern
        facts["safeguarding_met"] = latest.safeguarding_met
        before = [i for i in graded if i.start_date < latest.start_date]
        facts["previous_grade"] = four_point_outcome(before[-1]) if before else None
        if kind_of(latest) == InspectionKind.REPORT_CARD:
            grades = {j.area: j.grade for j in latest.judgements.all() if j.scale == Judgement.Scale.REPORT_CARD}
            if grades:
                facts["lowest_area"] = min(grades.values())
                facts["areas_below_expected"] = sum(1 for g in grades.values() if g < 3)
            facts["leadership_and_governance"] = grades.get("Leadership and governance")
        else:
            facts["latest_grade"] = four_point_outcome(latest)
    rules = rules_named()
    for name, condition in (
        ("good_or_better", rules.good_or_better),
        ("stuck", rules.stuck),
        ("rise_eligible", rules.rise_eligible),
    ):
        facts[name] = matches(condition, facts)
    return facts, (inherited_from if facts["inherited"] else None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schools=st.lists(school, min_size=1, max_size=4), as_of_day=st.integers(0, 4500))
def test_every_schools_facts_are_those_of_reading_it_alone(schools: list[dict[str, Any]], as_of_day: int) -> None:
    as_of = START + dt.timedelta(days=as_of_day)
    made = []
    for described in schools:
        opened = described["opened"]
        establishment = EstablishmentFactory(open_date=None if opened is None else START + dt.timedelta(days=opened))
        _make(establishment, described["own"])
        for number, predecessor_history in enumerate(described["predecessors"]):
            predecessor = EstablishmentFactory(status="Closed")
            _make(predecessor, predecessor_history, every=2, then=number)
            EstablishmentLink.objects.create(urn=establishment.urn, linked_urn=predecessor.urn, link_type="Predecessor")
        made.append(establishment)
    for facts_only in (False, True):
        found = standings(made, as_of=as_of, facts_only=facts_only)
        for establishment in made:
            expected, inherited_from = _reference(establishment, as_of)
            assert found[establishment.pk].facts == expected, (facts_only, establishment.urn)
            assert found[establishment.pk].inherited_from_urn == inherited_from
            # the window as the rules give it one school at a time
            rules = rules_named()
            tests = [compiled(rule.when) for rule in rules.windows]
            assert found[establishment.pk].window == _window(rules, expected, tests)
    as_frame(made, as_of, standings(made, as_of=as_of, facts_only=True))
    whole = standings(made, as_of=as_of)
    for establishment in made:
        standing = whole[establishment.pk]
        if standing.latest is not None:
            assert _judges(standing.latest)
            assert standing.latest.start_date == standing.facts["latest_on"]
            assert standing.areas == {j.area: j.grade_label for j in standing.latest.judgements.all()}
        if standing.last_inspection is not None:
            assert standing.last_inspection.start_date == standing.facts["last_inspected_on"]
        if standing.latest_graded is not None:
            assert four_point_outcome(standing.latest_graded) == standing.facts["last_grade"]
        if standing.latest_ungraded is not None:
            assert standing.latest_ungraded.kind == InspectionKind.UNGRADED


def as_frame(made: list[Establishment], as_of: dt.date, found: dict[int, Any]) -> None:
    """``standings_frame`` (a round's evidence) gives each school's facts and window as ``standings`` does."""
    frame = standings_frame(made, as_of=as_of)
    assert frame["id"].to_list() == [school.pk for school in made]
    for school, row in zip(made, frame.iter_rows(named=True), strict=True):
        standing = found[school.pk]
        assert {name: row[name] for name in FACTS} == standing.facts
        assert (row["window"], row["opens"], row["closes"]) == (
            standing.window.rule,
            standing.window.opens,
            standing.window.closes,
        )


def test_rules_that_cannot_be_decided_as_columns_are_decided_one_school_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An LA's own rule that ``as_expression`` cannot decide exactly (``NotAsColumns``) is decided for each
    school on its own, to the same standing."""
    from headway.policy_files import NotAsColumns

    made = []
    for history_of in (
        [{"day": 100, "kind": "graded", "framework": "cif_2015", "overall": 3, "key": [], "areas": [],
          "category": "", "safeguarding": True, "label": ""}],
        [{"day": 3900, "kind": "report_card", "framework": "report_card_2025", "overall": None, "key": [],
          "areas": [2, 3, 4, 4, 2], "category": "", "safeguarding": True, "label": ""}],
        [{"day": 2000, "kind": "ungraded", "framework": "eif_2019", "overall": None, "key": [], "areas": [],
          "category": "", "safeguarding": None, "label": "Good; S5 next"}],
        [],
    ):  # fmt: skip
        school = EstablishmentFactory(open_date=START)
        _make(school, history_of)
        made.append(school)
    as_of = START + dt.timedelta(days=4100)
    as_columns = standings(made, as_of=as_of)

    asked: list[Any] = []

    def refused(condition: Any, dtypes: Any) -> Any:
        asked.append(condition)
        raise NotAsColumns("not as columns")

    monkeypatch.setattr("headway.policy_files.as_expression", refused)
    one_at_a_time = standings(made, as_of=as_of)
    assert asked  # (the rules were offered as columns, and refused)
    as_frame(made, as_of, as_columns)  # the frame a round reads, decided one school at a time
    for school in made:
        assert one_at_a_time[school.pk].facts == as_columns[school.pk].facts
        assert one_at_a_time[school.pk].window == as_columns[school.pk].window
    assert {s.window.rule for s in as_columns.values() if s.window} >= {"report_card_needs_attention", "none"}
