"""The visit plan pages in a real browser: axe-clean at desktop and phone widths, and usable without
JavaScript (an officer moves a visit with a reason)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from headway.accounts.models import User
from headway.risk.policy import policy_named
from headway.risk.services import proposal_override, round_run
from headway.schools.models import Establishment, LocalAuthority
from headway.schools.services import link_officer_assign
from headway.visits.planning import visit_plan_build
from tests.browser.test_meeting_pages import fill_date
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, assert_assets_loaded, heading, sign_in


def _plan(la_admin: User) -> None:
    hampshire = LocalAuthority.objects.get(code="850")
    categorisation_round = round_run(
        local_authority=hampshire,
        policy=policy_named("hampshire-2022"),
        as_of=dt.date(2025, 6, 1),
        by=la_admin,
        with_risk=False,
    )
    for proposal in categorisation_round.proposals.select_related("establishment", "round")[:6]:
        proposal_override(
            proposal=proposal, policy=policy_named("hampshire-2022"), category="3", by=la_admin, reason="Moderation"
        )
    for school in Establishment.objects.filter(urn__in=[115850, 115851]):
        link_officer_assign(
            establishment=school, officer=la_admin, by=la_admin, reason="Caseload", starts_on=dt.date(2025, 7, 1)
        )
    visit_plan_build(local_authority=hampshire, start_year=2025, today=dt.date(2025, 8, 1), by=la_admin)


@pytest.mark.parametrize(
    "path",
    ["/visits/?year=2025", "/visits/schools/115850/", "/visits/capacity/?year=2025", "/visits/calendar/?year=2025"],
)
@pytest.mark.parametrize("width", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_visit_pages_meet_wcag_22_aa(page: Page, la_admin: User, path: str, width: int) -> None:
    _plan(la_admin)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, la_admin.username)
    page.goto(path)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_officer_moves_a_visit_without_javascript(no_js_page: Page, la_admin: User) -> None:
    _plan(la_admin)
    page = no_js_page
    sign_in(page, la_admin.username)
    page.get_by_role("link", name="Visits", exact=True).click()
    expect(heading(page)).to_have_text("My schools")
    page.get_by_role("link", name="Alton Infant School").click()
    expect(page).to_have_url(re.compile(r"/visits/schools/115850/$"))
    page.get_by_role("link", name=re.compile(r"^Change")).first.click()
    page.get_by_label("Move it to another day").check()
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the new date")
    fill_date(page, "New date of the visit (when moving)", dt.date(2025, 11, 20))
    page.get_by_label("Reason").fill("Clash with governors' meeting")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("body")).to_contain_text("Visit moved to 20 November 2025")
    assert_assets_loaded(page)
