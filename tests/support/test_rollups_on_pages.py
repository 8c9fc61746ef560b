"""Support hours and cost roll up onto the school page (LA staff only) and into the schools-causing-concern
pack and the board's termly summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from headway.accounts.models import User
from headway.concerns import selectors as concern_selectors
from headway.concerns.models import ReviewGroupMeeting, SchoolCausingConcern
from headway.concerns.policy import concern_policy_named
from headway.support.services import commission_cancel
from tests.helpers import DateBoxesClient
from tests.support import AUTUMN, commission, make_world, provider, school

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def test_the_school_page_shows_support_to_la_staff_only() -> None:
    world = make_world()
    writer = provider(world, "Demo: writing lead", home=world.near)
    commission(world, writer, days=2)  # 2 days = 13 hours at 6.5 hours a day, £800
    cancelled = commission(world, writer, days=1)
    commission_cancel(commission=cancelled, reason="School closed for a week", by=world.officer)

    page = client_for(world.officer).get(f"/schools/{world.school.urn}/support/").content.decode()
    assert "Support and concerns" in page
    assert "1 commission, 2.0 days (13.0 hours), £800.00" in page
    assert f"/support/schools/{world.school.urn}/find/" in page
    assert (
        f"/schools/{world.school.urn}/support/"
        in client_for(world.officer).get(f"/schools/{world.school.urn}/").content.decode()
    )  # offered in the school page's sub-navigation

    for outsider in (world.head, world.board):
        page = client_for(outsider).get(f"/schools/{world.school.urn}/").content.decode()
        assert "Support and concerns" not in page
        assert "£800" not in page
        assert f"/schools/{world.school.urn}/support/" not in page
        assert client_for(outsider).get(f"/schools/{world.school.urn}/support/").status_code == 404


def test_commissioned_support_rolls_up_into_the_agenda_and_the_board_summary() -> None:
    world = make_world()
    concern = SchoolCausingConcern.objects.create(establishment=world.school, designated_on=dt.date(2025, 9, 1))
    writer = provider(world, "Demo: writing lead", home=world.near)
    commission(world, writer, days=2)
    before = commission(world, writer, days=1, period=(dt.date(2025, 6, 1), dt.date(2025, 7, 1)))
    assert before.starts_on < concern.designated_on  # support before designation is not counted

    assert concern_selectors.support_commissioned(concern) == (Decimal("13.00"), Decimal("800.00"))

    meeting = ReviewGroupMeeting.objects.create(
        local_authority=world.hampshire, held_on=dt.date(2025, 10, 20), created_by=world.officer
    )
    agenda = concern_selectors.agenda_for(meeting, concern_policy_named())
    (row,) = agenda["schools"]
    assert (row["commissioned_hours"], row["commissioned_cost"]) == ("13.0", "800.00")

    summary = concern_selectors.board_summary(world.hampshire, term_start=AUTUMN[0], term_end=AUTUMN[1])
    assert summary["commissioned_hours"] == Decimal("13.00")
    assert summary["commissioned_cost"] == Decimal("800.00")
    assert summary["rows"][0]["commissioned_cost"] == Decimal("800.00")

    page = client_for(world.officer).get("/concerns/board/?term=autumn-2025").content.decode()
    assert "13.0, £800.00" in page
    assert school(world.school.urn).name in page


def test_each_milestone_of_the_current_plan_links_to_find_support_for_la_staff_only() -> None:
    from tests.support import plan_with_milestones

    world = make_world()
    plan = plan_with_milestones(world, ["Writing at the expected standard"])
    milestone = plan.milestones.get()
    link = f"/support/schools/{world.school.urn}/find/?milestone={milestone.pk}"
    assert link in client_for(world.officer).get(f"/concerns/schools/{world.school.urn}/plan/").content.decode()
    head_view = client_for(world.head).get(f"/concerns/schools/{world.school.urn}/plan/")
    assert head_view.status_code == 200
    assert link not in head_view.content.decode()
    assert client_for(world.officer).get(link).status_code == 200
