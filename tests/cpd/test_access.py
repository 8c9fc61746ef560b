"""Who may open and post to every page of the CPD offer.

Every URL of the ``cpd`` namespace must have a rule below: a new URL without one fails
``test_every_cpd_url_has_an_access_rule``. The people: nobody signed in, Alton's head (the booked school), Anstey's
head (another school of the same authority), a board member of the authority, an officer of another authority,
and the authority's officer and administrator.
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
from django.utils import timezone

from headway.accounts.models import AuditEvent, User
from headway.cpd import services
from headway.cpd.models import Booking, Course
from tests.cpd import World, book, course, make_world

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "own_head", "other_head", "board", "outsider", "officer", "admin")

# LA-wide listings say 403 to people who may not see them (the other authority's officer sees their own, empty,
# authority); a course, booking or school that is not theirs says 404, so that nothing is confirmed.
OFFER = {
    "anonymous": 302,
    "own_head": 200,
    "other_head": 200,
    "board": 403,
    "outsider": 200,
    "officer": 200,
    "admin": 200,
}
STAFF_LISTING = {**OFFER, "own_head": 403, "other_head": 403}
REPORT = {**STAFF_LISTING, "board": 200}
COURSE = {**OFFER, "board": 404, "outsider": 404}  # every school of the authority may see and book its courses
COURSE_STAFF = {**COURSE, "own_head": 403, "other_head": 403}  # they may see the course, not change it
BOOKING = {**COURSE, "other_head": 404}  # the booked school's users and the authority's staff
EVALUATION = {**BOOKING, "officer": 403, "admin": 403}  # the attendee's school evaluates

RULES: dict[str, dict[str, int]] = {
    "offer": OFFER,
    "course_new": STAFF_LISTING,
    "course": COURSE,
    "course_edit": COURSE_STAFF,
    "book": COURSE,
    "attendance": COURSE_STAFF,
    "cancel": BOOKING,
    "evaluate": EVALUATION,
    "school": BOOKING,
    "demand": STAFF_LISTING,
    "uptake": REPORT,
    "evaluations": STAFF_LISTING,
}

# What anyone might post to any form: every field, plausibly filled, naming Alton.
POST_DATA = {
    "title": "Rewritten",
    "kind": "course",
    "description": "Hostile",
    "audiences": "teachers",
    "topics": "writing",
    "provider": "1",
    "runs_on_0": "1",
    "runs_on_1": "1",
    "runs_on_2": "2030",
    "venue": "Somewhere",
    "places": "1",
    "cost": "0",
    "school": "115850",
    "attendee_name": "Intruder",
    "attendee_role": "Spy",
    "reason": "Because",
    "attended": "1",
    "rating": "1",
    "comment": "Hostile",
}


@dataclass
class Setting:
    world: World
    course: Course
    booking: Booking


@pytest.fixture
def setting() -> Setting:
    """A course today (so attendance may be recorded) with a place for Alton that was attended."""
    world = make_world()
    today = timezone.localdate()
    made = course(world, runs_on=today, today=today)
    booking = book(world, made, today=today)
    services.attendance_record(course=made, attended={booking.pk}, by=world.officer, today=today)
    return Setting(world=world, course=made, booking=booking)


def patterns() -> dict[str, URLPattern]:
    _prefix, resolver = get_resolver().namespace_dict["cpd"]
    return {p.name: p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def url_for(name: str, setting: Setting) -> str:
    values: dict[str, Any] = {
        "course_id": setting.course.pk,
        "booking_id": setting.booking.pk,
        "urn": setting.world.school.urn,
    }
    converters = patterns()[name].pattern.converters  # type: ignore[attr-defined]
    return reverse(f"cpd:{name}", kwargs={key: values[key] for key in converters})


def user(person: str, world: World) -> User | None:
    return {
        "anonymous": None,
        "own_head": world.head,
        "other_head": world.other_head,
        "board": world.board,
        "outsider": world.outsider,
        "officer": world.officer,
        "admin": world.admin,
    }[person]


def client_as(person: str, world: World) -> Client:
    client = Client()
    signed_in = user(person, world)
    if signed_in is not None:
        client.force_login(signed_in)
    return client


def snapshot() -> dict[str, Any]:
    """Every CPD row as it stands, and the audit trail's size."""
    rows: dict[str, Any] = {
        model.__name__: sorted(model.objects.values_list())  # type: ignore[attr-defined]
        for model in apps.get_app_config("cpd").get_models()
    }
    rows["AuditEvent"] = AuditEvent.objects.count()
    return rows


def test_every_cpd_url_has_an_access_rule() -> None:
    assert set(patterns()) == set(RULES), "give every cpd URL an access rule in RULES"


def test_who_may_open_every_cpd_page(setting: Setting) -> None:
    login = reverse(settings.LOGIN_URL)
    wrong: list[str] = []
    for name, rule in RULES.items():
        url = url_for(name, setting)
        for person in PEOPLE:
            response = client_as(person, setting.world).get(url)
            expected = rule[person]
            if response.status_code != expected:
                wrong.append(f"{person} GET {url}: {response.status_code}, expected {expected}")
            elif expected == 302 and not response["Location"].startswith(login):
                wrong.append(f"{person} GET {url}: redirected to {response['Location']}, not to sign in")
            text = response.content.decode()
            if person in {"outsider", "other_head", "board"} and "Sam Writer" in text:
                wrong.append(f"{person} GET {url}: shows who Alton booked")
    assert not wrong, "\n".join(wrong)


def test_posts_by_people_who_may_not_change_a_page_change_nothing(setting: Setting) -> None:
    """Every page that writes, posted to by everyone who may not use it: refused, and nothing written."""
    allowed_to_post = {
        "course_new": {"officer", "admin"},
        "course_edit": {"officer", "admin"},
        "book": {"own_head", "other_head", "officer", "admin"},
        "attendance": {"officer", "admin"},
        "cancel": {"own_head", "officer", "admin"},
        "evaluate": {"own_head"},
    }
    before = snapshot()
    wrong: list[str] = []
    for name, people in allowed_to_post.items():
        url = url_for(name, setting)
        for person in PEOPLE:
            if person in people or (name == "course_new" and person == "outsider"):
                continue  # the other authority's officer may add to their own offer (tested below)
            response = client_as(person, setting.world).post(url, POST_DATA)
            allowed = {302} if person == "anonymous" else {403, 404, 405}
            if response.status_code not in allowed:
                wrong.append(f"{person} POST {url}: {response.status_code}")
            if person == "anonymous" and not response["Location"].startswith(reverse(settings.LOGIN_URL)):
                wrong.append(f"{person} POST {url}: not sent to sign in")
    for name in ("offer", "course", "school", "demand", "uptake", "evaluations"):
        for person in PEOPLE:
            response = client_as(person, setting.world).post(url_for(name, setting), POST_DATA)
            if response.status_code not in {302, 403, 404, 405}:
                wrong.append(f"{person} POST {url_for(name, setting)}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


def test_the_other_authoritys_officer_adds_to_their_own_offer_only(setting: Setting) -> None:
    world = setting.world
    client = client_as("outsider", world)
    page = client.get(reverse("cpd:course_new")).content.decode()
    assert "Barnsley" in page and "Hampshire English Hub" not in page  # only their own providers
    client.post(reverse("cpd:course_new"), {**POST_DATA, "provider": str(world.provider.pk)})
    assert Course.objects.count() == 1
    assert client.get(reverse("cpd:course", args=[setting.course.pk])).status_code == 404
    assert client.get(reverse("cpd:offer") + "?la=850").status_code == 404


def test_a_superuser_chooses_the_authority(setting: Setting) -> None:
    root: User = User.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(root)
    page = client.get(reverse("cpd:offer") + "?la=850").content.decode()
    assert "Teaching writing in Key Stage 1" in page
    assert "Teaching writing" not in client.get(reverse("cpd:offer") + "?la=370").content.decode()
    assert client.get(reverse("cpd:offer") + "?la=999").status_code == 404
    assert client.get(reverse("cpd:uptake") + "?la=850").status_code == 200


def test_the_heads_of_other_schools_see_the_course_but_not_alton_s_places(setting: Setting) -> None:
    page = client_as("other_head", setting.world).get(reverse("cpd:course", args=[setting.course.pk])).content.decode()
    assert "Teaching writing in Key Stage 1" in page and "Sam Writer" not in page
    assert "No places booked yet." in page
    own = client_as("own_head", setting.world).get(reverse("cpd:course", args=[setting.course.pk])).content.decode()
    assert "Sam Writer" in own and "Evaluations" not in own  # the comments of other schools are the LA's
    officer = client_as("officer", setting.world).get(reverse("cpd:course", args=[setting.course.pk]))
    assert "Evaluations" in officer.content.decode()


def test_a_course_that_has_run_cannot_be_booked_from_its_page(setting: Setting) -> None:
    Course.objects.filter(pk=setting.course.pk).update(runs_on=timezone.localdate() - dt.timedelta(days=1))
    page = client_as("own_head", setting.world).get(reverse("cpd:course", args=[setting.course.pk])).content.decode()
    assert "Book a place" not in page and "booking has closed" in page
