"""Ending a statutory power of intervention from its page: the date and the reason, recorded and audited; LA
staff of the school's authority only (404 for everyone else)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import AuditEvent, User
from headway.concerns import services
from headway.concerns.models import StatutoryPower
from tests.concerns.world import World, designated, make_world
from tests.helpers import DateBoxesClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def client_for(user: User) -> Client:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def a_power(world: World) -> StatutoryPower:
    concern = designated(world)
    return StatutoryPower.objects.create(
        concern=concern,
        power="interim_executive_board",
        power_label="Appoint an interim executive board (section 65)",
        decided_on=dt.date(2026, 1, 5),
        starts_on=dt.date(2026, 1, 19),
        recorded_by=world.head_of_service,
    )


def test_an_officer_ends_a_power_with_its_date_and_reason(world: World) -> None:
    power = a_power(world)
    client = client_for(world.officer)
    case = client.get(reverse("concerns:case", args=[world.school.urn])).content.decode()
    assert reverse("concerns:power_end", args=[power.pk]) in case and "End this power" in case
    page = client.get(reverse("concerns:power_end", args=[power.pk])).content.decode()
    assert "End a statutory power" in page and "19 January 2026" in page
    response = client.post(
        reverse("concerns:power_end", args=[power.pk]),
        {"ends_on": "31/07/2026", "reason": "A new governing body is in place."},
    )
    assert response.status_code == 302
    power.refresh_from_db()
    assert power.ends_on == dt.date(2026, 7, 31)
    event = AuditEvent.objects.get(verb="statutory power ended")
    assert event.actor == world.officer and event.reason == "A new governing body is in place."
    assert event.target_id == str(power.pk) and event.after == {"ends_on": "2026-07-31"}
    case = client.get(reverse("concerns:case", args=[world.school.urn])).content.decode()
    assert "to 31 July 2026" in case and "End this power" not in case
    assert "(ended because: A new governing body is in place.)" in case
    assert power.end_reason == "A new governing body is in place."


def test_bad_input_is_shown_and_nothing_is_recorded(world: World) -> None:
    power = a_power(world)
    client = client_for(world.officer)
    response = client.post(reverse("concerns:power_end", args=[power.pk]), {"ends_on": "01/01/2026", "reason": " "})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    response = client.post(reverse("concerns:power_end", args=[power.pk]), {"ends_on": "01/01/2026", "reason": "x"})
    assert "cannot end before it started on 19 January 2026" in response.content.decode()
    power.refresh_from_db()
    assert power.ends_on is None
    assert not AuditEvent.objects.filter(verb="statutory power ended").exists()


def test_the_service_reports_every_problem_at_once(world: World) -> None:
    power = a_power(world)
    with pytest.raises(services.ConcernRuleError) as refused:
        services.power_end(power=power, ends_on=dt.date(2026, 1, 1), reason="", by=world.officer)
    assert len(refused.value.problems) == 2


def test_only_la_staff_of_the_authority_may_end_a_power(world: World) -> None:
    power = a_power(world)
    url = reverse("concerns:power_end", args=[power.pk])
    data = {"ends_on": "31/07/2026", "reason": "Ended."}
    for user in (world.outsider, world.head, world.board):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    power.refresh_from_db()
    assert power.ends_on is None
