"""Who may open and post to every governance page.

Every URL of the ``governance`` namespace must have a rule below: a new URL without one fails
``test_every_governance_url_has_an_access_rule``. The people: nobody signed in, the school's head (for the trust's
board, the head of its academy), another school's head in the same authority, a board member of the authority,
an officer of another authority and the authority's LA officer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from headway.accounts.models import AuditEvent, User
from headway.governance import services
from headway.governance.models import TrainingAttendance, TrainingSession
from tests.governance.world import World, make_world
from tests.helpers import DateBoxesClient

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "own_head", "other_head", "board", "outsider", "officer")

# Listings of the authority say 403 to people who are not its LA staff (the outsider sees their own, empty,
# authority); a school's board is open to everyone who may see the school, read-only; changes answer 403 to
# those who see the board and 404 to everyone else.
OVERVIEW = {"anonymous": 302, "own_head": 403, "other_head": 403, "board": 200, "outsider": 200, "officer": 200}
LA_LISTING = {"anonymous": 302, "own_head": 403, "other_head": 403, "board": 403, "outsider": 200, "officer": 200}
SEEN_BY_THE_SCHOOL = {
    "anonymous": 302,
    "own_head": 200,
    "other_head": 404,
    "board": 200,
    "outsider": 404,
    "officer": 200,
}
CHANGED_BY_LA_STAFF = {
    "anonymous": 302,
    "own_head": 403,
    "other_head": 404,
    "board": 403,
    "outsider": 404,
    "officer": 200,
}
LA_ONLY = {"anonymous": 302, "own_head": 404, "other_head": 404, "board": 404, "outsider": 404, "officer": 200}

RULES: dict[str, dict[str, int]] = {
    "overview": OVERVIEW,
    "several_boards": LA_LISTING,
    "training": LA_LISTING,
    "school": SEEN_BY_THE_SCHOOL,
    "trust": SEEN_BY_THE_SCHOOL,
    "instrument": CHANGED_BY_LA_STAFF,
    "vice_chair": CHANGED_BY_LA_STAFF,
    "review": CHANGED_BY_LA_STAFF,
    "session": LA_ONLY,
    "attendance_remove": LA_ONLY,
}
TRUST_PAGES = {"trust"}

POST_DATA = {
    "made_on": "01/09/2026",
    "parent": "2",
    "staff": "1",
    "headteacher": "1",
    "local_authority": "1",
    "foundation": "0",
    "partnership": "0",
    "co_opted": "3",
    "vice_chair": "none",
    "reviewed_on": "01/11/2026",
    "reviewed_by": "Someone",
    "outcome": "Rewritten by someone outside the LA",
    "required_by_concerns_policy": "no",
    "title": "A session",
    "held_on": "01/11/2026",
    "led_by": "Someone",
    "board": "1",
    "attendees": "1",
    "reason": "Because",
}
SECRET_OUTCOME = "Confidential: the review found the chair does not challenge the headteacher."


@dataclass
class Setting:
    world: World
    session: TrainingSession
    attendance: TrainingAttendance


@pytest.fixture
def setting() -> Setting:
    world = make_world()
    today = dt.date.today()
    services.review_record(
        establishment=world.school,
        reviewed_on=today,
        reviewed_by="National leader of governance",
        outcome=SECRET_OUTCOME,
        required_by_concerns_policy=True,
        by=world.officer,
        today=today,
    )
    session = services.training_session_record(
        local_authority=world.barnsley, title="Safeguarding", held_on=today, led_by="", by=world.officer
    )
    governor = world.board.appointments.get(gid="700008")  # Mrs Chloe Jones, Oakleigh Road, term to 2027
    (attendance,) = services.attendance_record(session=session, appointments=[governor], by=world.officer, today=today)
    return Setting(world=world, session=session, attendance=attendance)


def governance_patterns() -> dict[str, URLPattern]:
    _prefix, resolver = get_resolver().namespace_dict["governance"]
    return {p.name: p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def url_for(name: str, setting: Setting) -> str:
    values: dict[str, Any] = {
        "urn": setting.world.school.urn,
        "uid": setting.world.trust_board.uid,
        "session_id": setting.session.pk,
        "attendance_id": setting.attendance.pk,
    }
    converters = governance_patterns()[name].pattern.converters  # type: ignore[attr-defined]
    return reverse(f"governance:{name}", kwargs={key: values[key] for key in converters})


def client_as(person: str, setting: Setting, name: str = "") -> Client:
    world = setting.world
    users = {
        "own_head": world.academy_head if name in TRUST_PAGES else world.head,
        "other_head": world.other_head,
        "board": world.board_member,
        "outsider": world.outsider,
        "officer": world.officer,
    }
    client = DateBoxesClient()
    if person != "anonymous":
        client.force_login(users[person])
    return client


def snapshot() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in apps.get_app_config("governance").get_models()}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


def test_every_governance_url_has_an_access_rule() -> None:
    assert set(governance_patterns()) == set(RULES), "give every governance URL an access rule in RULES"


def test_who_may_open_every_governance_page(setting: Setting) -> None:
    login = reverse(settings.LOGIN_URL)
    wrong: list[str] = []
    for name, rule in RULES.items():
        url = url_for(name, setting)
        for person in PEOPLE:
            response = client_as(person, setting, name).get(url)
            expected = rule[person]
            if response.status_code != expected:
                wrong.append(f"{person} GET {url}: {response.status_code}, expected {expected}")
            elif expected == 302 and not response["Location"].startswith(login):
                wrong.append(f"{person} GET {url}: redirected to {response['Location']}, not to sign in")
            # People on several boards names every board they are on, wherever it is (GIAS publishes them all).
            if person == "outsider" and name != "several_boards" and b"Oakleigh Road School" in response.content:
                wrong.append(f"{person} GET {url}: shows another authority's school")
    assert not wrong, "\n".join(wrong)


def test_posts_by_anyone_outside_the_la_team_change_nothing(setting: Setting) -> None:
    before = snapshot()
    wrong: list[str] = []
    for name, rule in RULES.items():
        url = url_for(name, setting)
        for person in PEOPLE:
            if person == "officer" or (name == "training" and rule[person] == 200):
                continue  # the other authority's officer may add a session of their own authority
            response = client_as(person, setting, name).post(url, POST_DATA)
            allowed = {302} if person == "anonymous" else {403, 404, 405}
            if response.status_code not in allowed:
                wrong.append(f"{person} POST {url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


def test_the_school_and_board_members_see_the_board_read_only(setting: Setting) -> None:
    world = setting.world
    url = reverse("governance:school", kwargs={"urn": world.school.urn})
    for person in ("own_head", "board"):
        page = client_as(person, setting).get(url).content.decode()
        assert "Governing board" in page and "Oakleigh Road School" in page
        assert SECRET_OUTCOME in page  # the school's own review
        for change in ("/instrument/", "/vice-chair/", "/reviews/new/"):
            assert change not in page, f"{person} is offered {change}"
    officer_page = client_as("officer", setting).get(url).content.decode()
    for change in ("/instrument/", "/vice-chair/", "/reviews/new/"):
        assert change in officer_page


def test_superusers_choose_the_authority_and_see_every_trust(setting: Setting) -> None:
    superuser: User = User.objects.create_superuser("root", password="x")
    client = DateBoxesClient()
    client.force_login(superuser)
    assert "Oakleigh Road School" in client.get(reverse("governance:overview") + "?la=370").content.decode()
    assert client.get(reverse("governance:overview") + "?la=999").status_code == 404
    assert client.get(reverse("governance:trust", kwargs={"uid": "17999"})).status_code == 200
    officer = client_as("officer", setting)
    assert officer.get(reverse("governance:trust", kwargs={"uid": "17999"})).status_code == 404  # not in the register
    assert officer.get(reverse("governance:trust", kwargs={"uid": "00000"})).status_code == 404
    assert client_as("outsider", setting).get(reverse("governance:overview") + "?la=370").status_code == 404
