"""Letters issued to a school and CPD places booked, cancelled or moved reach the school's users by e-mail
through a real SMTP server, as well as in the app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from headway.accounts.models import NoticeKind
from headway.accounts.notices import email_choices_save
from headway.concerns.models import Letter
from headway.cpd import services as cpd_services
from headway.visits.models import Notice
from tests.concerns.world import designated
from tests.concerns.world import make_world as make_concern_world
from tests.cpd import TODAY, book, course
from tests.cpd import make_world as make_cpd_world
from tests.notices.conftest import Collector


def test_a_letter_issued_reaches_the_head_and_the_chair(
    db: None, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world = make_concern_world()
    for user, address in ((world.head, "head@alton.test"), (world.chair, "chair@alton.test")):
        user.email = address
        user.save()
    world.other_head.email = "head@anstey.test"
    world.other_head.save()
    with django_capture_on_commit_callbacks(execute=True):
        concern = designated(world)
    letters = list(Letter.objects.filter(concern=concern))
    assert {letter.recipient for letter in letters} == {"headteacher", "chair"}
    [head] = mailbox.to("head@alton.test")
    assert head.subject == "Letter from Hampshire about Alton Infant School"
    assert head.body.startswith("Dear Ann Head,")
    assert "Hampshire has issued letters about Alton Infant School, dated 15 October 2025:" in head.body
    assert "to the headteacher" in head.body and "to the chair of governors" in head.body
    assert "https://headway.hants.example/concerns/schools/115850/plan/" in head.body
    assert len(mailbox.to("chair@alton.test")) == 1
    assert mailbox.to("head@anstey.test") == []
    assert Notice.objects.filter(recipient=world.head, text__contains="has issued a letter").count() == 1


@pytest.fixture
def cpd_world(db: None) -> Any:
    world = make_cpd_world()
    world.head.email, world.head.last_name = "hana@alton.test", "Patel"
    world.head.save()
    world.other_head.email = "head@anstey.test"
    world.other_head.save()
    world.officer.email = "cpd@hants.example"
    world.officer.save()
    return world


def test_a_place_booked_then_cancelled_reaches_the_school(
    cpd_world: Any, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world = cpd_world
    writing = course(world, cost=45)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(world, writing)
    [booked] = mailbox.to("hana@alton.test")
    assert booked.subject == "Place booked: Teaching writing in Key Stage 1, 20 November 2025"
    assert booked.body.startswith("Dear Hana Patel,")
    assert "for Sam Writer (English leader) from Alton Infant School" in booked.body
    assert "on 20 November 2025, 9.30am to 3.30pm, at Hampshire Teachers' Centre, Winchester" in booked.body
    assert "The place costs £45.00." in booked.body
    assert "https://headway.hants.example/cpd/schools/115850/" in booked.body
    assert mailbox.to("head@anstey.test") == [] and mailbox.to("cpd@hants.example") == []

    with django_capture_on_commit_callbacks(execute=True):
        cpd_services.booking_cancel(booking=booking, by=world.head, reason="Off sick", today=TODAY)
    cancelled = mailbox.to("hana@alton.test")[-1]
    assert cancelled.subject == "Place cancelled: Teaching writing in Key Stage 1, 20 November 2025"
    assert "You will not be charged for it." in cancelled.body and "Off sick" in cancelled.body


def test_a_course_moved_reaches_each_school_with_a_place_once(
    cpd_world: Any, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world = cpd_world
    writing = course(world)
    book(world, writing, name="Sam Writer")
    book(world, writing, name="Alex Reader")
    book(world, writing, school=world.near, name="Jo Other")

    def update(**change: Any) -> None:
        values: dict[str, Any] = {
            "title": writing.title,
            "kind": writing.kind,
            "description": writing.description,
            "audiences": writing.audiences,
            "topic_names": writing.topics,
            "provider": world.provider,
            "runs_on": writing.runs_on,
            "venue": writing.venue,
            "places": writing.places,
            "cost": Decimal(0),
            "times": writing.times,
        }
        values.update(change)
        with django_capture_on_commit_callbacks(execute=True):
            cpd_services.course_update(course=writing, by=world.officer, **values)

    update(places=25)  # more places: nothing for the schools
    assert mailbox.all() == []
    update(runs_on=dt.date(2025, 11, 27))
    [moved] = mailbox.to("hana@alton.test")
    assert moved.subject == "Changed: Teaching writing in Key Stage 1, now 27 November 2025"
    assert "Sam Writer, Alex Reader from Alton Infant School are booked on" in moved.body
    assert "It now takes place on 27 November 2025" in moved.body
    assert len(mailbox.to("head@anstey.test")) == 1


def test_a_head_who_turned_bookings_off_is_not_emailed(
    cpd_world: Any, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world = cpd_world
    email_choices_save(user=world.head, email_kinds=[NoticeKind.NOTE_AWAITING], by=world.head)
    with django_capture_on_commit_callbacks(execute=True):
        book(world, course(world))
    assert mailbox.all() == []
    assert Notice.objects.filter(recipient=world.head, text__contains="is booked for Sam Writer").count() == 1
