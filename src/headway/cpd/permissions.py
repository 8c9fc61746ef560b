"""Who may see and do what in the CPD offer, built on ``headway.accounts.permissions``.

- LA staff of the authority (and superusers) keep the offer, book for any of its schools, cancel, record
  attendance, and see demand, uptake, income and evaluations.
- A school's users (headteacher, chair of governors) see the offer of their school's authority, book and cancel
  places for their own school only, see their own school's bookings and suggestions, and evaluate a place
  their school attended.
- Board members see the uptake and income report of their authority, read-only.
- Anyone else: 403 on the authority's listings, 404 on a course, booking or school that is not theirs.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from headway.accounts import permissions
from headway.accounts.models import Role, User
from headway.accounts.permissions import AnyUser
from headway.cpd.models import Booking, Course
from headway.schools.models import Establishment, LocalAuthority


def _active(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def can_manage_cpd(user: AnyUser, local_authority: LocalAuthority) -> bool:
    """LA staff of that authority (and superusers)."""
    return permissions.can_manage_support(user, local_authority)


def _school_user_in(user: AnyUser, local_authority: LocalAuthority) -> bool:
    active = _active(user)
    return (
        active is not None
        and active.role == Role.SCHOOL_USER
        and active.schools.filter(local_authority_id=local_authority.pk).exists()
    )


def can_see_offer(user: AnyUser, local_authority: LocalAuthority) -> bool:
    """The authority's LA staff, and the users of any of its schools."""
    return can_manage_cpd(user, local_authority) or _school_user_in(user, local_authority)


def offer_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """The authority whose offer is asked for: LA staff their own (superusers by code); a school's users their
    school's authority (by code if their schools are in several). 403 for everyone else; 404 for an authority
    that is not the user's."""
    active = _active(user)
    if active is None:
        raise PermissionDenied
    if permissions.can_see_concerns(active):
        return permissions.support_authority_for(active, la_code)
    if active.role != Role.SCHOOL_USER:
        raise PermissionDenied
    visible = permissions.local_authorities_visible_to(active).order_by("name", "code")
    authority = visible.filter(code=la_code).first() if la_code else visible.first()
    if authority is None:
        if la_code:
            raise Http404("No local authority with that code is visible to you.")
        raise PermissionDenied
    return authority


def staff_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """Pages for the authority's staff only (adding courses, demand against the offer, evaluations)."""
    return permissions.support_authority_for(user, la_code)


def report_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """The uptake and income report: LA staff and board members of the authority (superusers by code)."""
    return permissions.board_summary_authority_for(user, la_code)


def course_for(user: AnyUser, course_id: int) -> Course:
    """A course of an offer the user may see; 404 otherwise."""
    course = Course.objects.select_related("local_authority", "provider").filter(pk=course_id).first()
    if course is None or not can_see_offer(user, course.local_authority):
        raise Http404("No such course for you.")
    return course


def can_book_for(user: AnyUser, school: Establishment) -> bool:
    """LA staff for any school of their authority; a school's users for their own school only."""
    return can_manage_cpd(user, school.local_authority) or permissions.is_school_user_of(user, school)


def schools_to_book_for(user: AnyUser, local_authority: LocalAuthority) -> QuerySet[Establishment]:
    """The open schools of the authority this person may book places for."""
    open_schools = Establishment.objects.filter(local_authority=local_authority, status__istartswith="open")
    if can_manage_cpd(user, local_authority):
        return open_schools.order_by("name")
    active = _active(user)
    if active is not None and active.role == Role.SCHOOL_USER:
        return open_schools.filter(school_users=active).order_by("name")
    return Establishment.objects.none()


def cpd_school_for(user: AnyUser, urn: int) -> Establishment:
    """A school's CPD page: LA staff of its authority and its own users; 404 for everyone else."""
    school = Establishment.objects.select_related("local_authority").filter(urn=urn).first()
    if school is None or not can_book_for(user, school):
        raise Http404("No such school for you.")
    return school


def booking_for(user: AnyUser, booking_id: int) -> Booking:
    """A booking: LA staff of the course's authority and the booked school's users; 404 for everyone else."""
    booking = (
        Booking.objects.select_related("course__local_authority", "course__provider", "establishment__local_authority")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not (
        can_manage_cpd(user, booking.course.local_authority)
        or permissions.is_school_user_of(user, booking.establishment)
    ):
        raise Http404("No such booking for you.")
    return booking


def can_evaluate(user: AnyUser, booking: Booking) -> bool:
    """The attendee's school's users evaluate the place (for the attendee, or passing on their answer)."""
    return permissions.is_school_user_of(user, booking.establishment)
