"""A headteacher finds "E-mail settings" on "Your account" (linked from the header) and turns one kind of notice
off; the page passes axe-core's WCAG 2.2 AA rules on a desktop and at 320 pixels wide, and the header's account
links still fit on one line at 1280 pixels."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from headway.accounts.models import User
from headway.accounts.notices import wants_email
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in


def test_a_head_turns_off_one_kind_of_email(page: Page, headteacher: User) -> None:
    headteacher.first_name, headteacher.last_name, headteacher.email = "Helen", "Carter", "head@alton.test"
    headteacher.save()
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    sign_in(page, headteacher.username)
    account = page.get_by_role("navigation", name="Your account")
    box = account.bounding_box()
    assert box is not None and box["height"] < 60, box  # the account links stay on one line
    account.get_by_role("link", name="Your account").click()
    page.locator("main").get_by_role("link", name="E-mail settings").click()
    expect(heading(page)).to_have_text("Your e-mail notices")
    expect(page.get_by_text("head@alton.test")).to_be_visible()
    assert_accessible(page)

    waiting = page.get_by_label("A note of visit is waiting for your response")
    expect(waiting).to_be_checked()
    waiting.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your e-mail notices have been saved.")).to_be_visible()
    expect(page.get_by_label("A note of visit is waiting for your response")).not_to_be_checked()
    expect(page.get_by_label("A letter has been issued to your school")).to_be_checked()
    assert not wants_email(headteacher, "note_awaiting") and wants_email(headteacher, "letter_issued")

    page.set_viewport_size({"width": PHONE, "height": 800})
    page.reload()
    assert_accessible(page)


def test_the_account_links_stay_on_one_line_for_an_administrator(page: Page, la_admin: User) -> None:
    """With every section of the navigation and a long name, the account links still fit on one line."""
    la_admin.first_name, la_admin.last_name = "Alexandra", "Whitfield-Harrington"
    la_admin.save()
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    sign_in(page, la_admin.username)
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link", name="Your account")).to_be_visible()
    box = account.bounding_box()
    assert box is not None and box["height"] < 60, box
