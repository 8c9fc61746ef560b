"""Headway as a new user meets it: real headless Chromium, the real sign-in form, the real sample data, and
axe-core's WCAG 2.2 AA rules on every main page.

HEADWAY_SCREENSHOTS=1 also saves full-page screenshots of the school list and a school profile to
/tmp/headway-screens/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from headway.accounts.models import User
from tests.helpers import FIXTURES

PASSWORD = "correct-horse-battery"  # every tests.factories.UserFactory user
SCREENSHOTS = Path("/tmp/headway-screens")  # noqa: S108 - for people to look at, never read back
DESKTOP, PHONE = 1280, 320  # viewport widths in CSS pixels; 320 is WCAG 1.4.10's reflow width
GIAS_LABEL = "Get Information About Schools extract (edubasealldata)"
VALID_GIAS = FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"
INVALID_GIAS = FIXTURES / "gias" / "invalid" / "bad_values_in_two_rows.csv"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}


# Helpers -----------------------------------------------------------------------------------------------------


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def school_rows(page: Page) -> Locator:
    return page.get_by_role("table", name="Schools matching the filters").locator("tbody tr")


def assert_assets_loaded(page: Page) -> None:
    """The stylesheet, scripts and images were all served: a page without its CSS is not the page users see."""
    page.wait_for_load_state("load")
    broken = page.broken_assets  # type: ignore[attr-defined]
    assert not broken, (
        f"static files not served on {page.url}: {sorted(set(broken))}. Did scripts/build-frontend run, and do "
        "Django's staticfiles finders find src/headway/static/?"
    )


def sign_in(page: Page, username: str, password: str = PASSWORD, next_page: str = "/schools/") -> None:
    """Sign in from the sign-in page, going on to ``next_page`` (the school list; "" for the home page, where
    signing in lands by itself)."""
    page.goto("/accounts/sign-in/" + (f"?next={next_page}" if next_page else ""))
    expect(heading(page)).to_have_text("Sign in to Headway")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def upload(page: Page, path: Path) -> None:
    expect(heading(page)).to_have_text("Import a file")
    page.get_by_label("What is the file?").select_option(label=GIAS_LABEL)
    page.get_by_label("File", exact=True).set_input_files(path)
    page.get_by_role("button", name="Import", exact=True).click()


def screenshot(page: Page, name: str) -> None:
    """A full-page PNG, 1280 pixels wide, for people to look at (only with HEADWAY_SCREENSHOTS=1)."""
    if os.environ.get("HEADWAY_SCREENSHOTS") != "1" or (page.viewport_size or {}).get("width") != DESKTOP:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {' > '.join(map(str, node['target']))}")
            lines.append(f"        {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("        " + node["failureSummary"].replace("\n", "\n        "))
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    # axe runs as JavaScript: in a context with JavaScript switched off its promise never settles and the
    # test would hang, so say so at once instead.
    assert not getattr(page, "javascript_disabled", False), "axe cannot run on a page with JavaScript disabled"
    assert_assets_loaded(page)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"axe WCAG 2.2 AA violations on {page.url}:\n{describe(violations)}"


# a. A headteacher sees their own school only -----------------------------------------------------------------


def test_headteacher_signs_in_sees_only_their_school_and_signs_out(page: Page, headteacher: User) -> None:
    sign_in(page, headteacher.username)
    expect(page).to_have_url(re.compile(r"/schools/$"))
    expect(heading(page)).to_have_text("Schools")
    expect(page.get_by_text("Signed in as head.alton")).to_be_visible()
    assert_assets_loaded(page)
    expect(page.get_by_role("status")).to_have_text("1 school found.")
    rows = school_rows(page)
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link")).to_have_text("Alton Infant School")
    expect(page.get_by_role("link", name="Imports")).to_have_count(0)

    rows.get_by_role("link", name="Alton Infant School").click()
    expect(page).to_have_url(re.compile(r"/schools/115850/$"))
    expect(heading(page)).to_have_text("Alton Infant School")
    page.get_by_role("navigation", name="Parts of the school page").get_by_role("link", name="Evidence").click()
    expect(page).to_have_url(re.compile(r"/schools/115850/evidence/$"))
    expect(page.get_by_role("heading", name="Inspection history", level=2)).to_be_visible()
    inspections = page.get_by_role("table", name="Inspections of Alton Infant School, latest first")
    expect(inspections.locator("tbody tr").first).to_contain_text("23 January 2019")

    response = page.goto("/schools/115851/")  # Anstey Junior School, same authority, not theirs
    assert response is not None and response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    expect(page.get_by_text("Anstey")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/schools/115850/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/schools/115850/$"))


# b. A wrong password -----------------------------------------------------------------------------------------


def test_wrong_password_shows_the_error_summary(page: Page, headteacher: User) -> None:
    sign_in(page, headteacher.username, "not-the-password", next_page="")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/$"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text("correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_label("Username", exact=True)).to_have_value(headteacher.username)


# c. An LA administrator filters the list and imports files ---------------------------------------------------


def test_la_admin_filters_the_list_and_imports_files(page: Page, la_admin: User) -> None:
    la_admin.first_name, la_admin.last_name = "Ada", "Lovelace"
    la_admin.save(update_fields=["first_name", "last_name"])
    sign_in(page, la_admin.username)
    expect(page.get_by_role("status")).to_have_text("16 schools found.")  # the open ones of 18
    rows = school_rows(page)
    expect(rows).to_have_count(16)

    page.get_by_label("Maintained or academy").select_option(label="Academy or free school")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]governance=academy(&|$)"))
    expect(page.get_by_label("Maintained or academy")).to_have_value("academy")
    expect(page.get_by_role("status")).to_have_text("3 schools found.")
    kinds = rows.locator("td:nth-child(2)").all_inner_texts()
    assert len(kinds) == 3
    assert all(kind.endswith("(Academy or free school)") for kind in kinds), kinds

    page.get_by_role("link", name="Imports").click()
    upload(page, INVALID_GIAS)
    expect(heading(page)).to_have_text("bad_values_in_two_rows.csv was not imported")
    expect(page.get_by_role("heading", name="Problems", level=2)).to_be_visible()
    problems = page.locator("h2:text-is('Problems') + ul > li")
    expect(problems).to_have_text(
        [
            "bad_values_in_two_rows.csv:3:PercentageFSM: 'lots' is not a number",
            re.compile(r"^bad_values_in_two_rows\.csv:5:OpenDate: '31-02-2020' is not a date"),
        ]
    )

    page.get_by_role("link", name="Import another file").click()
    upload(page, VALID_GIAS)
    expect(heading(page)).to_have_text("hampshire_extract_sample.csv imported")
    expect(page.locator(".govuk-panel__body")).to_have_text("0 created, 0 updated, 18 unchanged, 0 skipped")

    page.get_by_role("link", name="Import another file").click()
    recent = page.get_by_role("table", name="The 20 most recent imports").locator("tbody tr")
    expect(recent.first).to_contain_text("hampshire_extract_sample.csv")
    expect(recent.first).to_contain_text("Ada Lovelace")  # the person's name, not their username
    expect(recent.first).not_to_contain_text("admin.hampshire")


# d. axe-core, WCAG 2.2 AA ------------------------------------------------------------------------------------


def _sign_in_page(page: Page, user: User) -> None:
    page.goto("/accounts/sign-in/")


def _sign_in_error(page: Page, user: User) -> None:
    sign_in(page, user.username, "not-the-password")
    expect(page.get_by_text("There is a problem")).to_be_visible()


def _school_list(page: Page, user: User) -> None:
    sign_in(page, user.username)
    expect(school_rows(page)).to_have_count(16)
    screenshot(page, "school-list")


def _profile(urn: int, name: str) -> Callable[[Page, User], None]:
    def visit(page: Page, user: User) -> None:
        sign_in(page, user.username)
        expect(heading(page)).to_have_text("Schools")
        page.goto(f"/schools/{urn}/")
        expect(heading(page)).to_have_text(name)
        if urn == 115850:
            screenshot(page, "school-profile-115850-alton-infant")

    return visit


def _imports(page: Page, user: User) -> None:
    sign_in(page, user.username)
    expect(heading(page)).to_have_text("Schools")
    page.goto("/imports/")  # on a phone the navigation is behind the Menu button
    expect(heading(page)).to_have_text("Import a file")
    expect(page.get_by_role("table", name="The 20 most recent imports")).to_be_visible()


def _import_rejected(page: Page, user: User) -> None:
    _imports(page, user)
    upload(page, INVALID_GIAS)
    expect(heading(page)).to_have_text("bad_values_in_two_rows.csv was not imported")


def _import_accepted(page: Page, user: User) -> None:
    _imports(page, user)
    upload(page, VALID_GIAS)
    expect(heading(page)).to_have_text("hampshire_extract_sample.csv imported")


@pytest.mark.parametrize(
    "visit",
    [
        pytest.param(_sign_in_page, id="sign-in"),
        pytest.param(_sign_in_error, id="sign-in-error"),
        pytest.param(_school_list, id="school-list"),
        pytest.param(_profile(115850, "Alton Infant School"), id="profile-115850"),
        pytest.param(_profile(116018, "Weyford Nursery and Primary School"), id="profile-116018"),
        pytest.param(_imports, id="imports"),
        pytest.param(_import_rejected, id="import-rejected"),
        pytest.param(_import_accepted, id="import-accepted"),
    ],
)
@pytest.mark.parametrize("width", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_pages_meet_wcag_22_aa(page: Page, la_admin: User, visit: Callable[[Page, User], None], width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    visit(page, la_admin)
    assert_accessible(page)
    # WCAG 1.4.10 (reflow), which axe cannot check: the page itself never scrolls sideways; wide tables
    # scroll inside their own container.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# e. Without JavaScript ---------------------------------------------------------------------------------------


def test_pages_work_without_javascript(no_js_page: Page, la_admin: User) -> None:
    page = no_js_page
    sign_in(page, la_admin.username)
    expect(page).to_have_url(re.compile(r"/schools/$"))
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))  # the inline script did not run
    assert_assets_loaded(page)

    page.get_by_label("Maintained or academy").select_option(label="Academy or free school")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text("3 schools found.")
    rows = school_rows(page)
    expect(rows).to_have_count(3)

    rows.get_by_role("link", name="The Priory Primary School").click()
    expect(page).to_have_url(re.compile(r"/schools/136447/$"))
    expect(heading(page)).to_have_text("The Priory Primary School")
    page.get_by_role("navigation", name="Parts of the school page").get_by_role("link", name="Evidence").click()
    expect(page.get_by_role("heading", name="Inspection history", level=2)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/$"))
