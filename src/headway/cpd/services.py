"""Everything that changes the CPD offer: courses, bookings and their cancellation, attendance and
evaluations. Each function checks who is acting and the rules, writes in one transaction and records who,
when, what changed and why through the audit service. A rule broken raises ``CpdRuleError`` with a message in
the users' words, which the pages show as a form error.

Places are never overbooked: a booking locks its course's row (``select_for_update``) and counts the places
taken inside the same transaction, so two schools asking for the last place at once get it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import User
from headway.accounts.notices import long_date
from headway.cpd import notices
from headway.cpd import permissions as cpd_permissions
from headway.cpd.models import Audience, Booking, Course, CourseKind, Evaluation, Rating
from headway.cpd.needs import topics
from headway.refusals import RuleRefused
from headway.schools.models import Establishment, LocalAuthority
from headway.support.models import Provider


class CpdRuleError(RuleRefused):
    """The record asked for breaks a rule; the message says which, in the users' words."""


def _clean_list(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    cleaned: list[str] = []
    for value in values:
        text = str(value).strip()
        if text and text not in seen:
            seen.add(text)
            cleaned.append(text)
    return cleaned


def places_taken(course: Course) -> int:
    return course.bookings.filter(status=Booking.Status.BOOKED).count()


# Courses ---------------------------------------------------------------------------------------------------------


def course_state(course: Course) -> dict[str, Any]:
    return {
        "title": course.title,
        "kind": course.kind,
        "description": course.description,
        "audiences": list(course.audiences),
        "topics": list(course.topics),
        "provider": course.provider_id,
        "runs_on": course.runs_on,
        "times": course.times,
        "venue": course.venue,
        "places": course.places,
        "cost": course.cost,
    }


def _check_course(
    *,
    local_authority: LocalAuthority,
    title: str,
    kind: str,
    description: str,
    audiences: list[str],
    topic_names: list[str],
    provider: Provider,
    venue: str,
    places: int,
    cost: Decimal,
) -> None:
    problems: list[str] = []
    if not title.strip():
        problems.append("Enter the title.")
    if kind not in CourseKind.values:
        problems.append("Choose whether it is a course, a network meeting or a briefing.")
    if not description.strip():
        problems.append("Say what the course covers.")
    if not audiences or any(a not in Audience.values for a in audiences):
        problems.append("Choose who the course is for.")
    known = set(topics().names)
    unknown = [t for t in topic_names if t not in known]
    if not topic_names:
        problems.append("Choose at least one topic, so that the course can be suggested to schools that need it.")
    elif unknown:
        problems.append(f"{', '.join(unknown)} is not a topic of the offer.")
    if provider.local_authority_id != local_authority.pk:
        problems.append("Choose a provider from the authority's own directory.")
    if not venue.strip():
        problems.append("Enter where it takes place (or 'Online').")
    if places < 1:
        problems.append("A course needs at least 1 place.")
    if cost < 0:
        problems.append("The cost of a place cannot be negative. Enter 0 if it is free.")
    if problems:
        raise CpdRuleError(*problems)


def course_record(
    *,
    local_authority: LocalAuthority,
    title: str,
    kind: str,
    description: str,
    audiences: Iterable[str],
    topic_names: Iterable[str],
    provider: Provider,
    runs_on: dt.date,
    venue: str,
    places: int,
    cost: Decimal,
    by: User,
    times: str = "",
    today: dt.date | None = None,
) -> Course:
    """Adds a course, network meeting or briefing to the authority's offer."""
    if not cpd_permissions.can_manage_cpd(by, local_authority):
        raise CpdRuleError("Only the authority's staff can add to its CPD offer.")
    audience_list, topic_list = _clean_list(audiences), _clean_list(topic_names)
    _check_course(
        local_authority=local_authority,
        title=title,
        kind=kind,
        description=description,
        audiences=audience_list,
        topic_names=topic_list,
        provider=provider,
        venue=venue,
        places=places,
        cost=cost,
    )
    if not provider.active:
        raise CpdRuleError(f"{provider.name} is not an active provider in the directory.")
    if runs_on < (today or timezone.localdate()):
        raise CpdRuleError("The date has passed: a new course must be today or later.")
    with transaction.atomic():
        course = Course.objects.create(
            local_authority=local_authority,
            title=title.strip(),
            kind=kind,
            description=description.strip(),
            audiences=audience_list,
            topics=topic_list,
            provider=provider,
            runs_on=runs_on,
            times=times.strip(),
            venue=venue.strip(),
            places=places,
            cost=cost,
            created_by=by,
        )
        audit.record(actor=by, verb="cpd course added", target=course, after=course_state(course))
    return course


def course_update(
    *,
    course: Course,
    title: str,
    kind: str,
    description: str,
    audiences: Iterable[str],
    topic_names: Iterable[str],
    provider: Provider,
    runs_on: dt.date,
    venue: str,
    places: int,
    cost: Decimal,
    by: User,
    times: str = "",
    reason: str = "",
) -> Course:
    """Changes a course. Places cannot go below the places already booked; a new price applies to places booked
    from now on (places already booked keep the price they were booked at)."""
    if not cpd_permissions.can_manage_cpd(by, course.local_authority):
        raise CpdRuleError("Only the authority's staff can change its CPD offer.")
    audience_list, topic_list = _clean_list(audiences), _clean_list(topic_names)
    _check_course(
        local_authority=course.local_authority,
        title=title,
        kind=kind,
        description=description,
        audiences=audience_list,
        topic_names=topic_list,
        provider=provider,
        venue=venue,
        places=places,
        cost=cost,
    )
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        taken = places_taken(locked)
        if places < taken:
            raise CpdRuleError(
                f"{taken} places are already booked: the course cannot have fewer places than that. "
                "Cancel bookings first if it must be smaller."
            )
        before = course_state(locked)
        locked.title, locked.kind, locked.description = title.strip(), kind, description.strip()
        locked.audiences, locked.topics, locked.provider = audience_list, topic_list, provider
        locked.runs_on, locked.times, locked.venue = runs_on, times.strip(), venue.strip()
        locked.places, locked.cost = places, cost
        locked.save()
        old, new = audit.changes(before, course_state(locked))
        if new:
            audit.record(actor=by, verb="cpd course changed", target=locked, before=old, after=new, reason=reason)
        notices.course_moved(locked, before)
    return locked


# Bookings --------------------------------------------------------------------------------------------------------


def booking_state(booking: Booking) -> dict[str, Any]:
    return {
        "course": booking.course_id,
        "school": booking.establishment.urn,
        "attendee_name": booking.attendee_name,
        "attendee_role": booking.attendee_role,
        "attendee_email": booking.attendee_email,
        "price": booking.price,
        "status": booking.status,
        "attendance": booking.attendance,
    }


def booking_make(
    *,
    course: Course,
    establishment: Establishment,
    attendee_name: str,
    attendee_role: str,
    by: User,
    attendee_email: str = "",
    today: dt.date | None = None,
) -> Booking:
    """Books one place on the course for a named person from the school: LA staff for any school of the
    authority, a school's users for their own school only. Refused when the course is full or has run, or the
    person already has a place on it."""
    if not cpd_permissions.can_book_for(by, establishment):
        raise CpdRuleError("You can only book places for your own school.")
    if establishment.local_authority_id != course.local_authority_id:
        raise CpdRuleError(f"{course.title} is offered to {course.local_authority.name}'s schools only.")
    if not establishment.is_open:
        raise CpdRuleError(f"{establishment.name} is closed.")
    name, role = attendee_name.strip(), attendee_role.strip()
    if not name or not role:
        raise CpdRuleError(
            *(["Enter the name of the person attending."] if not name else []),
            *(["Enter their role, for example English leader."] if not role else []),
        )
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.runs_on < today:
            raise CpdRuleError(f"Booking has closed: {locked.title} took place on {long_date(locked.runs_on)}.")
        active = locked.bookings.filter(status=Booking.Status.BOOKED)
        if active.count() >= locked.places:
            raise CpdRuleError(f"{locked.title} is full: all {locked.places} places are booked.")
        same = active.filter(establishment=establishment, attendee_name__iexact=name).first()
        if same is not None:
            raise CpdRuleError(f"{same.attendee_name} from {establishment.name} already has a place on {locked.title}.")
        booking = Booking.objects.create(
            course=locked,
            establishment=establishment,
            attendee_name=name,
            attendee_role=role,
            attendee_email=attendee_email.strip(),
            price=locked.cost,
            booked_by=by,
        )
        audit.record(actor=by, verb="cpd place booked", target=booking, after=booking_state(booking))
        notices.booking_made(booking)
    return booking


def booking_cancel(*, booking: Booking, by: User, reason: str = "", today: dt.date | None = None) -> Booking:
    """Cancels a place before the course runs: LA staff of the authority or the school's own users. The place
    is freed for others; a traded place cancelled is not charged."""
    if not cpd_permissions.can_book_for(by, booking.establishment):
        raise CpdRuleError("You can only cancel your own school's places.")
    today = today or timezone.localdate()
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=booking.course_id)
        locked = Booking.objects.select_for_update().select_related("course", "establishment").get(pk=booking.pk)
        if locked.status == Booking.Status.CANCELLED:
            raise CpdRuleError("This place is already cancelled.")
        if locked.course.runs_on < today:
            raise CpdRuleError(
                f"{locked.course.title} took place on {long_date(locked.course.runs_on)}: a place cannot be "
                "cancelled afterwards. Its attendance is recorded instead."
            )
        before = booking_state(locked)
        locked.status = Booking.Status.CANCELLED
        locked.cancelled_by = by
        locked.cancelled_at = timezone.now()
        locked.cancellation_reason = reason.strip()
        locked.save()
        audit.record(
            actor=by,
            verb="cpd booking cancelled",
            target=locked,
            before={"status": before["status"]},
            after={"status": locked.status},
            reason=reason.strip(),
        )
        notices.booking_cancelled(locked)
    return locked


# Attendance and evaluation ---------------------------------------------------------------------------------------


def attendance_record(
    *, course: Course, attended: Collection[int], by: User, today: dt.date | None = None
) -> list[Booking]:
    """Records who came, from the register: every place booked is marked attended if its id is in ``attended``,
    otherwise did not attend. Only the authority's staff, and only from the day the course runs. A change to
    an earlier record is audited like the first."""
    if not cpd_permissions.can_manage_cpd(by, course.local_authority):
        raise CpdRuleError("Only the authority's staff record attendance.")
    today = today or timezone.localdate()
    if course.runs_on > today:
        raise CpdRuleError(
            f"{course.title} takes place on {long_date(course.runs_on)}: attendance is recorded on the day or after."
        )
    with transaction.atomic():
        bookings = list(
            Booking.objects.select_for_update()
            .filter(course=course, status=Booking.Status.BOOKED)
            .select_related("establishment")
            .order_by("id")
        )
        unknown = set(attended) - {b.pk for b in bookings}
        if unknown:
            raise CpdRuleError("Only places booked on this course can be marked as attended.")
        evaluated = set(Evaluation.objects.filter(booking__in=bookings).values_list("booking_id", flat=True))
        if evaluated - set(attended):
            raise CpdRuleError("An attendee who has evaluated the course attended it: they cannot be marked absent.")
        now = timezone.now()
        changed: list[Booking] = []
        for booking in bookings:
            value = Booking.Attendance.ATTENDED if booking.pk in attended else Booking.Attendance.ABSENT
            if booking.attendance == value:
                continue
            before = booking.attendance
            booking.attendance = value
            booking.attendance_recorded_by = by
            booking.attendance_recorded_at = now
            booking.save(update_fields=["attendance", "attendance_recorded_by", "attendance_recorded_at"])
            audit.record(
                actor=by,
                verb="cpd attendance recorded",
                target=booking,
                before={"attendance": before},
                after={"attendance": value},
            )
            changed.append(booking)
    return changed


def evaluation_record(*, booking: Booking, rating: int, comment: str, by: User) -> Evaluation:
    """The attendee's evaluation, passed on by their school's users: a rating from 1 (very poor) to 5
    (excellent) and comments. Once per place, and only for a place that was attended."""
    if not cpd_permissions.can_evaluate(by, booking):
        raise CpdRuleError("Only the attendee's school can evaluate the course.")
    if rating not in Rating.values:
        raise CpdRuleError("Choose a rating from 1 (very poor) to 5 (excellent).")
    if not comment.strip():
        raise CpdRuleError("Enter your comments on the course.")
    with transaction.atomic():
        locked = Booking.objects.select_for_update().select_related("course", "establishment").get(pk=booking.pk)
        if locked.status != Booking.Status.BOOKED or locked.attendance != Booking.Attendance.ATTENDED:
            raise CpdRuleError(
                f"{locked.course.title} can be evaluated once {locked.attendee_name}'s attendance is recorded."
            )
        if Evaluation.objects.filter(booking=locked).exists():
            raise CpdRuleError(f"{locked.attendee_name} has already evaluated {locked.course.title}.")
        evaluation = Evaluation.objects.create(booking=locked, rating=rating, comment=comment.strip(), submitted_by=by)
        audit.record(
            actor=by,
            verb="cpd evaluation recorded",
            target=evaluation,
            after={"booking": locked.pk, "rating": rating, "comment": comment.strip()},
        )
    return evaluation
