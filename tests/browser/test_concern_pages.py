"""The schools-causing-concern pages in a real browser: axe-clean (WCAG 2.2 AA) at desktop width, and the
case page at phone width without horizontal scrolling."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from headway.concerns import services
from headway.concerns.models import ReviewGroupMeeting
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in
from tests.concerns.world import World, designated, make_world


@pytest.fixture
def world(transactional_db: None) -> World:
    """Alton designated with a plan and a review, the meeting's agenda prepared and its minutes recorded."""
    world = make_world()
    concern = designated(world)
    held = ReviewGroupMeeting.objects.get()
    services.agenda_prepare(meeting=held, by=world.officer)
    services.minutes_record(meeting=held, attendees="Sam Service", minutes="Alton discussed.", by=world.officer)
    plan = services.action_plan_record(
        concern=concern,
        key_issues="Phonics outcomes are low.",
        where_in_a_year="Phonics at the national average.",
        monitoring_arrangements="Half-termly.",
        agreed_on=dt.date(2025, 11, 1),
        milestones=[{"title": "Phonics above 70%", "due_on": "2026-02-27", "success_criteria": "Termly check"}],
        actions=[{"by": "la", "description": "Coaching", "owner": "Olu Lead", "due_on": "2026-01-31"}],
        support=[{"provider": "English team", "description": "Training", "hours": 12, "cost": 1800, "paid_by": "la"}],
        by=world.officer,
    )
    services.plan_review_record(
        plan=plan,
        reviewed_on=dt.date(2026, 1, 15),
        progress={plan.milestones.get().pk: ("amber", "62% in January")},
        summary="Some progress.",
        next_steps="Continue.",
        by=world.officer,
    )
    return world


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/concerns/", "Schools causing concern"),
        ("/concerns/schools/115850/", "Alton Infant School"),
        ("/concerns/meetings/{meeting}/", "Schools review group, 15 October 2025"),
        ("/concerns/schools/115850/plan/", "Action plan, version 1"),
    ],
    ids=["register", "case", "meeting", "plan"],
)
def test_concern_pages_meet_wcag_22_aa(page: Page, world: World, path: str, title: str) -> None:
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, world.officer.username)
    page.goto(path.format(meeting=ReviewGroupMeeting.objects.get().pk))
    expect(heading(page)).to_have_text(title)
    assert_accessible(page)


def test_the_case_page_fits_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(page, world.officer.username)
    page.goto("/concerns/schools/115850/")
    expect(heading(page)).to_have_text("Alton Infant School")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
