"""The header and the service navigation at 1280 pixels, for every demo role: the header (Headway, who is signed in,
notices, "Your account", sign out) is one line, the service navigation's sections share one row, and each
section's own pages fit on the line below it; the board summary is on a board member's top line; every page checked
passes axe-core's WCAG 2.2 AA rules."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from headway.accounts.models import Role, User
from headway.imports.services import ImportResult
from headway.schools.models import Establishment, LocalAuthority
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in
from tests.factories import UserFactory

#: The demo's people (``headway load_demo``), with longer names than the demo's, so a long name is tried too.
ROLES = {
    "LA administrator (the demo's, also a superuser)": (Role.LA_ADMIN, True),
    "LA officer": (Role.LA_OFFICER, False),
    "board member": (Role.BOARD_MEMBER, False),
    "headteacher": (Role.SCHOOL_USER, False),
}


def person(role: str, superuser: bool) -> User:
    user: User = UserFactory(
        username="someone",
        first_name="Alexandra",
        last_name="Whitfield-Harrington",
        role=role,
        local_authority=None if role == Role.SCHOOL_USER else LocalAuthority.objects.get(code="850"),
        is_superuser=superuser,
        is_staff=superuser,
    )
    if role == Role.SCHOOL_USER:
        user.schools.set([Establishment.objects.get(urn=115850)])
    return user


def tops(page: Page, selector: str) -> list[float]:
    """The top edge of every element matching ``selector``, in CSS pixels."""
    found: list[float] = page.locator(selector).evaluate_all("els => els.map(e => e.getBoundingClientRect().top)")
    return found


def assert_navigation_fits(page: Page) -> None:
    where = page.url
    # The header: the account items share one row, and that row is beside the Headway logo, not under it.
    expect(page.locator(".hw-header__account-item")).to_have_count(4)
    items = tops(page, ".hw-header__account-item")
    assert len(items) == 4 and len(set(items)) == 1, (where, items)
    logo = page.locator(".govuk-generic-header__logo").bounding_box()
    account = page.locator(".hw-header__account").bounding_box()
    assert logo is not None and account is not None
    assert account["y"] < logo["y"] + logo["height"] and logo["y"] < account["y"] + account["height"], (
        where,
        logo,
        account,
    )
    header = page.locator(".govuk-generic-header").bounding_box()
    assert header is not None and header["height"] <= logo["height"] + 2, (where, header, logo)
    # The service navigation: every section on one row.
    sections = page.locator(".govuk-service-navigation__item")
    expect(sections.first).to_be_visible()
    rows = tops(page, ".govuk-service-navigation__item")
    assert len(set(rows)) == 1, (where, rows)
    # The pages of the section the user is in, on one row below it.
    pages = tops(page, ".hw-section-nav__item")
    assert len(set(pages)) <= 1, (where, pages)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP


@pytest.mark.parametrize("who", list(ROLES))
def test_the_header_and_navigation_fit_on_one_line_for_every_role(page: Page, register: ImportResult, who: str) -> None:
    user = person(*ROLES[who])
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, user.username, next_page="")
    assert_navigation_fits(page)
    assert_accessible(page)
    # Every section of the top line, and every page of each section.
    labels = page.locator(".govuk-service-navigation__item").all_inner_texts()
    for label in labels:
        section = page.locator(".govuk-service-navigation__list").get_by_role("link", name=label.strip(), exact=True)
        href = section.get_attribute("href")
        assert href
        # Wait for the section's own page: measured mid-navigation, the old page has no header left to measure.
        with page.expect_navigation(url=f"**{href}"):
            section.click()
        assert_navigation_fits(page)
        for link in page.locator(".hw-section-nav__item a").all():
            href = link.get_attribute("href")
            assert href
            page.goto(href)
            assert_navigation_fits(page)


def test_a_board_member_finds_the_board_summary_on_the_top_line(page: Page, register: ImportResult) -> None:
    user = person(Role.BOARD_MEMBER, False)
    sign_in(page, user.username, next_page="")
    navigation = page.locator(".govuk-service-navigation__list")
    expect(navigation.get_by_role("link")).to_have_text(["Schools", "Board summary", "Data"])
    navigation.get_by_role("link", name="Board summary").click()
    expect(heading(page)).to_contain_text("Schools causing concern")
    expect(navigation.get_by_role("link", name="Board summary")).to_have_attribute("aria-current", "true")
    assert_navigation_fits(page)
    assert_accessible(page)


def test_your_account_holds_the_pages_about_the_signed_in_person(page: Page, register: ImportResult) -> None:
    user = person(Role.SCHOOL_USER, False)
    user.email, user.job_title = "head@alton.test", "Headteacher"
    user.save()
    sign_in(page, user.username)
    header = page.get_by_role("navigation", name="Your account")
    expect(header).to_contain_text("Signed in as Alexandra Whitfield-Harrington")
    expect(header.get_by_role("link", name="E-mail settings")).to_have_count(0)
    header.get_by_role("link", name="Your account").click()
    expect(heading(page)).to_have_text("Your account")
    expect(header.get_by_role("link", name="Your account")).to_have_attribute("aria-current", "page")
    main = page.locator("main")
    for text in ("Alexandra Whitfield-Harrington", "Headteacher", "Alton Infant School", "head@alton.test"):
        expect(main).to_contain_text(text)
    expect(main).not_to_contain_text(user.username)
    expect(main.get_by_role("link", name="API tokens")).to_be_visible()
    assert_accessible(page)
    main.get_by_role("link", name="E-mail settings").click()
    expect(heading(page)).to_have_text("Your e-mail notices")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto("/accounts/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    header.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in to Headway")
