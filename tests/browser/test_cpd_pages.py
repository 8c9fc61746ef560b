"""The CPD offer in a real browser: Alton Infant School's headteacher sees why the writing course is suggested to
the school and books a place (an empty form first, to check the error state too), every page axe-clean (WCAG 2.2
AA); and the officer's pages of the offer, demand, uptake and evaluations axe-clean as well.

The data is the real Hampshire sample (tests.cpd.make_world) with a writing course a month from today and a note
of visit that judged Alton's curriculum and teaching emerging because of its pupils' writing.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from headway.cpd import services
from headway.cpd.models import Booking, Course
from tests.browser.test_pages import DESKTOP, assert_accessible, heading, sign_in
from tests.cpd import ALTON, World, book, categorise, course, make_world, writing_note


@pytest.fixture
def world(transactional_db: None) -> World:
    world = make_world()
    writing_note(world)
    return world


@pytest.fixture
def writing(world: World) -> Course:
    today = timezone.localdate()
    return course(world, runs_on=today + dt.timedelta(days=30), today=today)


def test_the_headteacher_books_a_place_on_the_suggested_course(page: Page, world: World, writing: Course) -> None:
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, world.head.username)
    page.goto(f"/cpd/schools/{ALTON}/")
    expect(heading(page)).to_have_text("CPD for Alton Infant School")
    expect(
        page.get_by_text(
            "Suggested because the note of visit of 8 October 2025 gave writing as an area for development "
            "(Curriculum and teaching, judged emerging)."
        )
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Book a place on Teaching writing in Key Stage 1").click()
    expect(heading(page)).to_have_text("Book a place")
    expect(page.get_by_text("Booking for Alton Infant School.", exact=False)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Book the place").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the name of the person attending")
    expect(page).to_have_title(re.compile(r"^Error: Book a place"))
    assert_accessible(page)
    assert not Booking.objects.exists()

    page.get_by_label("Name of the person attending").fill("Sam Writer")
    page.get_by_label("Their role").fill("English leader")
    page.get_by_role("button", name="Book the place").click()

    expect(page).to_have_url(re.compile(rf"/cpd/courses/{writing.pk}/$"))
    expect(heading(page)).to_have_text("Teaching writing in Key Stage 1")
    expect(page.get_by_text("Place booked for Sam Writer on Teaching writing in Key Stage 1.")).to_be_visible()
    expect(page.get_by_text("19 of 20 left")).to_be_visible()
    expect(page.get_by_role("cell", name="Sam Writer English leader")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel Sam Writer's place")).to_be_visible()
    assert_accessible(page)
    booking = Booking.objects.get()
    assert (booking.establishment.urn, booking.booked_by, booking.attendee_role) == (
        ALTON,
        world.head,
        "English leader",
    )


def test_the_officers_cpd_pages_meet_wcag_22_aa(page: Page, world: World, writing: Course) -> None:
    categorise(world, world.school, label="Targeted")
    booking = book(world, writing, today=timezone.localdate())
    ran = course(world, "Governors' briefing", topics=["governance"], audiences=["governors"], cost=40)
    Course.objects.filter(pk=ran.pk).update(runs_on=timezone.localdate())
    attended = book(world, ran, name="Chris Chair", today=timezone.localdate())
    services.attendance_record(course=ran, attended={attended.pk}, by=world.officer, today=timezone.localdate())
    attended.refresh_from_db()
    services.evaluation_record(booking=attended, rating=5, comment="Clear and practical.", by=world.head)
    assert booking.pk
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, world.officer.username)
    pages = [
        ("/cpd/", "CPD offer"),
        ("/cpd/courses/new/", "Add a course, network meeting or briefing"),
        (f"/cpd/courses/{writing.pk}/", "Teaching writing in Key Stage 1"),
        (f"/cpd/courses/{ran.pk}/", "Governors' briefing"),
        (f"/cpd/courses/{ran.pk}/attendance/", "Record attendance"),
        (f"/cpd/schools/{ALTON}/", "CPD for Alton Infant School"),
        ("/cpd/demand/", re.compile(r"^Demand against the offer \d{4}/\d{2}$")),
        ("/cpd/uptake/", re.compile(r"^CPD uptake and income \d{4}/\d{2}$")),
        ("/cpd/evaluations/", re.compile(r"^CPD evaluations \d{4}/\d{2}$")),
    ]
    for path, title in pages:
        page.goto(path)
        expect(heading(page)).to_have_text(title)
        assert_accessible(page)
