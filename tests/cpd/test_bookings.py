"""The rules of the offer: courses, places (never more than there are), cancellations, attendance and evaluations;
who may do each; and every change in the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from headway.accounts.audit import history_for
from headway.accounts.models import AuditEvent
from headway.cpd import services
from headway.cpd.models import Booking, Course, Evaluation
from headway.cpd.services import CpdRuleError
from headway.support import services as support_services
from headway.support.models import ProviderKind
from tests.cpd import TODAY, World, book, course, make_world

pytestmark = pytest.mark.django_db

AFTER = dt.date(2025, 11, 21)  # the day after the default course


@pytest.fixture
def world() -> World:
    return make_world()


def counts() -> tuple[int, int, int, int]:
    return Course.objects.count(), Booking.objects.count(), Evaluation.objects.count(), AuditEvent.objects.count()


# Courses ---------------------------------------------------------------------------------------------------------


def test_a_course_is_added_to_the_offer_and_audited(world: World) -> None:
    made = course(world, cost=45)
    assert (made.places, made.cost, made.traded, made.topics) == (20, Decimal(45), True, ["writing"])
    event = history_for(made).get()
    assert (event.verb, event.actor, event.after["cost"], event.after["topics"]) == (
        "cpd course added",
        world.officer,
        "45",
        ["writing"],
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"topics": ()}, "Choose at least one topic"),
        ({"topics": ("knitting",)}, "knitting is not a topic of the offer"),
        ({"places": 0}, "at least 1 place"),
        ({"cost": -1}, "cannot be negative"),
        ({"audiences": ("astronauts",)}, "Choose who the course is for"),
        ({"runs_on": TODAY - dt.timedelta(days=1)}, "The date has passed"),
    ],
)
def test_a_course_is_refused_when_it_breaks_a_rule(world: World, change: dict[str, object], problem: str) -> None:
    before = counts()
    with pytest.raises(CpdRuleError, match=problem):
        course(world, **change)  # type: ignore[arg-type]
    assert counts() == before


def test_a_course_needs_a_provider_of_the_authority_and_its_staff(world: World) -> None:
    elsewhere = support_services.provider_record(
        local_authority=world.other_la,
        name="Barnsley Alliance",
        kind=ProviderKind.EXTERNAL,
        phases=["Primary"],
        specialisms=["writing"],
        capacity_days_per_term=Decimal(5),
        day_rate=Decimal(300),
        by=world.outsider,
    )
    with pytest.raises(CpdRuleError, match="authority's own directory"):
        course(world, provider=elsewhere)
    for person in (world.head, world.board, world.outsider):
        with pytest.raises(CpdRuleError, match="Only the authority's staff"):
            services.course_record(
                local_authority=world.hampshire,
                title="Writing",
                kind="course",
                description="x",
                audiences=["teachers"],
                topic_names=["writing"],
                provider=world.provider,
                runs_on=AFTER,
                venue="Online",
                places=5,
                cost=Decimal(0),
                by=person,
                today=TODAY,
            )
    assert not Course.objects.exists()


def test_a_change_is_audited_with_what_changed_and_cannot_drop_below_the_places_booked(world: World) -> None:
    made = course(world, places=3)
    book(world, made)
    book(world, made, name="Second")
    fields = {
        "title": made.title,
        "kind": made.kind,
        "description": made.description,
        "audiences": made.audiences,
        "topic_names": made.topics,
        "provider": world.provider,
        "runs_on": made.runs_on,
        "venue": made.venue,
        "cost": Decimal(30),
        "times": made.times,
    }
    with pytest.raises(CpdRuleError, match="2 places are already booked"):
        services.course_update(course=made, places=1, by=world.officer, **fields)  # type: ignore[arg-type]
    changed = services.course_update(course=made, places=2, by=world.officer, reason="Smaller room", **fields)  # type: ignore[arg-type]
    assert (changed.places, changed.cost) == (2, Decimal(30))
    event = history_for(made).filter(verb="cpd course changed").get()
    assert (event.before, event.after, event.reason) == (
        {"places": 3, "cost": "0.00"},
        {"places": 2, "cost": "30"},
        "Smaller room",
    )
    # places booked before the price rose keep their price
    assert set(made.bookings.values_list("price", flat=True)) == {Decimal(0)}


# Booking ---------------------------------------------------------------------------------------------------------


def test_the_last_place_is_booked_once_and_then_the_course_is_full(world: World) -> None:
    made = course(world, places=2)
    book(world, made, name="First")
    last = book(world, made, school=world.near, name="Second", by=world.other_head)
    assert last.status == Booking.Status.BOOKED and made.places_left == 0
    before = counts()
    with pytest.raises(CpdRuleError, match="is full: all 2 places are booked"):
        book(world, made, name="Third")
    with pytest.raises(CpdRuleError, match="is full"):
        book(world, made, name="Fourth", by=world.head)
    assert counts() == before
    # a cancellation frees a place for someone else
    services.booking_cancel(booking=last, by=world.other_head, today=TODAY)
    assert book(world, made, name="Third").status == Booking.Status.BOOKED
    assert Booking.objects.filter(course=made, status=Booking.Status.BOOKED).count() == 2


def test_a_booking_is_audited_with_the_price_of_the_place(world: World) -> None:
    made = course(world, cost="45.50")
    booking = book(world, made, by=world.head)
    assert (booking.price, booking.booked_by) == (Decimal("45.50"), world.head)
    event = history_for(booking).get()
    assert (event.verb, event.actor, event.after) == (
        "cpd place booked",
        world.head,
        {
            "course": made.pk,
            "school": world.school.urn,
            "attendee_name": "Sam Writer",
            "attendee_role": "English leader",
            "attendee_email": "",
            "price": "45.50",
            "status": "booked",
            "attendance": "",
        },
    )


def test_a_school_user_books_for_their_own_school_only(world: World) -> None:
    made = course(world)
    before = counts()
    for school in (world.near, world.far):
        with pytest.raises(CpdRuleError, match="only book places for your own school"):
            book(world, made, school=school, by=world.head)
    for person in (world.board, world.outsider):
        with pytest.raises(CpdRuleError, match="only book places for your own school"):
            book(world, made, by=person)
    assert counts() == before
    assert book(world, made, by=world.head).establishment == world.school


def test_no_places_for_another_authoritys_schools_or_closed_schools(world: World) -> None:
    made = course(world)
    with pytest.raises(CpdRuleError, match="only book places for your own school"):
        book(world, made, school=world.other_la_school)  # the Hampshire officer
    world.near.status = "Closed"
    world.near.save()
    with pytest.raises(CpdRuleError, match="is closed"):
        book(world, made, school=world.near)
    assert not Booking.objects.exists()


def test_booking_closes_after_the_day(world: World) -> None:
    made = course(world)
    assert book(world, made, today=made.runs_on).status == Booking.Status.BOOKED  # on the day itself
    with pytest.raises(CpdRuleError, match=r"Booking has closed: .* took place on 20 November 2025"):
        book(world, made, name="Late", today=AFTER)


def test_the_same_person_is_not_booked_twice(world: World) -> None:
    made = course(world)
    book(world, made, name="Sam Writer")
    with pytest.raises(CpdRuleError, match="Sam Writer from Alton Infant School already has a place"):
        book(world, made, name="  sam writer ")
    assert book(world, made, school=world.near, name="Sam Writer").establishment == world.near


def test_name_and_role_are_needed(world: World) -> None:
    with pytest.raises(CpdRuleError) as raised:
        services.booking_make(
            course=course(world), establishment=world.school, attendee_name=" ", attendee_role="", by=world.head
        )
    assert raised.value.problems == [
        "Enter the name of the person attending.",
        "Enter their role, for example English leader.",
    ]


# Cancelling ------------------------------------------------------------------------------------------------------


def test_a_cancellation_is_audited_and_only_before_the_day(world: World) -> None:
    made = course(world)
    booking = book(world, made)
    cancelled = services.booking_cancel(booking=booking, by=world.head, reason="Staff illness", today=TODAY)
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancellation_reason) == (
        "cancelled",
        world.head,
        "Staff illness",
    )
    event = history_for(booking).get(verb="cpd booking cancelled")
    assert (event.actor, event.before, event.after, event.reason) == (
        world.head,
        {"status": "booked"},
        {"status": "cancelled"},
        "Staff illness",
    )
    with pytest.raises(CpdRuleError, match="already cancelled"):
        services.booking_cancel(booking=booking, by=world.head, today=TODAY)
    later = book(world, made, name="Kept")
    with pytest.raises(CpdRuleError, match="cannot be cancelled afterwards"):
        services.booking_cancel(booking=later, by=world.officer, today=AFTER)


def test_only_the_school_or_the_la_cancels(world: World) -> None:
    booking = book(world, course(world))
    before = counts()
    for person in (world.other_head, world.board, world.outsider):
        with pytest.raises(CpdRuleError, match="only cancel your own school's places"):
            services.booking_cancel(booking=booking, by=person, today=TODAY)
    assert counts() == before
    assert services.booking_cancel(booking=booking, by=world.admin, today=TODAY).status == "cancelled"


# Attendance ------------------------------------------------------------------------------------------------------


def test_attendance_from_the_register_is_audited_per_place(world: World) -> None:
    made = course(world)
    came, missed = book(world, made, name="Came"), book(world, made, name="Missed")
    gone = book(world, made, name="Gone")
    services.booking_cancel(booking=gone, by=world.officer, today=TODAY)
    with pytest.raises(CpdRuleError, match="attendance is recorded on the day or after"):
        services.attendance_record(course=made, attended={came.pk}, by=world.officer, today=TODAY)
    changed = services.attendance_record(course=made, attended={came.pk}, by=world.officer, today=made.runs_on)
    assert {b.attendee_name: b.attendance for b in changed} == {"Came": "attended", "Missed": "absent"}
    gone.refresh_from_db()
    assert gone.attendance == ""
    assert history_for(came).get(verb="cpd attendance recorded").after == {"attendance": "attended"}
    # a correction records only what changed
    again = services.attendance_record(course=made, attended={came.pk, missed.pk}, by=world.admin, today=AFTER)
    assert [b.attendee_name for b in again] == ["Missed"]
    event = history_for(missed).filter(verb="cpd attendance recorded").latest("id")
    assert (event.actor, event.before, event.after) == (
        world.admin,
        {"attendance": "absent"},
        {"attendance": "attended"},
    )


def test_attendance_is_for_la_staff_and_the_courses_own_places(world: World) -> None:
    made, other = course(world), course(world, "Another")
    booking, elsewhere = book(world, made), book(world, other)
    for person in (world.head, world.board, world.outsider):
        with pytest.raises(CpdRuleError, match="Only the authority's staff record attendance"):
            services.attendance_record(course=made, attended={booking.pk}, by=person, today=AFTER)
    with pytest.raises(CpdRuleError, match="Only places booked on this course"):
        services.attendance_record(course=made, attended={elsewhere.pk}, by=world.officer, today=AFTER)
    assert not Booking.objects.exclude(attendance="").exists()


# Evaluations -----------------------------------------------------------------------------------------------------


def attended(world: World) -> Booking:
    made = course(world)
    booking = book(world, made)
    services.attendance_record(course=made, attended={booking.pk}, by=world.officer, today=AFTER)
    booking.refresh_from_db()
    return booking


def test_the_attendees_school_evaluates_once(world: World) -> None:
    booking = attended(world)
    evaluation = services.evaluation_record(booking=booking, rating=4, comment="Practical ideas.", by=world.head)
    assert (evaluation.rating, evaluation.get_rating_display(), evaluation.submitted_by) == (4, "Good", world.head)
    event = history_for(evaluation).get()
    assert (event.verb, event.after) == (
        "cpd evaluation recorded",
        {"booking": booking.pk, "rating": 4, "comment": "Practical ideas."},
    )
    with pytest.raises(CpdRuleError, match="has already evaluated"):
        services.evaluation_record(booking=booking, rating=5, comment="Again", by=world.head)
    # once evaluated, the place cannot be marked absent
    with pytest.raises(CpdRuleError, match="cannot be marked absent"):
        services.attendance_record(course=booking.course, attended=set(), by=world.officer, today=AFTER)


def test_an_evaluation_needs_attendance_a_rating_and_comments(world: World) -> None:
    made = course(world)
    absent = book(world, made)
    services.attendance_record(course=made, attended=set(), by=world.officer, today=AFTER)
    absent.refresh_from_db()
    with pytest.raises(CpdRuleError, match="once Sam Writer's attendance is recorded"):
        services.evaluation_record(booking=absent, rating=4, comment="x", by=world.head)
    booking = attended(world)
    with pytest.raises(CpdRuleError, match="Choose a rating from 1"):
        services.evaluation_record(booking=booking, rating=6, comment="x", by=world.head)
    with pytest.raises(CpdRuleError, match="Enter your comments"):
        services.evaluation_record(booking=booking, rating=3, comment="  ", by=world.head)
    assert not Evaluation.objects.exists()


def test_only_the_attendees_school_evaluates(world: World) -> None:
    booking = attended(world)
    for person in (world.officer, world.other_head, world.board, world.outsider):
        with pytest.raises(CpdRuleError, match="Only the attendee's school"):
            services.evaluation_record(booking=booking, rating=1, comment="Hostile", by=person)
    assert not Evaluation.objects.exists()
