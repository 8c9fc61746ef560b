"""Needs from evidence: the areas for development of a school's latest note of visit and the reasons for its
latest categorisation suggest courses, each suggestion explained in words, and a school's users hear only of
evidence they may see themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from headway.cpd import needs, selectors
from headway.cpd.models import Course
from headway.cpd.needs import long_date
from headway.risk.models import CategorisationSetting
from headway.schools.models import Establishment
from headway.visits import notes
from tests.cpd import TODAY, World, categorise, course, make_world, note, writing_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def suggested(world: World, school: Establishment | None = None, *, viewer: Any = None) -> dict[str, list[str]]:
    """Course title -> the reasons, as the school page shows them to ``viewer`` (the officer by default)."""
    school = school or world.school
    found = needs.school_needs(school, viewer=viewer or world.officer)
    return {s.course.title: s.because for s in selectors.suggestions(school, found, today=TODAY)}


@pytest.fixture
def offer(world: World) -> dict[str, Course]:
    return {
        "writing": course(world, "Teaching writing in Key Stage 1"),
        "phonics": course(world, "Phonics refresher", topics=["phonics", "reading"]),
        "maths": course(world, "Mastery in maths", topics=["maths"]),
        "attendance": course(world, "Improving attendance", topics=["attendance"], audiences=["headteachers"]),
        "governance": course(world, "Governors' briefing", topics=["governance"], audiences=["governors"]),
    }


# Done when: a school with "writing" as an area for development in its last note is offered the writing course ----


def test_writing_in_the_last_note_suggests_the_writing_course(world: World, offer: dict[str, Course]) -> None:
    writing_note(world)
    assert suggested(world) == {
        "Teaching writing in Key Stage 1": [
            "the note of visit of 8 October 2025 gave writing as an area for development "
            "(Curriculum and teaching, judged emerging)"
        ]
    }
    # the headteacher sees the same suggestion, and the neighbour with no note is offered nothing
    assert suggested(world, viewer=world.head) == suggested(world)
    assert suggested(world, world.near) == {}


def test_only_the_last_note_counts(world: World, offer: dict[str, Course]) -> None:
    writing_note(world, planned_on=dt.date(2025, 9, 10))
    note(
        world,
        planned_on=dt.date(2025, 10, 8),
        judgements={"achievement": {"judgement": "Emerging", "evidence": "Maths at the end of Year 2 is low."}},
    )
    assert list(suggested(world)) == ["Mastery in maths"]


def test_a_draft_is_not_yet_the_last_note(world: World, offer: dict[str, Course]) -> None:
    writing_note(world, planned_on=dt.date(2025, 9, 10))
    note(
        world,
        planned_on=dt.date(2025, 10, 8),
        judgements={"achievement": {"judgement": "Emerging", "evidence": "Maths is low."}},
        send=False,
    )
    assert list(suggested(world)) == ["Teaching writing in Key Stage 1"]


def test_areas_judged_secure_or_better_are_not_areas_for_development(world: World, offer: dict[str, Course]) -> None:
    note(
        world,
        judgements={
            "curriculum_and_teaching": {"judgement": "Secure", "evidence": "Writing is well taught."},
            "attendance_and_behaviour": {"judgement": "Highly effective", "evidence": "Attendance is high."},
        },
    )
    assert suggested(world) == {}


def test_the_area_itself_names_a_topic(world: World, offer: dict[str, Course]) -> None:
    note(world, judgements={"attendance_and_behaviour": {"judgement": "Emerging", "evidence": "Too many absent."}})
    assert suggested(world) == {
        "Improving attendance": [
            "the note of visit of 8 October 2025 gave attendance as an area for development "
            "(Attendance and behaviour, judged emerging)"
        ]
    }


def test_agreed_actions_and_next_steps_are_areas_for_development(world: World, offer: dict[str, Course]) -> None:
    note(
        world,
        actions="English leader to model extended writing in Year 2.",
        next_steps="Governors to be trained on their role in monitoring the curriculum; governance review by March.",
    )
    assert suggested(world) == {
        "Teaching writing in Key Stage 1": [
            "the note of visit of 8 October 2025 gave writing as an area for development (in the agreed actions)"
        ],
        "Governors' briefing": [
            "the note of visit of 8 October 2025 gave governance as an area for development (in the next steps)"
        ],
    }


def test_a_note_without_judged_areas_names_its_needs_in_its_sections(world: World, offer: dict[str, Course]) -> None:
    note(
        world,
        template="walsall-dsin",
        sections={"diagnosis": "Phonics teaching is inconsistent.", "support": "Maths hub visit in spring."},
    )
    # the diagnosis counts; the support section (what the LA will do) does not
    assert suggested(world) == {
        "Phonics refresher": [
            "the note of visit of 8 October 2025 gave phonics as an area for development (in “Diagnosis”)"
        ]
    }


# The categorisation ------------------------------------------------------------------------------------------------


def test_categorisation_triggers_evidence_and_reason_suggest_courses(world: World, offer: dict[str, Course]) -> None:
    decision = categorise(
        world,
        world.school,
        triggers=[{"name": "breakdown", "label": "Serious breakdown of leadership or governance", "evidence": {}}],
        reasons=[
            {
                "name": "category targeted",
                "label": "Targeted: leadership and governance needs attention, stuck, or requires improvement",
                "evidence": {"governance_concern": True, "safeguarding_concern": False, "stuck": False},
            }
        ],
        reason="Attendance has fallen sharply since September.",
    )
    day = long_date(decision.decided_at.date())
    assert suggested(world) == {
        "Improving attendance": [
            f"the categorisation of {day} gave attendance as a reason: “Attendance has fallen sharply since September.”"
        ],
        "Governors' briefing": [
            f"the categorisation of {day} gave governance as a reason: “Serious breakdown of leadership or governance”",
            f"the categorisation of {day} gave governance as a reason: "
            "“Serious concern about governance (officer's judgement)”",
        ],
    }


def test_the_category_labels_and_evidence_in_the_schools_favour_do_not_count(
    world: World, offer: dict[str, Course]
) -> None:
    categorise(
        world,
        world.school,
        reasons=[
            {
                "name": "category targeted",
                "label": "Targeted: leadership and governance needs attention, stuck, or requires improvement",
                "evidence": {"leadership_and_governance": 4, "governance_concern": False, "safeguarding_met": True},
            }
        ],
    )
    assert suggested(world) == {}


def test_leadership_and_governance_needing_attention_counts(world: World, offer: dict[str, Course]) -> None:
    decision = categorise(
        world,
        world.school,
        reasons=[{"name": "category targeted", "label": "Targeted", "evidence": {"leadership_and_governance": 2}}],
    )
    day = long_date(decision.decided_at.date())
    assert suggested(world) == {
        "Governors' briefing": [
            f"the categorisation of {day} gave governance as a reason: “Leadership and governance: needs attention”"
        ]
    }


def test_only_the_latest_categorisation_counts(world: World, offer: dict[str, Course]) -> None:
    categorise(world, world.school, triggers=[{"name": "b", "label": "Serious breakdown of governance"}])
    categorise(world, world.school, category="universal", label="Universal", causing_concern=False)
    assert suggested(world) == {}


# Who hears of which evidence -----------------------------------------------------------------------------------------


def test_the_head_hears_of_the_categorisation_only_when_the_la_shares_categories(
    world: World, offer: dict[str, Course]
) -> None:
    categorise(world, world.school, reason="Attendance has fallen sharply.")
    assert list(suggested(world)) == ["Improving attendance"]
    assert suggested(world, viewer=world.head) == {}
    CategorisationSetting.objects.create(local_authority=world.hampshire, share_category_with_schools=True)
    assert list(suggested(world, viewer=world.head)) == ["Improving attendance"]


def test_the_head_hears_of_a_final_note_only_once_shared_with_governors(world: World, offer: dict[str, Course]) -> None:
    sent = writing_note(world)
    notes.note_agree(note=sent, by=world.head)
    final = notes.note_finalise(note=sent, by=world.officer)
    assert list(suggested(world)) == ["Teaching writing in Key Stage 1"]
    assert suggested(world, viewer=world.head) == {}
    notes.note_share_with_governors(note=final, by=world.officer)
    assert list(suggested(world, viewer=world.head)) == ["Teaching writing in Key Stage 1"]


# What is suggested ---------------------------------------------------------------------------------------------------


def test_courses_that_have_run_are_not_suggested(world: World, offer: dict[str, Course]) -> None:
    writing_note(world)
    found = needs.school_needs(world.school, viewer=world.officer)
    assert selectors.suggestions(world.school, found, today=dt.date(2025, 11, 21)) == []
    on_the_day = selectors.suggestions(world.school, found, today=dt.date(2025, 11, 20))
    assert [s.course.title for s in on_the_day] == ["Teaching writing in Key Stage 1"]


def test_a_suggestion_says_how_many_places_are_left_and_the_school_has(world: World, offer: dict[str, Course]) -> None:
    from tests.cpd import book

    writing_note(world)
    book(world, offer["writing"])
    book(world, offer["writing"], school=world.near, name="Ann Other")
    [suggestion] = selectors.suggestions(
        world.school, needs.school_needs(world.school, viewer=world.officer), today=TODAY
    )
    assert (suggestion.places_left, suggestion.booked) == (18, 1)


def test_needs_of_every_school_at_once_in_two_queries(
    world: World, offer: dict[str, Course], django_assert_num_queries: Any
) -> None:
    writing_note(world)
    note(world, school=world.near, actions="Improve attendance of disadvantaged pupils.")
    categorise(world, world.far, triggers=[{"name": "b", "label": "Serious breakdown of leadership or governance"}])
    schools = Establishment.objects.filter(local_authority=world.hampshire)
    with django_assert_num_queries(2):
        found = needs.needs_of_schools(schools)
    assert {school_id: list(topics) for school_id, topics in found.items()} == {
        world.school.pk: ["writing", "curriculum and subject leadership"],  # the area judged is curriculum
        world.near.pk: ["attendance", "disadvantaged pupils"],
        world.far.pk: ["leadership", "governance"],
    }
    assert found[world.school.pk] == needs.school_needs(world.school, viewer=world.officer)
