"""The pages that wait for background work, in real Chromium with the real database queue and worker
(tests/background.py): the review group pack made as a PDF, and the risk model trained by an LA administrator.
Each page is checked with axe (WCAG 2.2 AA) while it waits and when it shows the result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from headway.accounts.models import User
from headway.concerns import services as concerns
from headway.concerns.models import MeetingPack
from headway.risk.model import saved_models
from headway.schools.models import LocalAuthority
from tests.background import WorkerThread, use_database_queue
from tests.browser.test_pages import assert_accessible, heading, sign_in
from tests.risk.test_risk_model import load_barnsley_walsall

WATCH_MS = 60_000


@pytest.fixture(autouse=True)
def database_queue(settings: Any, tmp_path: Path) -> None:
    use_database_queue(settings)
    settings.VAR_DIR = tmp_path


def test_the_review_group_pack_is_made_while_the_page_waits(page: Page, la_admin: User) -> None:
    held = concerns.meeting_schedule(
        local_authority=LocalAuthority.objects.get(code="850"), held_on=dt.date(2025, 10, 15), by=la_admin
    )
    sign_in(page, la_admin.username)
    page.goto(f"/concerns/meetings/{held.pk}/pack/")
    page.get_by_role("link", name="The pack as a PDF").click()
    expect(heading(page)).to_have_text("The review group pack as a PDF, 15 October 2025")
    assert_accessible(page)
    page.get_by_role("button", name="Make the pack as a PDF").click()

    expect(heading(page)).to_have_text("Making the review group pack")
    expect(page.get_by_role("status")).to_have_text("Waiting for the background worker to start")
    assert_accessible(page)

    with WorkerThread():
        expect(heading(page)).to_have_text("The pack is ready", timeout=WATCH_MS)
    assert MeetingPack.objects.get().status == "ready"
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the pack (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="The review group pack").first.click()
    page.get_by_role("link", name="The pack as a PDF").click()
    expect(page.get_by_role("link", name="Pack made")).to_have_count(1)


def test_an_la_administrator_trains_the_risk_model_while_the_page_waits(page: Page, la_admin: User) -> None:
    load_barnsley_walsall()
    sign_in(page, la_admin.username)
    page.goto("/risk/rounds/")
    page.get_by_role("link", name="Train the risk model").click()
    expect(heading(page)).to_have_text("Train the risk model")
    assert_accessible(page)
    until = page.get_by_role("group", name="Learn from inspections whose outcomes were published by")
    until.get_by_label("Day").fill("31")
    until.get_by_label("Month").fill("8")
    until.get_by_label("Year").fill("2016")
    page.get_by_role("button", name="Start training").click()

    expect(heading(page)).to_have_text("Training the risk model")
    assert_accessible(page)
    with WorkerThread():
        expect(heading(page)).to_have_text("The risk model is trained", timeout=WATCH_MS)
    (model,) = saved_models()
    expect(page.get_by_text(f"The model learnt from {model['training_rows']:,} examples")).to_be_visible()
    assert_accessible(page)
