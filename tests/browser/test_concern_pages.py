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
        ("/concerns/schools/115850/plan/record/", "Revise the action plan (version 1)"),
    ],
    ids=["register", "case", "meeting", "plan", "plan-form"],
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


def test_the_plan_form_adds_and_removes_rows_without_javascript(no_js_page: Page, world: World) -> None:
    """Revising the plan: "Add another milestone" and "Remove" post the page back, so they work without
    JavaScript, and errors name the row. (Axe needs JavaScript: the form is checked by the test above, and
    its error state by the next test.)"""
    page = no_js_page
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, world.officer.username)
    page.goto("/concerns/schools/115850/plan/record/")
    expect(heading(page)).to_have_text("Revise the action plan (version 1)")
    milestones = page.locator("fieldset", has=page.locator("legend", has_text="Milestone"))
    expect(milestones).to_have_count(1)
    page.get_by_role("button", name="Add another milestone").click()
    expect(milestones).to_have_count(2)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)  # adding a row is not saving
    second = page.locator("#milestones-1")
    second.get_by_label("Day").fill("31")
    second.get_by_label("Month").fill("13")
    second.get_by_label("Year").fill("2026")
    page.get_by_label("Why the plan is being revised").fill("Governors asked for an attendance milestone.")
    page.get_by_role("button", name="Save the action plan", exact=True).last.click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The date of milestone 2 must be a real date")
    expect(summary).to_contain_text("Enter the title of milestone 2")
    page.get_by_role("button", name="Remove milestone 2").click()
    expect(milestones).to_have_count(1)
    expect(page.locator("#id_milestones-0-title")).to_have_value("Phonics above 70%")
    page.get_by_role("button", name="Save the action plan", exact=True).last.click()
    expect(heading(page)).to_have_text("Alton Infant School")
    assert world.school.concerns.get().plans.count() == 2


def test_the_plan_forms_errors_meet_wcag_22_aa(page: Page, world: World) -> None:
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(page, world.officer.username)
    page.goto("/concerns/schools/115850/plan/record/")
    page.get_by_role("button", name="Add another action").click()
    page.locator("#actions-1").get_by_label("What will be done").fill("Governance review")
    page.get_by_role("button", name="Save the action plan", exact=True).last.click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose who acts in action 2: the school or the LA")
    expect(summary).to_contain_text("Enter why the plan is being revised")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
