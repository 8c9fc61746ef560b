"""Link officers from the visit plan's pages: one school's, or every school of an area at once, and the visits
that follow them.

Each assignment goes through ``headway.schools.services.link_officer_assign`` (audited there, one event a
school). The school's visits still planned from the day the new officer starts are theirs from then on (audited
too): the capacity page counts visits by officer, so the demand on each officer is right without a rebuild.
Visits before that day, and visits done or cancelled, stay with the officer who had them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from headway.accounts import audit
from headway.accounts.models import User
from headway.accounts.notices import long_date, person_name
from headway.refusals import RuleRefused
from headway.schools import areas
from headway.schools.models import Area, Establishment, LinkOfficerAssignment, LocalAuthority
from headway.schools.services import LINK_OFFICER_ROLES, link_officer_assign
from headway.visits.models import Visit


class LinkOfficerRefused(RuleRefused):
    """An assignment the rules refuse; the message says why, in the users' words."""


def officers_to_choose(local_authority: LocalAuthority) -> list[User]:
    """The authority's active officers and administrators who may be a link officer, by name."""
    return list(
        User.objects.filter(local_authority=local_authority, role__in=LINK_OFFICER_ROLES, is_active=True).order_by(
            "last_name", "first_name", "pk"
        )
    )


def officer_label(officer: User) -> str:
    """An officer as a choice names them: ``person_name`` (never their username), with their job title in brackets
    when they have one."""
    name = person_name(officer)
    title = (officer.job_title or "").strip()
    return f"{name} ({title})" if title else name


def _checked(*, local_authority_id: int, officer: User, reason: str, what: str) -> str:
    if (
        officer.role not in LINK_OFFICER_ROLES
        or officer.local_authority_id != local_authority_id
        or not officer.is_active
    ):
        raise LinkOfficerRefused(f"{officer_label(officer)} is not an officer of the authority, so cannot be {what}.")
    if not reason.strip():
        raise LinkOfficerRefused("Say why the link officer changes.")
    return reason.strip()


def _current_assignments(establishments: list[Establishment]) -> dict[int, LinkOfficerAssignment]:
    """Each school's current link-officer assignment, with its officer, by school id (one query)."""
    return {
        a.establishment_id: a
        for a in LinkOfficerAssignment.objects.filter(
            establishment__in=[s.pk for s in establishments], ends_on__isnull=True
        ).select_related("officer")
    }


def _visits_follow(establishments: list[Establishment], officer: User, starts_on: dt.date, by: User) -> int:
    """Give ``officer`` the schools' visits still planned from ``starts_on``; one audit event a school whose
    visits moved. Returns the number of visits."""
    ids = [school.pk for school in establishments]
    moving = (
        Visit.objects.filter(establishment_id__in=ids, status=Visit.Status.PLANNED, planned_on__gte=starts_on)
        .exclude(officer=officer)
        .values_list("pk", "establishment_id")
    )
    per_school: dict[int, list[int]] = {}
    for pk, establishment_id in moving:
        per_school.setdefault(establishment_id, []).append(pk)
    if not per_school:
        return 0
    moved = Visit.objects.filter(pk__in=[pk for pks in per_school.values() for pk in pks]).update(officer=officer)
    by_id = {school.pk: school for school in establishments}
    audit.record_many(
        actor=by,
        verb="visits.officer_changed",
        entries=[
            audit.Entry(
                target=by_id[establishment_id],
                after={"officer": officer.get_username(), "from": starts_on, "visits": len(pks)},
                reason="The school's link officer changed.",
            )
            for establishment_id, pks in per_school.items()
        ],
    )
    return moved


@dataclass(frozen=True)
class Assigned:
    """What an assignment did: the schools that got the officer, those that already had them, and the planned
    visits that moved to them."""

    changed: int
    unchanged: int
    visits: int


def school_link_officer_set(
    *, establishment: Establishment, officer: User, starts_on: dt.date, reason: str, by: User
) -> Assigned:
    """Make ``officer`` the school's link officer from ``starts_on`` (refused for someone who is not an officer
    of the school's authority, without a reason, or before the current officer started). Audited."""
    why = _checked(
        local_authority_id=establishment.local_authority_id, officer=officer, reason=reason, what="its link officer"
    )
    current = LinkOfficerAssignment.objects.filter(establishment=establishment, ends_on__isnull=True).first()
    if current is not None and current.officer_id == officer.pk:
        return Assigned(changed=0, unchanged=1, visits=0)
    with transaction.atomic():
        try:
            link_officer_assign(establishment=establishment, officer=officer, by=by, reason=why, starts_on=starts_on)
        except ValueError as exc:
            raise LinkOfficerRefused(_in_words(exc, current)) from exc
        visits = _visits_follow([establishment], officer, starts_on, by)
    return Assigned(changed=1, unchanged=0, visits=visits)


def _in_words(exc: ValueError, current: LinkOfficerAssignment | None) -> str:
    if current is not None:
        return (
            f"{officer_label(current.officer)} has been the school's link officer since "
            f"{long_date(current.starts_on)}: the new officer cannot start before that."
        )
    return str(exc)


def area_link_officer_set(*, area: Area, officer: User, starts_on: dt.date, reason: str, by: User) -> Assigned:
    """Make ``officer`` the link officer of every open school of the area (and of the areas inside it) from
    ``starts_on``, each through ``link_officer_assign`` (one audit event a school). All or nothing: refused,
    naming them, when a school's current officer started after ``starts_on``; refused for an area or officer of
    another authority, or without a reason."""
    why = _checked(
        local_authority_id=area.local_authority_id, officer=officer, reason=reason, what="a link officer there"
    )
    schools = list(areas.schools_of(area))
    if not schools:
        raise LinkOfficerRefused(f"The {area.title} has no open schools.")
    current = _current_assignments(schools)
    later = [s for s in schools if s.pk in current and current[s.pk].starts_on > starts_on]
    if later:
        names = ", ".join(s.name for s in later[:5]) + (f" and {len(later) - 5} more" if len(later) > 5 else "")
        raise LinkOfficerRefused(
            f"The link officer of {names} started after {long_date(starts_on)}: choose a later start date."
        )
    changing = [s for s in schools if s.pk not in current or current[s.pk].officer_id != officer.pk]
    with transaction.atomic():
        for school in changing:
            link_officer_assign(establishment=school, officer=officer, by=by, reason=why, starts_on=starts_on)
        visits = _visits_follow(changing, officer, starts_on, by)
    return Assigned(changed=len(changing), unchanged=len(schools) - len(changing), visits=visits)


# Reading ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    establishment: Establishment
    assignment: LinkOfficerAssignment | None


def schools_for_links(local_authority: LocalAuthority, area: Area | None = None) -> QuerySet[Establishment]:
    """The authority's open schools (of the area and the areas inside it, when given), by name."""
    if area is not None:
        return areas.schools_of(area)
    return (
        Establishment.objects.filter(local_authority=local_authority, status__istartswith="open")
        .select_related("area")
        .order_by("name", "urn")
    )


def link_rows(establishments: list[Establishment]) -> list[LinkRow]:
    """Each school with its current link officer's assignment (one query, whatever the number of schools)."""
    current = _current_assignments(establishments)
    return [LinkRow(establishment=s, assignment=current.get(s.pk)) for s in establishments]


def area_link_summary(area: Area) -> tuple[int, list[tuple[str, int]], int]:
    """The area's open schools: how many, how many each current link officer has (by name), and how many
    have none. Two queries."""
    schools = list(areas.schools_of(area).values_list("pk", flat=True))
    counts: dict[str, int] = {}
    with_officer = 0
    for assignment in LinkOfficerAssignment.objects.filter(
        establishment_id__in=schools, ends_on__isnull=True
    ).select_related("officer"):
        label = officer_label(assignment.officer)
        counts[label] = counts.get(label, 0) + 1
        with_officer += 1
    return len(schools), sorted(counts.items()), len(schools) - with_officer
