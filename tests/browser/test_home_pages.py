"""Each role signs in and lands on their home page: the panels that answer "what needs me now", in words a
headteacher would use (no username, no field name), passing axe-core's WCAG 2.2 AA rules on a desktop and at
320 pixels wide; the school page's summary too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in
from tests.home import World, build_world, causing_concern

#: A snake_case token: a field name or code leaking onto the page.
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.fixture
def world(transactional_db: None) -> World:
    found = build_world()
    causing_concern(found.alder, found.officer_a, found.today)
    return found


def assert_plain_words(page: Page, usernames: list[str]) -> None:
    text = page.locator("main").inner_text()
    for username in usernames:
        assert username not in text, username
    leaked = FIELD_NAME.findall(text)
    assert not leaked, leaked


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_each_role_lands_on_their_home_page(page: Page, world: World, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    usernames = [u.username for u in (world.officer_a, world.officer_b, world.admin_a, world.board_a, world.head_alder)]
    expected = {
        world.officer_a.username: ["My schools", "Visits", "Action plan reviews due", "Next review group meeting"],
        world.admin_a.username: ["Imports: how fresh each source of data is", "Categorisation rounds not yet done"],
        world.head_alder.username: ["Alder Primary School", "Your next visit", "Partnership survey"],
        world.board_a.username: ["Key performance indicators", "Termly summary"],
    }
    for username, headings in expected.items():
        page.context.clear_cookies()
        sign_in(page, username, next_page="")
        expect(page).to_have_url(re.compile(r"/$"))
        expect(heading(page)).to_contain_text("what needs you now")
        for name in headings:
            expect(page.get_by_role("heading", name=name).first).to_be_visible()
        assert_plain_words(page, usernames)
        assert_accessible(page)
        # WCAG 1.4.10 (reflow): the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_headteacher_never_sees_another_school_on_their_home_page(page: Page, world: World) -> None:
    sign_in(page, world.head_alder.username, next_page="")
    main = page.locator("main")
    expect(main).to_contain_text("Alder Primary School")
    expect(main).not_to_contain_text("Birch")
    expect(main).not_to_contain_text("Cedar")
    page.get_by_role("link", name=re.compile("waiting for your response|The note of the visit")).first.click()
    expect(heading(page)).to_be_visible()
    assert "Birch" not in page.locator("main").inner_text()


def test_an_officer_follows_a_panel_to_the_school_and_reads_its_summary(page: Page, world: World) -> None:
    sign_in(page, world.officer_a.username, next_page="")
    page.get_by_role("link", name="Birch Primary School").first.click()
    expect(heading(page)).to_have_text("Birch Primary School")
    summary = page.locator("#summary")
    expect(summary.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(summary).to_contain_text("Category C: intensive support")
    expect(summary).to_contain_text("Causing concern (informal warning)")
    expect(summary).to_contain_text("Olivia Oakley")
    expect(summary).to_contain_text("Inclusion: Emerging")
    expect(summary).to_contain_text("42%")
    assert_plain_words(page, [world.officer_a.username])
    assert_accessible(page)
    # The Headway link in the header goes home.
    page.get_by_role("link", name="Headway").click()
    expect(page).to_have_url(re.compile(r"/$"))
