"""The reports: uptake by school, area and category (are the schools that need it most taking it up?), income
from traded courses per course and term, demand against the offer for the CPD working group, and evaluations
rolled up per course and per provider. Every figure is worked out by hand from the bookings below."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from headway.cpd import selectors, services
from headway.cpd.models import Course
from headway.schools.models import Establishment
from headway.support import services as support_services
from headway.support.models import Provider, ProviderKind
from tests.cpd import TODAY, World, area, book, categorise, course, make_world, note, writing_note

pytestmark = pytest.mark.django_db

YEAR = 2025  # 2025/26


@pytest.fixture
def world() -> World:
    return make_world()


def governance_services(world: World) -> Provider:
    return support_services.provider_record(
        local_authority=world.hampshire,
        name="Hampshire Governance Services",
        kind=ProviderKind.TRADED_ADVISER,
        phases=["Primary", "Secondary"],
        specialisms=["governance", "leadership"],
        capacity_days_per_term=Decimal(10),
        day_rate=Decimal(500),
        by=world.officer,
    )


def attend(world: World, on: Course, *bookings: Any) -> None:
    services.attendance_record(course=on, attended={b.pk for b in bookings}, by=world.officer, today=on.runs_on)


@pytest.fixture
def year(world: World) -> dict[str, Any]:
    """Alton (targeted: governance broke down; its last note gave writing) books two places on the free writing
    course (both attend, rating it 5 and 4) and one on the £40 governors' briefing. Anstey (universal) books two
    on the £120 leadership course, cancels one, and the other attends and rates it 2. Anton's last note gives
    attendance, and nothing on attendance is offered. A course of the year before is not counted."""
    other = governance_services(world)
    writing = course(world, "Teaching writing in Key Stage 1", runs_on=dt.date(2025, 11, 20))
    leadership = course(
        world, "Leading a school", topics=["leadership"], runs_on=dt.date(2026, 1, 22), cost=120, provider=other
    )
    governors = course(
        world, "Governors' briefing", topics=["governance"], runs_on=dt.date(2026, 5, 14), cost=40, provider=other
    )
    last_year = course(world, "Last year's writing", runs_on=dt.date(2025, 11, 1))
    Course.objects.filter(pk=last_year.pk).update(runs_on=dt.date(2025, 6, 1), cost=Decimal(99))

    writing_note(world)
    note(
        world,
        school=world.far,
        judgements={"attendance_and_behaviour": {"judgement": "Emerging", "evidence": "Absence is high."}},
    )
    categorise(world, world.school, triggers=[{"name": "b", "label": "Serious breakdown of leadership or governance"}])
    categorise(world, world.near, category="universal", label="Universal", causing_concern=False)
    east = area(world, "East Hampshire", [world.school, world.near])

    first, second = book(world, writing, name="Sam Writer"), book(world, writing, name="Pat Poet")
    book(world, governors, name="Chris Chair", by=world.head)
    kept = book(world, leadership, school=world.near, name="Lee Leader", by=world.other_head)
    dropped = book(world, leadership, school=world.near, name="Drew Deputy", by=world.other_head)
    services.booking_cancel(booking=dropped, by=world.other_head, today=TODAY)
    attend(world, writing, first, second)
    attend(world, leadership, kept)
    for booking, rating in ((first, 5), (second, 4)):
        booking.refresh_from_db()
        services.evaluation_record(booking=booking, rating=rating, comment="Useful", by=world.head)
    kept.refresh_from_db()
    services.evaluation_record(booking=kept, rating=2, comment="Too general", by=world.other_head)
    book(world, last_year, name="Old", today=dt.date(2025, 5, 1))
    return {"writing": writing, "leadership": leadership, "governors": governors, "other": other, "east": east}


def open_schools(world: World) -> int:
    return Establishment.objects.filter(local_authority=world.hampshire, status__istartswith="open").count()


# Done when: the uptake report shows bookings by category -------------------------------------------------------------


def test_uptake_by_category(world: World, year: dict[str, Any]) -> None:
    report = selectors.uptake(world.hampshire, start_year=YEAR)
    rows = {
        r.label: (
            r.schools,
            r.schools_booking,
            r.take_up,
            r.places,
            r.attended,
            r.schools_with_need,
            r.schools_with_need_booking,
        )
        for r in report["by_category"]
    }
    others = open_schools(world) - 2
    targeted = "Targeted: leadership and governance needs attention, stuck, or requires improvement"
    assert rows == {
        # Alton: 2 writing places and 1 governance place; it needs writing, leadership and governance, and booked
        targeted: (1, 1, 100, 3, 2, 1, 1),
        # Anstey: 1 leadership place (the cancelled one is not counted); it needs nothing the offer covers
        "Universal": (1, 1, 100, 1, 1, 0, 0),
        # everyone else, Anton among them: it needs attendance, which is not on offer
        "Not categorised": (others, 0, 0, 0, 0, 0, 0),
    }
    # the categories causing concern come first, then the others, then schools not yet categorised
    assert [r.label for r in report["by_category"]] == [targeted, "Universal", "Not categorised"]
    total = report["total"]
    assert (total.schools, total.schools_booking, total.places, total.attended) == (others + 2, 2, 4, 3)


def test_uptake_by_area_and_school(world: World, year: dict[str, Any]) -> None:
    report = selectors.uptake(world.hampshire, start_year=YEAR)
    rows = {r.label: (r.schools, r.schools_booking, r.places) for r in report["by_area"]}
    assert rows == {"East Hampshire": (2, 2, 4), "No area recorded": (open_schools(world) - 2, 0, 0)}
    by_school = {r.school.urn: r for r in report["schools"]}
    alton = by_school[world.school.urn]
    assert (alton.area, alton.places, alton.attended, alton.booked_for_need) == ("East Hampshire", 3, 2, True)
    assert alton.needs_offered == ["writing", "leadership", "governance"]
    anton = by_school[world.far.urn]
    assert (anton.category, anton.needs_offered, anton.places) == ("Not categorised", [], 0)


def test_uptake_counts_the_year_asked_for(world: World, year: dict[str, Any]) -> None:
    before = selectors.uptake(world.hampshire, start_year=2024)
    assert (before["total"].places, before["total"].schools_booking) == (1, 1)  # last year's writing course


# Income ----------------------------------------------------------------------------------------------------------


def test_income_is_the_price_of_every_place_booked_and_not_cancelled(world: World, year: dict[str, Any]) -> None:
    # the briefing's price rises after Alton booked: Alton's place keeps its price
    governors: Course = year["governors"]
    Course.objects.filter(pk=governors.pk).update(cost=Decimal(50))
    income = selectors.income(world.hampshire, start_year=YEAR)
    assert [(r["course"].title, r["term"], r["charged"], r["attended"], r["income"]) for r in income["courses"]] == [
        ("Leading a school", "Spring term 2026", 1, 1, Decimal(120)),
        ("Governors' briefing", "Summer term 2026", 1, 0, Decimal(40)),
    ]
    assert [(t["term"], t["places"], t["income"]) for t in income["terms"]] == [
        ("Spring term 2026", 1, Decimal(120)),
        ("Summer term 2026", 1, Decimal(40)),
    ]
    assert (income["places"], income["total"]) == (2, Decimal(160))
    assert selectors.income(world.hampshire, start_year=2024)["total"] == Decimal(99)


def test_a_place_not_attended_is_still_charged(world: World) -> None:
    traded = course(world, "Phonics for new teachers", topics=["phonics"], cost=60)
    came, missed = book(world, traded, name="Came"), book(world, traded, name="Missed")
    attend(world, traded, came)
    income = selectors.income(world.hampshire, start_year=YEAR)
    assert [(r["charged"], r["attended"], r["income"]) for r in income["courses"]] == [(2, 1, Decimal(120))]
    assert missed.pk


# Demand against the offer ------------------------------------------------------------------------------------------


def test_demand_against_the_offer(world: World, year: dict[str, Any]) -> None:
    rows = {
        r.topic: (
            [s.urn for s in r.schools_in_need],
            len(r.courses),
            r.places,
            r.booked,
            r.schools_in_need_booked,
            r.gap,
        )
        for r in selectors.demand(world.hampshire, start_year=YEAR)
    }
    assert rows == {
        "writing": ([world.school.urn], 1, 20, 2, 1, False),
        "curriculum and subject leadership": ([world.school.urn], 0, 0, 0, 0, True),  # Alton's area judged emerging
        "leadership": ([world.school.urn], 1, 20, 1, 0, False),  # Anstey took the place, not Alton
        "governance": ([world.school.urn], 1, 20, 1, 1, False),
        "attendance": ([world.far.urn], 0, 0, 0, 0, True),  # Anton needs it, nothing is offered
        "behaviour": ([world.far.urn], 0, 0, 0, 0, True),
    }
    # the topics most schools need come first, then by name (here every topic is needed by one school)
    assert [r.topic for r in selectors.demand(world.hampshire, start_year=YEAR)] == [
        "attendance",
        "behaviour",
        "curriculum and subject leadership",
        "governance",
        "leadership",
        "writing",
    ]


# Evaluations -----------------------------------------------------------------------------------------------------


def test_evaluations_roll_up_per_course_and_provider(world: World, year: dict[str, Any]) -> None:
    rollup = selectors.evaluations_by_provider(world.hampshire, start_year=YEAR)
    providers = {
        r["provider"].name: (r["courses"], r["booked"], r["attended"], r["evaluations"], r["mean"])
        for r in rollup["providers"]
    }
    assert providers == {
        "Hampshire English Hub": (1, 2, 2, 2, Decimal("4.5")),
        "Hampshire Governance Services": (2, 2, 1, 1, Decimal("2.0")),
    }
    courses = {r["course"].title: (r["booked"], r["attended"], r["evaluations"], r["mean"]) for r in rollup["courses"]}
    assert courses == {
        "Governors' briefing": (1, 0, 0, None),
        "Leading a school": (1, 1, 1, Decimal("2.0")),
        "Teaching writing in Key Stage 1": (2, 2, 2, Decimal("4.5")),
    }
    summary = selectors.course_evaluations(year["writing"])
    assert (summary.count, summary.mean) == (2, Decimal("4.5"))
    assert summary.by_rating == [("Excellent", 1), ("Good", 1), ("Satisfactory", 0), ("Poor", 0), ("Very poor", 0)]
    assert [e.comment for e in summary.comments] == ["Useful", "Useful"]


# The command -----------------------------------------------------------------------------------------------------


def test_the_uptake_command(world: World, year: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("cpd", "uptake", "--la", "850", "--year", str(YEAR), "--json", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    targeted = report["by_category"][0]
    assert (targeted["schools"], targeted["places"], targeted["attended"], targeted["take_up"]) == (1, 3, 2, 100)
    assert report["income"] == {
        "terms": [
            {"term": "Spring term 2026", "places": 1, "income": "120.00"},
            {"term": "Summer term 2026", "places": 1, "income": "40.00"},
        ],
        "places": 2,
        "total": "160.00",
    }
    text = io.StringIO()
    call_command("cpd", "uptake", "--la", "850", "--year", str(YEAR), stdout=text)
    assert "Universal: 1 of 1 schools with a place (100%), 1 places, 1 attended" in text.getvalue()
    assert "2025/26: £160.00 for 2 places" in text.getvalue()
    with pytest.raises(CommandError, match="No local authority with code '999'"):
        call_command("cpd", "uptake", "--la", "999", "--year", str(YEAR))
