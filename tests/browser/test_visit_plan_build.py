"""The year's visit plan in a real browser: an LA officer finds it in the navigation, builds the plan, gives one
school a link officer and then every school of an area, choosing officers by name. Every page passes axe-core's
WCAG 2.2 AA rules and shows no username."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from headway.accounts.models import Role, User
from headway.imports.services import ImportResult
from headway.schools.models import Area, Establishment, LinkOfficerAssignment, LocalAuthority
from headway.visits.models import Visit
from tests.browser.test_pages import assert_accessible, heading, sign_in
from tests.factories import UserFactory
from tests.visits.test_plan import categorise

ALTON, ANSTEY, BALKSBURY = 115850, 115851, 115852


def _no_usernames(page: Page, users: list[User]) -> None:
    text = page.locator("body").inner_text()
    for user in users:
        assert user.username not in text, f"{user.username} shown on {page.url}"


def _dates(page: Page, day: str, month: str, year: str) -> None:
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)


def test_an_officer_builds_the_plan_and_assigns_link_officers(page: Page, register: ImportResult) -> None:
    hampshire = LocalAuthority.objects.get(code="850")
    officer: User = UserFactory(
        username="ola.officer", first_name="Ola", last_name="Okafor", role=Role.LA_OFFICER, local_authority=hampshire
    )
    colleague: User = UserFactory(
        username="pat.colleague", first_name="Priya", last_name="Patel", role=Role.LA_OFFICER, local_authority=hampshire
    )
    lead: User = UserFactory(
        username="lee.lead", first_name="Lee", last_name="Lead", role=Role.LA_ADMIN, local_authority=hampshire
    )
    categorise(lead, {ALTON: "2", ANSTEY: "2", BALKSBURY: "2"})
    area = Area.objects.create(local_authority=hampshire, name="Test Valley", kind=Area.Kind.CLUSTER)
    Establishment.objects.filter(urn__in=[ANSTEY, BALKSBURY]).update(area=area)
    people = [officer, colleague, lead]

    sign_in(page, officer.username, next_page="/visits/")
    page.get_by_role("link", name="Visit plan", exact=True).click()
    expect(heading(page)).to_have_text("Visit plan")
    expect(page.locator("body")).to_contain_text("has not been built yet")
    assert_accessible(page)
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Build the plan").click()
    expect(page.locator("body")).to_contain_text(re.compile(r"The visit plan for \d{4}/\d{2} has been built for 3"))
    assert_accessible(page)
    _no_usernames(page, people)
    assert Visit.objects.count() > 0

    # One school.
    page.get_by_role("link", name="Schools' link officers").click()
    expect(heading(page)).to_have_text("Schools' link officers")
    assert_accessible(page)
    page.get_by_role("link", name="Change the link officer of Alton Infant School").click()
    expect(heading(page)).to_have_text("Change the link officer")
    assert_accessible(page)
    page.get_by_role("button", name="Save the link officer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the link officer")
    assert_accessible(page)
    page.get_by_label("Link officer", exact=True).select_option(label="Priya Patel")
    _dates(page, "1", "9", "2026")
    page.get_by_label("Why the link officer changes").fill("New caseloads")
    page.get_by_role("button", name="Save the link officer").click()
    expect(page.locator("body")).to_contain_text("Priya Patel is the link officer of Alton Infant School")
    _no_usernames(page, people)
    assert LinkOfficerAssignment.objects.get(establishment__urn=ALTON, ends_on__isnull=True).officer == colleague

    # Every school of an area.
    page.get_by_label("Area", exact=True).select_option(label="Test Valley cluster")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Give every school in the Test Valley cluster the same link officer").click()
    expect(heading(page)).to_have_text("One link officer for the Test Valley cluster")
    assert_accessible(page)
    page.get_by_label("Link officer", exact=True).select_option(label="Ola Okafor")
    _dates(page, "1", "9", "2026")
    page.get_by_label("Why the link officer changes").fill("Area caseloads")
    page.get_by_role("button", name="Save the link officer for every school").click()
    expect(page.locator("body")).to_contain_text(
        "Ola Okafor is the link officer of 2 schools in the Test Valley cluster from 1 September 2026."
    )
    assert_accessible(page)
    _no_usernames(page, people)
    assigned = LinkOfficerAssignment.objects.filter(officer=officer, ends_on__isnull=True)
    assert set(assigned.values_list("establishment__urn", flat=True)) == {ANSTEY, BALKSBURY}
