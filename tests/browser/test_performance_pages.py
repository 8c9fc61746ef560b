"""The performance pages in real headless Chromium: the school profile's performance section and the LA
dashboard, checked with axe-core's WCAG 2.2 AA rules at 1280 and 320 CSS pixels (no sideways page scroll),
and used without JavaScript.

HEADWAY_SCREENSHOTS=1 also saves full-page screenshots of each page at both widths to /tmp/headway-screens/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from headway.accounts.models import User
from headway.imports.registry import importer_for
from headway.imports.services import ImportResult, run_import
from headway.schools.models import Establishment
from headway.schools.services import link_officer_assign
from tests.browser.test_pages import DESKTOP, PHONE, SCREENSHOTS, assert_accessible, heading, sign_in
from tests.helpers import DEMO_DATA

ANSTEY, ANTON = 115851, 115854


@pytest.fixture
def performance(register: ImportResult) -> None:
    """Real DfE files: Hampshire's KS2 table for summer 2019 and England's provisional KS4 results for 2019."""
    for dataset, name in (("ks2", "ks2_2018_850.csv"), ("ks4", "kspdev__england_ks4provisional.csv")):
        result = run_import(
            importer_for("performance", dataset=dataset, year=2019),
            DEMO_DATA / "performance" / name,
            actor_name="test",
        )
        assert not result.rejected, result.errors[:5]


@pytest.fixture
def officer_with_caseload(la_admin: User, performance: None) -> User:
    for urn in (ANSTEY, ANTON):
        link_officer_assign(
            establishment=Establishment.objects.get(urn=urn),
            officer=la_admin,
            by=None,
            actor_name="test",
            reason="Caseload for the browser tests",
            starts_on=dt.date(2024, 9, 1),
        )
    return la_admin


def screenshot(page: Page, name: str) -> None:
    """A full-page PNG at the page's width, for people to look at (only with HEADWAY_SCREENSHOTS=1)."""
    if os.environ.get("HEADWAY_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = (page.viewport_size or {}).get("width", 0)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)


def _profile(page: Page, user: User) -> None:
    sign_in(page, user.username)
    expect(heading(page)).to_have_text("Schools")
    page.goto(f"/schools/{ANSTEY}/evidence/")
    expect(heading(page)).to_have_text("Anstey Junior School")
    table = page.get_by_role(
        "table",
        name="Reading, writing and maths: % meeting the expected standard: this school, Hampshire and England, 2019",
    )
    expect(table.locator("tbody tr").first).to_contain_text("63%")
    screenshot(page, "performance-profile-115851-anstey")


def _dashboard(query: str, name: str, expected: str) -> Callable[[Page, User], None]:
    def visit(page: Page, user: User) -> None:
        sign_in(page, user.username)
        expect(heading(page)).to_have_text("Schools")
        page.goto(f"/performance/la/850/2019/{query}")  # on a phone the navigation is behind the Menu button
        expect(heading(page)).to_have_text("Performance dashboard, 2019")
        expect(page.locator("main")).to_contain_text(expected)
        screenshot(page, name)

    return visit


@pytest.mark.parametrize(
    "visit",
    [
        pytest.param(_profile, id="profile-115851"),
        pytest.param(_dashboard("", "performance-dashboard-850-2019", "1 of 1"), id="dashboard"),
        pytest.param(
            _dashboard("?measure=ks4.att8", "performance-dashboard-850-2019-att8", "47 of 150"), id="dashboard-att8"
        ),
        pytest.param(
            _dashboard("?measure=ks2.rwm_exp&mine=1", "performance-dashboard-850-2019-mine", "Your schools"),
            id="dashboard-mine",
        ),
        pytest.param(
            _dashboard("?measure=banana", "performance-dashboard-850-2019-error", "There is a problem"),
            id="dashboard-error",
        ),
    ],
)
@pytest.mark.parametrize("width", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_performance_pages_meet_wcag_22_aa(
    page: Page, officer_with_caseload: User, visit: Callable[[Page, User], None], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    visit(page, officer_with_caseload)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_dashboard_works_without_javascript(no_js_page: Page, officer_with_caseload: User) -> None:
    page = no_js_page
    sign_in(page, officer_with_caseload.username)
    page.get_by_role("link", name="Data", exact=True).click()  # the Data section opens on the dashboard
    expect(page).to_have_url(re.compile(r"/performance/la/850/2019/$"))
    expect(heading(page)).to_have_text("Performance dashboard, 2019")

    page.get_by_label("Measure for the tables below").select_option(label="Attainment 8 score")
    page.get_by_label("My schools").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?measure=ks4\.att8&mine=1$"))
    expect(page.get_by_role("heading", name="Every authority: Attainment 8 score")).to_be_visible()
    ranks = page.get_by_role("table", name=re.compile(r"^Attainment 8 score, 2019: every local authority"))
    expect(ranks.locator("tr.hw-table__row--own")).to_contain_text("Hampshire (850)")
    expect(ranks.locator("tr.hw-table__row--own")).to_contain_text("Your authority")
    below = page.get_by_role("table", name=re.compile(r"^Your schools significantly below"))
    expect(below.locator("tbody tr")).to_have_count(1)  # Anstey; Anton is in the caseload but not below

    below.get_by_role("link", name="Anstey Junior School").click()
    expect(page).to_have_url(re.compile(rf"/schools/{ANSTEY}/evidence/#performance$"))
    expect(page.get_by_role("heading", name="Performance", level=2)).to_be_visible()
    reading = page.get_by_role("table", name=re.compile(r"^Reading progress score: this school"))
    expect(reading.locator("tbody tr").last).to_contain_text("Significantly below")
