"""A school's page in parts, in a browser: an officer goes through every part from the sub-navigation (the
summary first, then evidence with each measure's trend chart and its table, visits and notes, concern, support
and history), and a headteacher through their own school's; every page passes axe-core's WCAG 2.2 AA rules on a
desktop and at 320 pixels wide, never scrolls sideways, and shows words, not field names, codes or usernames."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from headway.accounts import audit
from headway.imports.models import ImportRun
from headway.performance.models import PublishedFigure, SchoolResult
from tests.browser.test_home_pages import assert_plain_words
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, screenshot, sign_in
from tests.home import World, build_world

OFFICER_PARTS = ["Summary", "Evidence", "Visits and notes", "Concern", "Support", "History"]
HEAD_PARTS = ["Summary", "Evidence", "Visits and notes"]


def figures(world: World) -> None:
    """Three years of reading, writing and maths for Birch and Alder (Birch's 2018 figure withheld), with
    Hampshire's and England's published figures."""
    now = timezone.now()
    run = ImportRun.objects.create(
        kind="performance", file_name="invented", sha256="0" * 64, actor_name="test", started_at=now, finished_at=now
    )
    results = []
    for school, values in ((world.birch, ("58", None, "63")), (world.alder, ("70", "72", "75"))):
        for year, value in zip((2017, 2018, 2019), values, strict=True):
            results.append(
                SchoolResult(
                    urn=school.urn,
                    la_code="850",
                    year=year,
                    measure="ks2.rwm_exp",
                    value=Decimal(value) if value else None,
                    missing_reason="" if value else "SUPP",
                    pupils=30,
                    school_kind="mainstream",
                    source_import=run,
                )
            )
    SchoolResult.objects.bulk_create(results)
    published = []
    for year, la, england in ((2017, "62", "61"), (2018, "64", "64"), (2019, "66", "65")):
        published.append(
            PublishedFigure(
                level=PublishedFigure.Level.LA, area_code="850", year=year, measure="ks2.rwm_exp",
                value=Decimal(la), source=PublishedFigure.Source.PERFORMANCE_TABLES, source_import=run,
            )
        )  # fmt: skip
        published.append(
            PublishedFigure(
                level=PublishedFigure.Level.ENGLAND, area_code="england", year=year, measure="ks2.rwm_exp",
                value=Decimal(england), variant="state-funded", source=PublishedFigure.Source.PERFORMANCE_TABLES,
                source_import=run,
            )
        )  # fmt: skip
    PublishedFigure.objects.bulk_create(published)


@pytest.fixture
def world(transactional_db: None) -> World:
    found = build_world()
    figures(found)
    audit.record(
        actor=found.officer_a,
        verb="establishment.link_officer_assigned",
        target=found.birch,
        reason="New caseloads for the spring term",
    )
    return found


def nav(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Parts of the school page")


def usernames(world: World) -> list[str]:
    return [u.username for u in (world.officer_a, world.officer_b, world.admin_a, world.board_a, world.head_alder)]


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_officer_goes_through_every_part_of_a_schools_page(page: Page, world: World, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, world.officer_a.username)
    page.goto(f"/schools/{world.birch.urn}/")
    expect(heading(page)).to_have_text("Birch Primary School")
    expect(nav(page).get_by_role("link")).to_have_text(OFFICER_PARTS)
    # The summary answers first.
    expect(page.locator("#summary").get_by_role("heading", name="At a glance")).to_be_visible()
    for part in OFFICER_PARTS:
        nav(page).get_by_role("link", name=part, exact=True).click()
        expect(heading(page)).to_have_text("Birch Primary School")
        expect(nav(page).get_by_role("link", name=part, exact=True)).to_have_attribute("aria-current", "page")
        assert_plain_words(page, usernames(world))
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, part
        screenshot(page, "school-page-" + part.lower().replace(" ", "-"))
        main = page.locator("main")
        if part == "Evidence":
            chart = main.locator("svg.hw-trend").first
            expect(chart).to_have_attribute("aria-hidden", "true")
            table = page.get_by_role("table", name=re.compile(r"^Reading, writing and maths: % meeting"))
            expect(table.locator("tbody tr")).to_have_count(3)  # years as rows
            expect(table.locator("thead")).to_contain_text("Hampshire (%)")
            expect(table.locator("tbody tr").nth(1)).to_contain_text("no figure: suppressed")  # never 0
            expect(table.locator("tbody tr").nth(2)).to_contain_text("63%")
        elif part == "Visits and notes":
            expect(main).to_contain_text("Birch overdue visit")
        elif part == "Concern":
            expect(main).to_contain_text("Causing concern (informal warning)")
        elif part == "Support":
            expect(main).to_contain_text("Support commissioned")
        elif part == "History":
            expect(main).to_contain_text("Link officer changed")
            expect(main).to_contain_text("Leadership is new and untested.")


def test_a_headteacher_sees_their_own_schools_parts_only(page: Page, world: World) -> None:
    sign_in(page, world.head_alder.username)
    page.goto(f"/schools/{world.alder.urn}/")
    expect(nav(page).get_by_role("link")).to_have_text(HEAD_PARTS)
    for part in HEAD_PARTS:
        nav(page).get_by_role("link", name=part, exact=True).click()
        expect(heading(page)).to_have_text("Alder Primary School")
        assert_plain_words(page, usernames(world))
        assert_accessible(page)
    response = page.goto(f"/schools/{world.alder.urn}/concern/")
    assert response is not None and response.status == 404
    response = page.goto(f"/schools/{world.birch.urn}/evidence/")
    assert response is not None and response.status == 404


def test_the_parts_work_without_javascript(no_js_page: Page, world: World) -> None:
    page = no_js_page
    sign_in(page, world.officer_a.username)
    page.goto(f"/schools/{world.birch.urn}/")
    nav(page).get_by_role("link", name="Evidence", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/schools/{world.birch.urn}/evidence/$"))
    page.get_by_role("link", name="Performance, attendance and pupils").click()
    expect(page.get_by_role("heading", name="Performance", level=2)).to_be_visible()
