"""Who may open and post to every page of meetings. Every URL of the ``meetings`` namespace must have a rule below:
a new URL without one fails ``test_every_meetings_url_has_an_access_rule``. The people: nobody signed in, a
headteacher of a school of the footprint, a board member of the authority, an officer of another authority, an
adviser and an LA administrator of the authority."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from headway.accounts.models import AuditEvent
from headway.meetings import services
from headway.meetings.models import Meeting, MeetingAction
from headway.meetings.types import meeting_type_named
from tests.meetings.world import Walsall, make_walsall

pytestmark = pytest.mark.django_db

MINUTES = "Confidential: the group discussed Brownhills School's leadership."
PEOPLE = ("anonymous", "head", "board", "outsider", "officer", "admin")

LISTING = {"anonymous": 302, "head": 403, "board": 403, "outsider": 200, "officer": 200, "admin": 200}
THE_LA_S = {"anonymous": 302, "head": 403, "board": 403, "outsider": 404, "officer": 200, "admin": 200}
LA_ONLY = {"anonymous": 302, "head": 404, "board": 404, "outsider": 404, "officer": 200, "admin": 200}
RULES: dict[str, dict[str, int]] = {
    "index": LISTING,  # the outsider sees their own authority's meeting types
    "type": THE_LA_S,
    "meeting": LA_ONLY,
    "action_close": LA_ONLY,
}

POST_DATA = {
    "area": "1",
    "held_on_0": "1",
    "held_on_1": "6",
    "held_on_2": "2026",
    "action": "minutes",
    "attendees": "Somebody",
    "minutes": "Rewritten by someone outside the LA",
    "reason": "Because",
    "description": "An action",
    "owner_name": "Somebody",
    "due_on_0": "1",
    "due_on_1": "7",
    "due_on_2": "2026",
    "status": "dropped",
    "outcome": "Not needed",
    "on_0": "1",
    "on_1": "6",
    "on_2": "2026",
}


@dataclass
class Setting:
    world: Walsall
    meeting: Meeting
    action: MeetingAction


@pytest.fixture
def setting() -> Setting:
    world = make_walsall()
    meeting = services.meeting_schedule(
        meeting_type=meeting_type_named("walsall-progress-review-group"),
        local_authority=world.walsall,
        area=world.north,
        held_on=dt.date(2026, 3, 17),
        by=world.senior,
    )
    services.minutes_record(meeting=meeting, attendees="Asha Khan", minutes=MINUTES, by=world.senior)
    action = services.action_add(
        meeting=meeting, description="Broker support", owner=world.adviser, due_on=dt.date(2026, 5, 1), by=world.senior
    )
    return Setting(world=world, meeting=meeting, action=action)


def patterns() -> dict[str, URLPattern]:
    _prefix, resolver = get_resolver().namespace_dict["meetings"]
    return {p.name: p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def url_for(name: str, setting: Setting) -> str:
    values: dict[str, Any] = {
        "type_name": "walsall-progress-review-group",
        "meeting_id": setting.meeting.pk,
        "action_id": setting.action.pk,
    }
    converters = patterns()[name].pattern.converters  # type: ignore[attr-defined]
    return reverse(f"meetings:{name}", kwargs={key: values[key] for key in converters})


def client_as(person: str, setting: Setting) -> Client:
    world = setting.world
    users = {
        "head": world.head,
        "board": world.board,
        "outsider": world.outsider,
        "officer": world.adviser,
        "admin": world.admin,
    }
    client = Client()
    if person != "anonymous":
        client.force_login(users[person])
    return client


def snapshot() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in apps.get_app_config("meetings").get_models()}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


def test_every_meetings_url_has_an_access_rule() -> None:
    assert set(patterns()) == set(RULES), "give every meetings URL an access rule in RULES"


def test_who_may_open_every_meetings_page(setting: Setting) -> None:
    login = reverse(settings.LOGIN_URL)
    wrong: list[str] = []
    for name, rule in RULES.items():
        url = url_for(name, setting)
        for person in PEOPLE:
            response = client_as(person, setting).get(url)
            expected = rule[person]
            if response.status_code != expected:
                wrong.append(f"{person} GET {url}: {response.status_code}, expected {expected}")
            elif expected == 302 and not response["Location"].startswith(login):
                wrong.append(f"{person} GET {url}: redirected to {response['Location']}, not to sign in")
            if person not in {"officer", "admin"} and MINUTES.encode() in response.content:
                wrong.append(f"{person} GET {url}: shows the minutes")
            if person == "outsider" and b"Brownhills" in response.content:
                wrong.append(f"{person} GET {url}: shows another authority's school")
    assert not wrong, "\n".join(wrong)


def test_posts_by_anyone_outside_the_la_team_change_nothing(setting: Setting) -> None:
    before = snapshot()
    wrong: list[str] = []
    for name in RULES:
        url = url_for(name, setting)
        for person in ("anonymous", "head", "board", "outsider"):
            for action in ("agenda", "minutes", "action"):
                response = client_as(person, setting).post(url, {**POST_DATA, "action": action})
                allowed = {302} if person == "anonymous" else {403, 404, 405}
                if response.status_code not in allowed:
                    wrong.append(f"{person} POST {url} ({action}): {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before
    setting.meeting.refresh_from_db()
    setting.action.refresh_from_db()
    assert setting.meeting.minutes == MINUTES and setting.meeting.agenda_prepared_at is None
    assert setting.action.is_open


def test_the_outsider_sees_only_their_own_authority_s_meetings(setting: Setting) -> None:
    page = client_as("outsider", setting).get(reverse("meetings:index")).content.decode()
    assert "Network meeting" in page and "Progress Review Group" not in page
    assert client_as("outsider", setting).get(reverse("meetings:index") + "?la=335").status_code == 404
