"""The support and partnership pages in a real browser: axe-clean (WCAG 2.2 AA) at desktop width, two of them at
phone width without horizontal scrolling, and an officer commissioning support with JavaScript switched off.

The data is the real Hampshire sample (tests.support.make_world) with the demo's providers, traded service and
commission (Alton Infant School causes concern, so the demo commissions support towards its milestone), plus,
for the partnership pages, generated survey answers and a proposal from the optimiser (2 seconds at most).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from headway.demo import support as demo
from headway.support import partnerships, services
from headway.support.models import Commission, Partnership, Provider
from headway.support.partnership_policy import partnership_policy_named
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, assert_assets_loaded, heading, sign_in
from tests.support import ALTON, World, make_world, plan_with_milestones

YEAR = 2026  # the year of the default partnership policy (partnerships-2026, effective from 1 September 2026)
SOLVER_SECONDS = 2.0


@pytest.fixture
def world(transactional_db: None) -> World:
    """Hampshire with Alton causing concern (one milestone) and the demo's support: six providers, a traded
    service with two subscriptions and one commission for Alton."""
    world = make_world()
    plan_with_milestones(world, ["Writing at the national average"])
    added = demo.demo_support_load(local_authority=world.hampshire, by=world.officer)
    assert any(line.startswith("Commission") for line in added), added
    return world


@pytest.fixture
def partnered(world: World) -> World:
    """The world and the year's proposed partnerships, from generated survey answers."""
    policy = partnership_policy_named()
    partnerships.generate_preferences(local_authority=world.hampshire, start_year=YEAR, policy=policy)
    partnerships.proposal_run(
        local_authority=world.hampshire, start_year=YEAR, policy=policy, by=world.officer, time_limit=SOLVER_SECONDS
    )
    assert Partnership.objects.filter(start_year=YEAR).exists()
    return world


def visit(page: Page, path: str, title: str | re.Pattern[str]) -> None:
    page.goto(path)
    expect(heading(page)).to_have_text(title)


def test_support_pages_meet_wcag_22_aa(page: Page, world: World) -> None:
    commission = Commission.objects.get()
    provider = commission.provider
    # Fill the tables of the provider and commission pages, so that axe checks them too.
    services.conflict_record(provider=provider, establishment=world.near, reason="Governor there", by=world.officer)
    services.delivery_log_record(
        commission=commission, delivered_on=commission.starts_on, days=Decimal(1), notes="Coaching", by=world.officer
    )
    services.impact_evaluation_record(
        commission=commission,
        evaluated_on=commission.starts_on,
        what_changed="Writing is planned better.",
        evidence="Book looks",
        rating=3,
        by=world.officer,
    )
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, world.officer.username)
    pages = [
        ("/support/", "Support providers"),
        (f"/support/providers/{provider.pk}/", provider.name),
        (f"/support/schools/{ALTON}/find/?need=writing", "Find support"),
        ("/support/commissions/", "Commissioned support"),
        (f"/support/commissions/{commission.pk}/", re.compile(r" from Demo: ")),
        ("/support/traded/", "Traded services"),
    ]
    for path, title in pages:
        visit(page, path, title)
        assert_accessible(page)


def test_partnership_pages_meet_wcag_22_aa(page: Page, partnered: World) -> None:
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, partnered.officer.username)
    partnership = Partnership.objects.filter(start_year=YEAR).order_by("name").first()
    assert partnership is not None
    pages = [
        (f"/partnerships/?year={YEAR}", "School-improvement partnerships 2026/27"),
        (f"/partnerships/{partnership.pk}/", partnership.name),
        (f"/partnerships/schools/?year={YEAR}", "Every school and its partnership 2026/27"),
        (f"/partnerships/new/?year={YEAR}", "Form a partnership by hand"),
        (f"/partnerships/map/?year={YEAR}", f"Map of partnerships {YEAR}"),
    ]
    for path, title in pages:
        visit(page, path, title)
        assert_accessible(page)
    map_ = page.get_by_role("img", name=re.compile(r"^Map of \d+ schools"))
    expect(map_).to_be_visible()
    expect(page.get_by_role("table").locator("tbody tr")).not_to_have_count(0)


def test_the_headteacher_answers_an_accessible_survey(page: Page, world: World) -> None:
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, world.head.username)
    visit(page, f"/partnerships/survey/{ALTON}/?year={YEAR}", "School-improvement partnerships 2026/27")
    assert_accessible(page)


@pytest.mark.parametrize("area", ["support", "partnerships"])
def test_support_pages_fit_a_phone(page: Page, partnered: World, area: str) -> None:
    """Wide tables scroll inside their own region (WCAG 1.4.10 Reflow): the page itself does not scroll sideways."""
    partnership = Partnership.objects.filter(start_year=YEAR).order_by("name").first()
    assert partnership is not None
    pages = {
        "support": [
            (f"/support/schools/{ALTON}/find/?need=writing", "Find support"),
            ("/support/traded/", "Traded services"),
        ],
        "partnerships": [
            (f"/partnerships/{partnership.pk}/", partnership.name),
            (f"/partnerships/map/?year={YEAR}", f"Map of partnerships {YEAR}"),
        ],
    }[area]
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(page, partnered.officer.username)
    for path, title in pages:
        visit(page, path, title)
        assert_accessible(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, f"{path} is {width} pixels wide on a {PHONE}-pixel phone"


def test_officer_commissions_support_without_javascript(no_js_page: Page, world: World) -> None:
    page = no_js_page
    provider = Provider.objects.get(name__startswith="Demo: Sam Whitfield")
    sign_in(page, world.officer.username)
    visit(page, f"/support/schools/{ALTON}/commission/?need=writing", "Commission support")
    assert_assets_loaded(page)
    page.get_by_label("Provider", exact=True).select_option(value=str(provider.pk))
    expect(page.get_by_label("Need", exact=True)).to_have_value("writing")
    page.get_by_label("What is commissioned").fill("Coaching the English leader on teaching writing")
    page.get_by_label("Days", exact=True).fill("2")
    page.get_by_role("group", name="Who pays").get_by_label("The LA").check()
    page.get_by_role("button", name="Commission the support").click()

    expect(page).to_have_url(re.compile(r"/support/commissions/\d+/$"))
    expect(heading(page)).to_have_text(f"Writing from {provider.name}")
    expect(page.get_by_text(f"Support from {provider.name} commissioned.")).to_be_visible()
    made = Commission.objects.exclude(description__startswith="Demo:").get()
    assert (made.provider, made.establishment.urn, made.days, made.paid_by) == (provider, ALTON, 2, "la")
    assert made.commissioned_by == world.officer
