"""Notices about CPD places: a place booked, cancelled, or its course moved (a new date, time or venue). The
school's users are told, whoever did it. Sending goes through ``headway.accounts.notices.notify``; each is
called inside the service's transaction, so the e-mails go once it commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from headway.accounts.models import NoticeKind
from headway.accounts.notices import long_date, notify, school_users
from headway.cpd.models import Booking, Course


def _when_and_where(course: Course) -> str:
    times = f", {course.times}" if course.times else ""
    return f"on {long_date(course.runs_on)}{times}, at {course.venue}"


def _price(booking: Booking) -> str:
    return f"The place costs £{booking.price:,.2f}." if booking.price > 0 else "The place is free."


def booking_made(booking: Booking) -> None:
    course, school = booking.course, booking.establishment
    text = f"A place on {course.title} ({long_date(course.runs_on)}) is booked for {booking.attendee_name}."
    body = (
        f"A place on {course.title} is booked for {booking.attendee_name} ({booking.attendee_role}) from "
        f"{school.name}.\n\nIt takes place {_when_and_where(course)}. {_price(booking)}\n\n"
        "If they cannot go, please cancel the place in Headway so that another school can have it."
    )
    for user in school_users(school.pk):
        notify(
            recipient=user,
            kind=NoticeKind.BOOKING,
            text=text,
            link=reverse("cpd:school", args=[school.urn]),
            email_subject=f"Place booked: {course.title}, {long_date(course.runs_on)}",
            email_body=body,
        )


def booking_cancelled(booking: Booking) -> None:
    course, school = booking.course, booking.establishment
    text = f"{booking.attendee_name}'s place on {course.title} ({long_date(course.runs_on)}) is cancelled."
    reason = f"\n\nThe reason given: {booking.cancellation_reason}" if booking.cancellation_reason else ""
    charge = " You will not be charged for it." if booking.price > 0 else ""
    body = (
        f"The place on {course.title} {_when_and_where(course)} for {booking.attendee_name} from {school.name} "
        f"has been cancelled.{charge}{reason}"
    )
    for user in school_users(school.pk):
        notify(
            recipient=user,
            kind=NoticeKind.BOOKING,
            text=text,
            link=reverse("cpd:school", args=[school.urn]),
            email_subject=f"Place cancelled: {course.title}, {long_date(course.runs_on)}",
            email_body=body,
        )


def course_moved(course: Course, before: Mapping[str, Any]) -> None:
    """When a course's date, time or venue changes, tells the users of each school with a place on it."""
    if all(before.get(name) == getattr(course, name) for name in ("runs_on", "times", "venue")):
        return
    bookings = list(course.bookings.filter(status=Booking.Status.BOOKED).select_related("establishment").order_by("id"))
    by_school: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_school.setdefault(booking.establishment_id, []).append(booking)
    for school_id, places in by_school.items():
        school = places[0].establishment
        names = ", ".join(booking.attendee_name for booking in places)
        text = f"{course.title} has moved: it now takes place {_when_and_where(course)}."
        body = (
            f"{course.title}, which {names} from {school.name} {'is' if len(places) == 1 else 'are'} booked on, "
            f"has changed. It now takes place {_when_and_where(course)}.\n\n"
            "If the new arrangements do not suit, please cancel the place in Headway."
        )
        for user in school_users(school_id):
            notify(
                recipient=user,
                kind=NoticeKind.BOOKING,
                text=text,
                link=reverse("cpd:school", args=[school.urn]),
                email_subject=f"Changed: {course.title}, now {long_date(course.runs_on)}",
                email_body=body,
            )
