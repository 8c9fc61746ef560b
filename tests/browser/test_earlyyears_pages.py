"""A settings visit in a real browser: the early years officer plans a visit to a nursery, writes the note of
visit with the early-years template and sees the visit done; the pages pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from headway.accounts.models import Role, User
from headway.earlyyears.models import SettingVisit
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.helpers import FIXTURES, load


@pytest.fixture
def officer(transactional_db: None) -> User:
    barnet = LocalAuthorityFactory(code="302", name="Barnet")
    for code, name in (("370", "Barnsley"), ("335", "Walsall")):
        LocalAuthorityFactory(code=code, name=name)
    result = load("early-years", FIXTURES / "earlyyears" / "valid" / "childcare_providers_invented.csv")
    assert not result.rejected, result.errors
    return UserFactory(
        username="early.years", role=Role.LA_OFFICER, local_authority=barnet, first_name="Ada", last_name="Byrne"
    )


def test_a_settings_visit_from_plan_to_note(page: Page, officer: User) -> None:
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    sign_in(page, officer.username)
    page.goto("/early-years/")
    expect(heading(page)).to_have_text("Early years settings")
    assert_accessible(page)
    page.get_by_role("link", name="Bright Steps Nursery 6").click()
    expect(heading(page)).to_have_text("Bright Steps Nursery 6")
    assert_accessible(page)
    page.get_by_label("Officer", exact=True).select_option(label="Ada Byrne")
    page.get_by_label("Day").first.fill("14")
    page.get_by_label("Month").first.fill("1")
    page.get_by_label("Year").first.fill("2027")
    page.get_by_label("What the visit is for").fill("Support after an inadequate inspection")
    page.get_by_role("button", name="Plan the visit").click()
    page.get_by_role("link", name="Write the note of visit").click()
    expect(heading(page)).to_have_text("Note of visit (early years setting)")
    assert_accessible(page)
    page.get_by_label("Purpose of the visit and who was seen").fill("Met the manager and the room leaders.")
    page.get_by_label("Summary of findings").fill("Staff ratios are now met; the new key-person system works.")
    page.get_by_label("Areas for development").fill("Early reading")
    page.get_by_label("Safeguarding and welfare requirements").select_option("Secure")
    page.get_by_role("button", name="Save the note of visit").click()
    expect(heading(page)).to_have_text("Bright Steps Nursery 6")
    expect(page.locator("main")).to_contain_text("(done)")
    assert SettingVisit.objects.get().status == SettingVisit.Status.DONE
    page.get_by_role("link", name="Read the note of visit").click()
    expect(page.locator("main")).to_contain_text("Staff ratios are now met")
    assert_accessible(page)


def test_the_round_page_fits_a_phone(page: Page, officer: User) -> None:
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(page, officer.username)
    page.goto("/early-years/rounds/")
    expect(heading(page)).to_have_text("Categorise the settings")
    page.get_by_role("button", name="Start a round").click()
    expect(heading(page)).to_have_text("Barnet early years settings 2021-24")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
