"""The top of a school's page answers first: latest inspection, category and why, causing concern and its status,
link officer, latest note with its judgements, next visit, predicted risk and what drove it; each only to those
who may see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from headway.home.selectors import school_summary
from tests.factories import InspectionFactory
from tests.home import World, build_world, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    found = build_world()
    InspectionFactory(establishment=found.birch, start_date=dt.date(2023, 3, 7), overall_effectiveness=3)
    return found


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def summary_of(page: str) -> str:
    start = page.index('id="summary"')
    return page[start : page.index("</dl>", start)]


def test_an_officer_sees_every_part_of_the_summary(world: World) -> None:
    page = signed_in(world.officer_a).get(reverse("schools:detail", args=[world.birch.urn])).content.decode()
    summary = summary_of(page)
    assert "7 March 2023" in summary and "Common inspection framework (September 2015)" in summary
    assert "Category C: intensive support" in summary
    assert "Requires improvement at its latest inspection" in summary  # the policy's reason
    assert "Leadership is new and untested." in summary  # the officer's reason
    assert "Causing concern (informal warning)" in summary
    assert reverse("concerns:case", args=[world.birch.urn]) in summary
    assert "Olivia Oakley" in summary  # link officer and lead officer, by full name
    assert "Inclusion: Emerging" in summary  # the latest note's judgement
    assert "None planned" in summary  # Birch's only planned visit is overdue, so there is no next one
    assert "42%" in summary
    assert "Five years since its last inspection (raised the risk)" in summary
    assert "Pupil numbers rising (lowered the risk)" in summary
    assert "A fourth factor nobody should see" not in summary  # the top three only
    assert "olivia.officer" not in summary


def test_the_next_visit_is_shown_with_its_date(world: World) -> None:
    page = signed_in(world.officer_a).get(reverse("schools:detail", args=[world.alder.urn])).content.decode()
    assert long_date(timezone.localdate() + dt.timedelta(days=5)) in summary_of(page)
    assert "Alder autumn visit" in summary_of(page)


def test_a_headteacher_sees_their_category_note_and_visit_but_not_the_las_concern_or_risk(world: World) -> None:
    page = signed_in(world.head_alder).get(reverse("schools:detail", args=[world.alder.urn])).content.decode()
    summary = summary_of(page)
    assert "Category C: intensive support" in summary  # Hampshire shares categories with schools
    assert "Inclusion: Secure" in summary
    assert "Alder autumn visit" in summary
    assert "Olivia Oakley" in summary
    assert "Predicted risk" not in summary and "42%" not in summary
    assert "Causing concern" not in summary


def test_a_headteacher_does_not_see_the_category_when_the_la_does_not_share_it(world: World) -> None:
    from headway.risk.models import CategorisationSetting

    CategorisationSetting.objects.filter(local_authority=world.la_a).update(share_category_with_schools=False)
    page = signed_in(world.head_alder).get(reverse("schools:detail", args=[world.alder.urn])).content.decode()
    assert "Category C" not in summary_of(page)


def test_a_headteacher_cannot_open_another_schools_page_and_a_board_member_sees_no_note_or_visit(world: World) -> None:
    assert signed_in(world.head_alder).get(reverse("schools:detail", args=[world.birch.urn])).status_code == 404
    assert signed_in(world.officer_b).get(reverse("schools:detail", args=[world.birch.urn])).status_code == 404
    page = signed_in(world.board_a).get(reverse("schools:detail", args=[world.birch.urn])).content.decode()
    summary = summary_of(page)
    for hidden in ("Emerging", "Birch overdue visit", "Category C", "42%", "Causing concern"):
        assert hidden not in summary
    assert "Next visit" not in summary


def test_the_summary_is_composed_only_of_what_the_user_may_see(world: World) -> None:
    found = school_summary(world.birch, world.board_a, today=world.today)
    assert not found.shows_category and found.decision is None
    assert not found.shows_concern and found.concern is None
    assert not found.shows_risk and found.risk is None
    assert not found.shows_visits and found.next_visit is None
    assert found.latest_note is None
    staff = school_summary(world.birch, world.officer_a, today=world.today)
    assert staff.concern is not None and staff.risk is not None and staff.latest_note is not None


def test_the_summary_takes_a_fixed_number_of_queries(world: World) -> None:
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            school_summary(world.birch, world.officer_a, today=world.today)
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] < 25, counts
