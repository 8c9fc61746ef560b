"""The People page in real Chromium: an LA administrator finds it in the navigation, adds a link adviser and a
headteacher, and closes an account; the pages meet WCAG 2.2 AA and the navigation still fits on one line."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from headway.accounts.models import AuditEvent, Role, User
from headway.schools.models import Establishment, LocalAuthority
from tests.browser.test_pages import screenshot
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=WCAG_22_AA)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


@pytest.fixture
def admin(transactional_db: None) -> User:
    hampshire: LocalAuthority = LocalAuthorityFactory(code="850", name="Hampshire")
    EstablishmentFactory(local_authority=hampshire, name="Alton Infant School", urn=115850)
    user: User = UserFactory(
        username="admin.hampshire", first_name="Ada", last_name="Admin", role=Role.LA_ADMIN, local_authority=hampshire
    )
    return user


def test_an_la_administrator_adds_people_and_closes_an_account(page: Page, admin: User) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username", exact=True).fill(admin.username)
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    # Every section of the navigation on one line at 1280 pixels.
    tops = page.locator(".govuk-service-navigation__item").evaluate_all("items => items.map(i => i.offsetTop)")
    assert len(set(tops)) == 1, tops
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(page)

    page.get_by_role("button", name="Add a person").click()
    page.get_by_label("First name").fill("Lee")
    page.get_by_label("Last name").fill("Adviser")
    page.get_by_label("E-mail address").fill("lee.adviser@hants.gov.uk")
    page.get_by_label("Job title").fill("Link adviser")
    page.get_by_label("LA officer").check()
    assert_accessible(page)
    screenshot(page, "person-add")
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_text("Lee Adviser added.")).to_be_visible()

    page.get_by_role("button", name="Add a person").click()
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("First name").fill("Hana")
    page.get_by_label("Last name").fill("Head")
    page.get_by_label("E-mail address").fill("head@alton-inf.hants.sch.uk")
    page.get_by_label("Job title").fill("Headteacher")
    page.get_by_label("School user (headteacher or chair of governors)").check()
    page.get_by_label("Their schools").select_option(label="Alton Infant School (115850)")
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_role("table", name="Headteachers and chairs of governors")).to_contain_text("Alton Infant")
    screenshot(page, "people")

    page.get_by_role("link", name="Change Lee Adviser").click()
    page.get_by_role("button", name="Close their account").click()
    expect(page.get_by_text("Lee Adviser's account closed.")).to_be_visible()
    expect(page.get_by_role("table", name="Closed accounts")).to_contain_text("Lee Adviser")

    lee = User.objects.get(email="lee.adviser@hants.gov.uk")
    head = User.objects.get(email="head@alton-inf.hants.sch.uk")
    assert not lee.is_active and lee.job_title == "Link adviser"
    assert list(head.schools.all()) == [Establishment.objects.get(urn=115850)]
    assert set(AuditEvent.objects.filter(actor=admin).values_list("verb", flat=True)) >= {
        "person added",
        "account closed",
    }
