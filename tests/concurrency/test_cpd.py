"""CPD: places are never overbooked, a course never has fewer places than are booked, a place is cancelled once,
and no evaluation stands beside an absence, when two people act at once (the locks in ``headway.cpd.services``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from headway.accounts.models import AuditEvent
from headway.cpd import services
from headway.cpd.models import Booking, Course, Evaluation
from headway.cpd.services import CpdRuleError
from tests.concurrency.race import one_won, race
from tests.cpd import TODAY, book, course, make_world

pytestmark = pytest.mark.django_db(transaction=True)

AFTER = dt.date(2025, 11, 21)  # the day after the default course


def test_two_bookings_for_the_last_place_never_overbook_the_course() -> None:
    world = make_world()
    on = course(world, places=1)
    first, second = race(lambda: book(world, on, name="Ann Reed"), lambda: book(world, on, name="Ben Reed"))
    one_won(first, second, CpdRuleError)
    assert Booking.objects.filter(course=on, status=Booking.Status.BOOKED).count() == 1


def test_a_course_is_never_made_smaller_than_the_places_booked_while_someone_books() -> None:
    world = make_world()
    on = course(world, places=2)
    book(world, on, name="Ann Reed")

    def shrink() -> Course:
        return services.course_update(
            course=on, title=on.title, kind=on.kind, description=on.description, audiences=on.audiences,
            topic_names=on.topics, provider=world.provider, runs_on=on.runs_on, venue=on.venue, places=1,
            cost=on.cost, by=world.officer, times=on.times,
        )  # fmt: skip

    first, second = race(shrink, lambda: book(world, on, name="Ben Reed"))
    one_won(first, second, CpdRuleError)
    on.refresh_from_db()
    booked = Booking.objects.filter(course=on, status=Booking.Status.BOOKED).count()
    assert booked <= on.places, f"{booked} places booked on a course of {on.places}"


def test_a_booking_never_takes_a_place_the_course_is_being_shrunk_away_from() -> None:
    world = make_world()
    on = course(world, places=2)
    book(world, on, name="Ann Reed")

    def shrink() -> Course:
        return services.course_update(
            course=on, title=on.title, kind=on.kind, description=on.description, audiences=on.audiences,
            topic_names=on.topics, provider=world.provider, runs_on=on.runs_on, venue=on.venue, places=1,
            cost=on.cost, by=world.officer, times=on.times,
        )  # fmt: skip

    first, second = race(lambda: book(world, on, name="Ben Reed"), shrink)
    one_won(first, second, CpdRuleError)
    on.refresh_from_db()
    assert Booking.objects.filter(course=on, status=Booking.Status.BOOKED).count() <= on.places


def test_a_place_cancelled_twice_at_once_is_cancelled_once() -> None:
    world = make_world()
    place = book(world, course(world))
    first, second = race(
        lambda: services.booking_cancel(booking=place, by=world.officer, reason="Ill", today=TODAY),
        lambda: services.booking_cancel(booking=place, by=world.head, reason="Ill", today=TODAY),
    )
    one_won(first, second, CpdRuleError)
    assert AuditEvent.objects.filter(verb="cpd booking cancelled", target_id=str(place.pk)).count() == 1


def _attended() -> tuple[Booking, object]:
    world = make_world()
    place = book(world, course(world))
    Course.objects.filter(pk=place.course_id).update(runs_on=dt.date(2025, 10, 1))
    services.attendance_record(course=place.course, attended={place.pk}, by=world.officer, today=AFTER)
    place.refresh_from_db()
    return place, world


def test_an_evaluation_is_never_recorded_for_someone_being_marked_absent() -> None:
    place, world = _attended()
    first, second = race(
        lambda: services.attendance_record(course=place.course, attended=set(), by=world.officer, today=AFTER),  # type: ignore[attr-defined]
        lambda: services.evaluation_record(booking=place, rating=4, comment="Useful", by=world.head),  # type: ignore[attr-defined]
    )
    one_won(first, second, CpdRuleError)
    place.refresh_from_db()
    assert not (place.attendance == Booking.Attendance.ABSENT and Evaluation.objects.filter(booking=place).exists())


def test_someone_who_is_evaluating_is_never_marked_absent_at_the_same_time() -> None:
    place, world = _attended()
    first, second = race(
        lambda: services.evaluation_record(booking=place, rating=4, comment="Useful", by=world.head),  # type: ignore[attr-defined]
        lambda: services.attendance_record(course=place.course, attended=set(), by=world.officer, today=AFTER),  # type: ignore[attr-defined]
    )
    one_won(first, second, CpdRuleError)
    place.refresh_from_db()
    assert not (place.attendance == Booking.Attendance.ABSENT and Evaluation.objects.filter(booking=place).exists())


def test_an_evaluation_is_recorded_once_when_sent_twice_at_once() -> None:
    place, world = _attended()

    def evaluate() -> Evaluation:
        return services.evaluation_record(booking=place, rating=5, comment="Great", by=world.head)  # type: ignore[attr-defined]

    first, second = race(evaluate, evaluate)
    one_won(first, second, CpdRuleError)
    assert Evaluation.objects.filter(booking=place).count() == 1
    assert Decimal(Evaluation.objects.get(booking=place).rating) == 5
