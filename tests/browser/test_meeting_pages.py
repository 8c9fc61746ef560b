"""A Walsall Progress Review Group run end to end in a real browser (issue 13, part 5): North's Senior Achievement
Officer schedules the footprint's meeting, prepares its agenda (the schools of the footprint's two areas with their
category and inspection window), records an action and the minutes; the next meeting's agenda brings the action
back to follow up, and it is followed up there. Every page is axe-clean (WCAG 2.2 AA); the meeting page fits a
phone. Then the area page: the footprint's schools and figures beside Walsall's."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in
from tests.meetings.world import Walsall, categorise, inspect, make_walsall, note_of_visit


@pytest.fixture
def world(transactional_db: None) -> Walsall:
    world = make_walsall()
    inspect(world.school, dt.date(2023, 11, 8), 3)
    categorise(world, [world.school], category="C", label="Requires support", causing_concern=True, risk=0.61)
    categorise(world, [world.other_school], category="A", label="Universal", risk=0.08)
    note_of_visit(world, world.school, planned_on=dt.date(2026, 2, 3), next_steps="Coach Year 2 teachers in writing.")
    return world


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def schedule(page: Page, day: dt.date) -> None:
    page.goto("/meetings/")
    expect(heading(page)).to_have_text("Meetings")
    page.get_by_role("link", name="Progress Review Group").click()
    expect(heading(page)).to_have_text("Progress Review Group")
    page.get_by_label("Footprint").select_option(label="North footprint")
    fill_date(page, "Date of the meeting", day)
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(heading(page)).to_have_text(f"Progress Review Group, North footprint, {day.day} {day:%B %Y}")


def test_a_footprints_progress_review_group_runs_end_to_end(page: Page, world: Walsall) -> None:
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, world.senior.username)
    page.goto("/meetings/")
    assert_accessible(page)
    page.get_by_role("link", name="Progress Review Group").click()
    expect(page.locator("main")).to_contain_text("Senior Achievement Officer for the footprint (chair)")
    assert_accessible(page)

    schedule(page, dt.date(2026, 3, 17))
    expect(page.locator("main")).to_contain_text("The agenda has not been prepared")
    page.get_by_role("button", name="Prepare the agenda").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Agenda prepared")
    members = page.locator("main")
    expect(members).to_contain_text("Senior Achievement Officer for the footprint: Asha Khan (chair)")
    schools = page.get_by_role("table", name="33 schools, 33 in their inspection window")
    brownhills = schools.get_by_role("row").filter(has_text="Brownhills School")
    expect(brownhills).to_contain_text("C: Requires support")
    expect(brownhills).to_contain_text("61.0%")
    expect(brownhills).to_contain_text("3 February 2026: Diagnose, support, impact visit (Ben Ward")
    expect(brownhills).to_contain_text("8 November 2024 to 8 May 2026")
    expect(schools.get_by_role("row").filter(has_text="Castlefort")).to_contain_text("A: Universal")
    expect(schools).to_contain_text("Barr Beacon School")  # the footprint's other area
    expect(schools).not_to_contain_text(world.west_school.name)

    page.get_by_label("Action", exact=True).fill("Broker a writing lead from a good school.")
    page.get_by_label("Owner").select_option(label="Ben Ward")
    fill_date(page, "Due by", dt.date(2026, 5, 1))
    page.get_by_label("School (optional)").select_option(label="Brownhills School")
    page.get_by_role("button", name="Record the action").click()
    agreed = page.get_by_role("table", name="Actions agreed at this meeting")
    expect(agreed).to_contain_text("Broker a writing lead from a good school.")
    expect(agreed).to_contain_text("Ben Ward")
    expect(agreed).to_contain_text("1 May 2026")

    attendees = page.get_by_label("Attendees")
    expect(attendees).to_have_value(
        "Asha Khan, Senior Achievement Officer for the footprint\n"
        "Cara Lowe (Aldridge and Streetly area), Improvement Adviser\n"
        "Ben Ward (Brownhills and Pelsall area), Improvement Adviser"
    )
    attendees.fill("Asha Khan, Senior Achievement Officer\nBen Ward, Improvement Adviser\nHana Begum, headteacher")
    page.get_by_label("Minutes", exact=True).fill("Writing at Brownhills School is the footprint's priority.")
    page.get_by_role("button", name="Save the minutes").click()
    expect(page.locator("#minutes ~ p").first).to_contain_text("Hana Begum, headteacher")
    expect(page.locator("main")).to_contain_text("Writing at Brownhills School is the footprint's priority.")
    assert_accessible(page)

    schedule(page, dt.date(2026, 5, 12))
    page.get_by_role("button", name="Prepare the agenda").click()
    follow_up = page.locator("h3:has-text('1. Actions to follow up') + ul")
    expect(follow_up).to_contain_text(
        "Broker a writing lead from a good school. (Brownhills School): Ben Ward, due by 1 May 2026"
    )
    expect(follow_up).to_contain_text("Overdue")
    expect(follow_up).to_contain_text("agreed 17 March 2026")
    expect(page.get_by_role("link", name="The previous meeting, 17 March 2026")).to_be_visible()

    page.get_by_role("table", name="Open actions agreed at earlier meetings").get_by_role(
        "link", name="Follow up"
    ).click()
    expect(heading(page)).to_have_text("Follow up an action")
    assert_accessible(page)
    page.get_by_label("Done", exact=True).check()
    page.get_by_label("What was done, or why it is no longer needed").fill("A writing lead from Leighswood started.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Followed up at this meeting")
    expect(page.locator("main")).to_contain_text("A writing lead from Leighswood started.")
    expect(page.locator("main")).to_contain_text("No actions of earlier meetings are still open.")


def test_the_meeting_page_fits_a_phone(page: Page, world: Walsall) -> None:
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(page, world.senior.username)
    schedule(page, dt.date(2026, 3, 17))
    page.get_by_role("button", name="Prepare the agenda").click()
    expect(page.locator("main")).to_contain_text("Brownhills School")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_the_footprint_beside_walsall(page: Page, world: Walsall) -> None:
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, world.admin.username)
    page.goto("/schools/areas/")
    expect(heading(page)).to_have_text("Areas")
    assert_accessible(page)
    page.get_by_role("link", name="North footprint").click()
    expect(heading(page)).to_have_text("North footprint")
    outcomes = page.get_by_role("table", name="Inspection outcomes")
    expect(outcomes.get_by_role("row").filter(has_text="Schools good or better")).to_contain_text("%")
    expect(page.get_by_role("table", name="33 open schools in the North footprint")).to_contain_text(
        "Brownhills School"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Change the officers").click()
    expect(heading(page)).to_have_text("Officers of the North footprint")
    assert_accessible(page)
