"""Reading the register: the filtered school list and a school's profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from headway.inspections.models import Inspection
from headway.inspections.selectors import LatestGrade, inspection_history, latest_grade, with_latest_inspection
from headway.inspections.standing import Standing, standing_of
from headway.schools.areas import in_area
from headway.schools.models import Area, Establishment, EstablishmentLink, GroupMembership

if TYPE_CHECKING:
    from headway.accounts.models import User

#: Grade-age bands offered as a filter: (value, label, at least N years, under M years).
GRADE_AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("0-2", "Under 2 years", 0, 2),
    ("2-4", "2 to 4 years", 2, 4),
    ("4-6", "4 to 6 years", 4, 6),
    ("6+", "6 years or more", 6, None),
)
OUTCOME_CHOICES: tuple[tuple[str, str], ...] = (
    ("1", "Outstanding"),
    ("2", "Good"),
    ("3", "Requires improvement (or satisfactory)"),
    ("4", "Inadequate"),
    ("none", "No graded inspection"),
)


def years_before(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def filter_establishments(
    queryset: QuerySet[Establishment], filters: dict[str, Any], *, today: dt.date
) -> QuerySet[Establishment]:
    """Apply the school-list filters (already validated) to schools the user may see. An area finds the schools
    of the areas inside it too (a footprint, the schools of its areas)."""
    queryset = with_latest_inspection(queryset.select_related("local_authority", "area"))
    if search := (filters.get("q") or "").strip():
        condition = Q(name__icontains=search) | Q(town__icontains=search) | Q(postcode__icontains=search)
        if search.isdigit():
            condition |= Q(urn=int(search))
        queryset = queryset.filter(condition)
    if filters.get("status") == "open":
        queryset = queryset.filter(status__istartswith="open")
    elif filters.get("status") == "closed":
        queryset = queryset.exclude(status__istartswith="open")
    for name, lookup in (
        ("local_authority", "local_authority__code"),
        ("phase", "phase"),
        ("type_name", "type_name"),
        ("governance", "governance"),
    ):
        if value := filters.get(name):
            queryset = queryset.filter(**{lookup: value})
    if area_id := filters.get("area"):
        area = Area.objects.filter(pk=area_id).first()
        queryset = in_area(queryset, area) if area is not None else queryset.none()
    if trust := filters.get("trust"):
        queryset = queryset.filter(memberships__group_id=trust, memberships__left_on__isnull=True)
    if outcome := filters.get("outcome"):
        queryset = (
            queryset.filter(Q(latest_grade__isnull=True))
            if outcome == "none"
            else queryset.filter(Q(latest_grade=int(outcome)))
        )
    if band := filters.get("grade_age"):
        for value, _, at_least, under in GRADE_AGE_BANDS:
            if value == band:
                queryset = queryset.filter(Q(latest_grade_date__lte=years_before(today, at_least)))
                if under is not None:
                    queryset = queryset.filter(Q(latest_grade_date__gt=years_before(today, under)))
    return queryset.order_by("name", "urn")


@dataclass
class SchoolProfile:
    establishment: Establishment
    latest_grade: LatestGrade | None
    inspections: list[Inspection]
    current_groups: list[GroupMembership]
    past_groups: list[GroupMembership]
    predecessors: list[tuple[EstablishmentLink, Establishment | None]]
    successors: list[tuple[EstablishmentLink, Establishment | None]]
    standing: Standing | None = None


def school_profile(establishment: Establishment, *, today: dt.date, visible: QuerySet[Establishment]) -> SchoolProfile:
    """Everything the profile page shows. Linked schools are linked only when the user may see them."""
    memberships = list(establishment.memberships.select_related("group"))
    links = list(EstablishmentLink.objects.filter(Q(urn=establishment.urn) | Q(linked_urn=establishment.urn)))
    other_urns = {link.linked_urn if link.urn == establishment.urn else link.urn for link in links}
    linked = {school.urn: school for school in visible.filter(urn__in=other_urns)}
    predecessors: dict[int, tuple[EstablishmentLink, Establishment | None]] = {}
    successors: dict[int, tuple[EstablishmentLink, Establishment | None]] = {}
    for link in links:
        if link.urn == establishment.urn:
            other, is_predecessor = link.linked_urn, link.is_predecessor
        else:
            other, is_predecessor = link.urn, not link.is_predecessor
        target = predecessors if is_predecessor else successors
        target.setdefault(other, (link, linked.get(other)))
    return SchoolProfile(
        establishment=establishment,
        latest_grade=latest_grade(establishment.pk, today=today),
        inspections=list(inspection_history(establishment.pk)),
        current_groups=[m for m in memberships if m.left_on is None],
        past_groups=[m for m in memberships if m.left_on is not None],
        predecessors=sorted(predecessors.values(), key=lambda item: item[0].linked_urn),
        successors=sorted(successors.values(), key=lambda item: item[0].linked_urn),
        standing=standing_of(establishment, as_of=today),
    )


def caseload(officer: User, *, today: dt.date | None = None) -> QuerySet[Establishment]:
    """The schools ``officer`` is link officer for today (assignments that have started and not ended)."""
    on = today or timezone.localdate()
    return Establishment.objects.filter(
        link_officer_assignments__officer=officer,
        link_officer_assignments__starts_on__lte=on,
        link_officer_assignments__ends_on__isnull=True,
    ).distinct()


def link_officers(establishments: QuerySet[Establishment] | Sequence[int]) -> dict[int, User]:
    """Each school's current link officer, by school id, in one query (the schools as a query or their ids)."""
    from headway.schools.models import LinkOfficerAssignment

    return {
        a.establishment_id: a.officer
        for a in LinkOfficerAssignment.objects.filter(establishment__in=establishments, ends_on__isnull=True)
        .select_related("officer")
        .order_by("starts_on", "pk")
    }
