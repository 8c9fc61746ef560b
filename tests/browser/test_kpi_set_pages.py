"""An LA administrator makes a KPI set in real Chromium: finds "KPI sets" in the navigation, makes a set, adds an
indicator chosen by its name in words, is refused a bad target with the loader's words, and sees the indicator in
the KPI table; every page passes axe-core's WCAG 2.2 AA rules and shows no codes."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from headway.accounts.models import AuditEvent, User
from headway.strategy.models import KpiIndicator
from tests.browser.test_pages import assert_accessible, heading, screenshot, sign_in

#: A snake_case token or a catalogue code: a field name or code leaking onto the page.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\bks4\.[a-z0-9_]+\b")


def assert_plain_words(page: Page, user: User) -> None:
    text = page.locator("main").inner_text()
    assert user.username not in text
    assert not CODE.findall(text), CODE.findall(text)


def test_an_administrator_makes_a_kpi_set_and_sees_it_in_the_kpi_table(page: Page, la_admin: User) -> None:
    sign_in(page, la_admin.username, next_page="")
    page.locator(".govuk-service-navigation__list").get_by_role("link", name="Data").click()
    page.get_by_role("navigation", name="Data: pages").get_by_role("link", name="KPI sets").click()
    expect(heading(page)).to_have_text("KPI sets")
    assert_accessible(page)
    assert_plain_words(page, la_admin)

    page.get_by_role("button", name="Make a KPI set").click()
    expect(heading(page)).to_have_text("Make a KPI set")
    page.get_by_label("Name").fill("Education strategy 2025 to 2028")
    page.get_by_role("button", name="Make the set").click()
    expect(heading(page)).to_have_text("Education strategy 2025 to 2028")
    expect(page.get_by_text("The set has no indicators yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add an indicator").click()
    expect(heading(page)).to_have_text("Add an indicator")
    assert_accessible(page)
    page.get_by_label("Indicator", exact=True).fill("Key stage 4: Progress 8")
    page.get_by_label("Measured by").select_option(label="Progress 8 score")
    page.get_by_label("Sub-board or group").fill("School Standards Board")
    page.get_by_label("Baseline year").fill("2018")
    page.get_by_label("Target for every year").select_option(label="Ranked N or better among local authorities")
    page.get_by_label("Target figure").fill("2.5")
    page.get_by_role("button", name="Save the indicator").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Rank 2.5 must be a whole number, 1 or more")
    assert_accessible(page)
    assert not KpiIndicator.objects.exists()

    page.get_by_label("Target figure").fill("15")
    page.get_by_role("button", name="Save the indicator").click()
    expect(heading(page)).to_have_text("Education strategy 2025 to 2028")
    table = page.get_by_role("table", name="Indicators of Education strategy 2025 to 2028")
    expect(table).to_contain_text("Key stage 4: Progress 8")
    expect(table).to_contain_text("Every year: Rank ≤ 15")
    assert_accessible(page)
    assert_plain_words(page, la_admin)
    screenshot(page, "kpi-set")

    page.get_by_role("link", name=re.compile(r"^See its KPI table for \d{4}$")).click()
    expect(heading(page)).to_contain_text("Key performance indicators")
    expect(page.locator("main")).to_contain_text("Key stage 4: Progress 8")
    expect(page.locator("main")).to_contain_text("Rank ≤ 15")
    assert_accessible(page)
    verbs = set(AuditEvent.objects.filter(actor=la_admin).values_list("verb", flat=True))
    assert {"kpi_set.created", "kpi_indicator.created"} <= verbs
