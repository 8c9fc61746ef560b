"""Categorisation rounds in a real browser: an LA officer starts a round from the rounds page, filters the review,
overrides one school with a reason and confirms every school not yet decided; every page passes axe's WCAG 2.2 AA
rules and speaks in words (no usernames, no field names)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from headway.accounts.models import Role, User
from headway.imports.services import ImportResult
from headway.risk import selectors, services
from headway.risk.models import CategorisationRound, CategoryDecision
from headway.risk.policy import policy_named
from headway.schools.models import LocalAuthority
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, screenshot, sign_in
from tests.factories import UserFactory

#: A snake_case token: a field name or code leaking onto the page.
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")
HAMPSHIRE_POLICY = "Hampshire school categorisation (demo: Barnet's 2020 policy adopted as Hampshire's own)"


@pytest.fixture
def officer(register: ImportResult, monkeypatch: pytest.MonkeyPatch) -> User:
    # The predictive model would train on the test database: the pages are tested without it.
    monkeypatch.setattr(services, "risk_scores", lambda establishments, as_of: ({}, "", ""))
    monkeypatch.setattr(selectors, "REVIEW_PAGE_SIZE", 10)  # the sample's schools over a few pages
    hampshire = LocalAuthority.objects.get(code="850")
    user: User = UserFactory(
        username="olu.officer", first_name="Olu", last_name="Adeyemi", role=Role.LA_OFFICER, local_authority=hampshire
    )
    services.round_run(
        local_authority=hampshire, policy=policy_named("hampshire-2022"), as_of=dt.date(2024, 6, 1), by=user
    )
    return user


def assert_plain_words(page: Page, user: User) -> None:
    text = page.locator("main").inner_text()
    assert user.username not in text
    leaked = FIELD_NAME.findall(text)
    assert not leaked, leaked


def test_an_officer_starts_filters_overrides_and_confirms_a_round(page: Page, officer: User) -> None:
    sign_in(page, officer.username, next_page="/risk/rounds/")
    expect(heading(page)).to_have_text("Categorisation rounds")
    expect(page.locator("main")).not_to_contain_text("headway categorise")
    assert_accessible(page)

    page.get_by_role("link", name="Start a round").click()
    expect(heading(page)).to_have_text("Start a categorisation round")
    assert_accessible(page)
    assert_plain_words(page, officer)
    expect(page.locator("main")).not_to_contain_text("Barnet school categorisation 2020")  # another authority's
    # in force from 10 November 2025 only
    page.get_by_role("radio", name=re.compile(r"^Categorisation under report cards")).check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Start the round").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is in force from 10 November 2025")
    assert_accessible(page)
    assert not CategorisationRound.objects.filter(as_of=dt.date(2025, 6, 1)).exists()
    page.get_by_role("radio", name=re.compile(re.escape(HAMPSHIRE_POLICY))).check()
    page.get_by_role("button", name="Start the round").click()

    expect(page.locator("body")).to_contain_text("The round is ready")
    made = CategorisationRound.objects.order_by("-pk").first()
    assert made is not None and made.as_of == dt.date(2025, 6, 1)
    expect(page.locator("main")).to_contain_text("Compared with the last round, evidence as of 1 June 2024")
    expect(page.get_by_role("navigation", name="Pages of schools")).to_be_visible()
    assert_accessible(page)
    assert_plain_words(page, officer)
    screenshot(page, "round-review")

    page.get_by_text("Filter and sort the schools").click()
    page.get_by_label("Phase").select_option("Primary")
    page.get_by_label("Sort by").select_option(label="School name")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("match the filters, sorted by school name")
    assert_accessible(page)
    first = page.locator("tbody tr").first.locator("td").first.locator("a").inner_text()

    page.get_by_role("link", name=f"Confirm or override for {first}").click()
    expect(heading(page)).to_have_text(first)
    page.get_by_label("Override it").check()
    page.get_by_label("Category (when overriding)").select_option("3")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for overriding")
    assert not CategoryDecision.objects.filter(proposal__round=made).exists()
    page.get_by_label("Reason").fill("Governors resigned this term")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("body")).to_contain_text(f"Decision recorded for {first}")
    expect(page).to_have_url(re.compile(r"phase=Primary"))  # back on the filtered page
    expect(page.locator("tbody tr").first).to_contain_text("Overridden: 3")

    page.get_by_role("link", name="Confirm every school not yet decided").click()
    expect(heading(page)).to_have_text("Confirm every school not yet decided")
    assert_accessible(page)
    undecided = made.proposals.count() - 1
    page.get_by_role("button", name=re.compile(r"^Confirm \d+ school")).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box")
    page.get_by_label("Yes, confirm the proposed category of every school not yet decided").check()
    page.get_by_role("button", name=re.compile(r"^Confirm \d+ school")).click()
    expect(page.locator("body")).to_contain_text(f"{undecided} schools confirmed in the proposed category.")
    expect(page.locator("main")).to_contain_text("Every school of this round has a decision.")
    decisions = CategoryDecision.objects.filter(proposal__round=made)
    assert decisions.filter(action="confirm").count() == undecided
    assert decisions.get(action="override").reason == "Governors resigned this term"


@pytest.mark.parametrize("width", [pytest.param(PHONE, id="phone")])
def test_the_review_reflows_on_a_phone(page: Page, officer: User, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    made = CategorisationRound.objects.get()
    sign_in(page, officer.username, next_page=f"/risk/rounds/{made.pk}/")
    expect(heading(page)).to_contain_text("Hampshire school categorisation")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert width < DESKTOP
