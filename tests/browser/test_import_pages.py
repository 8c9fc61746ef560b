"""An LA administrator imports files from the Imports page and watches them finish: real Chromium, the real
database queue and a real worker (``headway db_worker``'s loop in a thread, tests/background.py).

On SQLite the live server's threads and the worker share the in-memory test database's one connection, so the
worker runs only while the test watches (never while a form is being posted)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from headway.accounts.models import User
from headway.imports.models import ImportJob
from headway.performance.models import SchoolResult
from tests.background import WorkerThread, use_database_queue
from tests.browser.test_pages import assert_accessible, heading, sign_in
from tests.factories import LocalAuthorityFactory
from tests.helpers import DEMO_DATA, FIXTURES

KS2 = DEMO_DATA / "performance" / "ks2_2016_850.csv"  # Hampshire's real KS2 table for summer 2017
EARLY_YEARS = FIXTURES / "earlyyears" / "valid" / "childcare_providers_invented.xlsx"
WATCH_MS = 30_000


@pytest.fixture(autouse=True)
def database_queue(settings: Any) -> None:
    use_database_queue(settings)


def choose_and_import(page: Page, kind: str, path: Any, **performance: str) -> None:
    expect(heading(page)).to_have_text("Import a file")
    page.get_by_label("What is the file?").select_option(label=kind)
    page.get_by_label("File", exact=True).set_input_files(path)
    if performance:
        page.get_by_label("Which performance data set").select_option(label=performance["dataset"])
        page.get_by_label("Year of the results").fill(performance["year"])
    page.get_by_role("button", name="Import", exact=True).click()


def test_an_la_administrator_uploads_a_ks2_file_and_an_xlsx_and_watches_them_finish(page: Page, la_admin: User) -> None:
    for code, name in (("302", "Barnet"), ("370", "Barnsley"), ("335", "Walsall")):
        LocalAuthorityFactory(code=code, name=name)
    sign_in(page, la_admin.username)
    page.goto("/imports/")
    choose_and_import(
        page,
        "DfE performance tables (school-level file)",
        KS2,
        dataset="Key stage 2 (end of primary)",
        year="2017",
    )

    # The import waits for the worker: the page says so, with its progress bar.
    expect(page).to_have_url(re.compile(r"/imports/jobs/\d+/$"))
    expect(heading(page)).to_have_text("Importing ks2_2016_850.csv")
    expect(page.get_by_role("status")).to_contain_text("Waiting for the import to start")
    expect(page.get_by_role("status")).to_contain_text("0 rows read, 0 problems so far")
    expect(page.locator("progress")).to_be_visible()
    assert_accessible(page)

    # Leaving the page does not stop it: it is listed on the Imports page, and its page is there to return to.
    page.get_by_role("link", name="Imports").first.click()
    expect(heading(page)).to_have_text("Import a file")
    page.get_by_role("link", name="ks2_2016_850.csv").click()
    expect(heading(page)).to_have_text("Importing ks2_2016_850.csv")

    # The worker starts; the page follows the import by itself and ends on the command's result.
    with WorkerThread():
        expect(heading(page)).to_have_text("ks2_2016_850.csv imported", timeout=WATCH_MS)
    job = ImportJob.objects.get(kind="performance")
    assert job.status == "finished" and job.rows_read == 331 and job.started_by == la_admin
    result = job.result
    assert result is not None
    expect(page.locator(".govuk-panel__body")).to_have_text(
        f"{result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged, "
        f"{result['skipped']} skipped"
    )
    assert result["created"] > 0 and SchoolResult.objects.filter(year=2017, measure__startswith="ks2.").exists()
    expect(page.locator("dl")).to_contain_text("331")
    assert_accessible(page)

    # A workbook keeps its type and imports the same way.
    page.get_by_role("link", name="Import another file").click()
    choose_and_import(
        page, "Ofsted early years providers and inspections (childminders, nurseries, pre-schools)", EARLY_YEARS
    )
    expect(heading(page)).to_have_text("Importing childcare_providers_invented.xlsx")
    with WorkerThread():
        expect(heading(page)).to_have_text("childcare_providers_invented.xlsx imported", timeout=WATCH_MS)
    workbook = ImportJob.objects.get(kind="early-years")
    assert workbook.status == "finished" and workbook.rows_read == 16 and workbook.result is not None
    expect(page.locator(".govuk-panel__body")).to_have_text(
        f"{workbook.result['created']} created, {workbook.result['updated']} updated, "
        f"{workbook.result['unchanged']} unchanged, {workbook.result['skipped']} skipped"
    )
    for notice in workbook.result["notices"]:
        expect(page.get_by_text(notice)).to_be_visible()


def test_the_same_file_twice_is_refused_on_the_page(page: Page, la_admin: User) -> None:
    sign_in(page, la_admin.username)
    for _ in range(2):
        page.goto("/imports/")
        choose_and_import(
            page, "DfE performance tables (school-level file)", KS2, dataset="Key stage 2 (end of primary)", year="2017"
        )
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-message")).to_contain_text("ks2_2016_850.csv is already being imported")
    assert_accessible(page)
    assert ImportJob.objects.count() == 1


def test_without_javascript_the_page_reloads_itself_until_the_import_ends(no_js_page: Page, la_admin: User) -> None:
    page = no_js_page
    sign_in(page, la_admin.username)
    page.goto("/imports/")
    choose_and_import(
        page, "DfE performance tables (school-level file)", KS2, dataset="Key stage 2 (end of primary)", year="2017"
    )
    expect(heading(page)).to_have_text("Importing ks2_2016_850.csv")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    with WorkerThread():
        expect(heading(page)).to_have_text("ks2_2016_850.csv imported", timeout=WATCH_MS)
