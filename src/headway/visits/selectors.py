"""Reading the visit plan: a school's visits, an officer's caseload, and officers' capacity by half-term."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from headway.accounts.models import User
from headway.risk.models import CategoryDecision
from headway.risk.selectors import current_decision
from headway.schools.models import Establishment, LinkOfficerAssignment, LocalAuthority
from headway.schools.selectors import caseload
from headway.visits.models import AcademicYear, HalfTerm, OfficerCapacity, Visit


def academic_year_of(day: dt.date) -> int:
    """The start year of the academic year ``day`` falls in (September to August)."""
    return day.year if day.month >= 9 else day.year - 1


def school_visits(establishment: Establishment) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(establishment=establishment)
        .select_related("officer", "academic_year")
        .order_by("planned_on", "pk")
    )


def is_overdue(visit: Visit, today: dt.date) -> bool:
    return visit.status == Visit.Status.PLANNED and visit.planned_on < today


@dataclass
class CaseloadRow:
    establishment: Establishment
    decision: CategoryDecision | None
    next_visit: Visit | None
    planned: int
    done: int
    overdue: int


def caseload_rows(officer: User, *, start_year: int, today: dt.date) -> list[CaseloadRow]:
    """Each school the officer is link officer for: its category, next visit, and the year's visits planned
    (not cancelled), done and overdue (still planned, date passed)."""
    rows = []
    for school in caseload(officer, today=today).order_by("name"):
        visits = [
            v
            for v in Visit.objects.filter(establishment=school, academic_year__start_year=start_year)
            if v.status != Visit.Status.CANCELLED
        ]
        upcoming = [v for v in visits if v.status == Visit.Status.PLANNED and v.planned_on >= today]
        rows.append(
            CaseloadRow(
                establishment=school,
                decision=current_decision(school),
                next_visit=min(upcoming, key=lambda v: v.planned_on) if upcoming else None,
                planned=len(visits),
                done=sum(1 for v in visits if v.status == Visit.Status.DONE),
                overdue=sum(1 for v in visits if is_overdue(v, today)),
            )
        )
    return rows


def officers_of(local_authority: LocalAuthority) -> QuerySet[User]:
    """The authority's officers and administrators."""
    return User.objects.filter(
        local_authority=local_authority, role__in=["la_officer", "la_admin"], is_active=True
    ).order_by("username")


@dataclass
class CapacityCell:
    half_term: HalfTerm
    visits: int
    available_days: Decimal | None

    @property
    def over(self) -> bool:
        return self.available_days is not None and self.visits > self.available_days


@dataclass
class CapacityRow:
    officer: User | None
    schools: int
    cells: list[CapacityCell] = field(default_factory=list)

    @property
    def visits(self) -> int:
        return sum(cell.visits for cell in self.cells)


def capacity(academic_year: AcademicYear) -> tuple[list[HalfTerm], list[CapacityRow]]:
    """Visits planned (not cancelled) per officer per half-term, against their available days. A visit is
    counted as a day. Visits with no officer are shown as a last row without an officer."""
    half_terms = list(academic_year.half_terms.order_by("number"))
    visits = list(
        Visit.objects.filter(academic_year=academic_year)
        .exclude(status=Visit.Status.CANCELLED)
        .values_list("officer_id", "planned_on")
    )
    days = {
        (c.officer_id, c.half_term_id): c.available_days
        for c in OfficerCapacity.objects.filter(half_term__academic_year=academic_year)
    }
    schools: dict[int, int] = {}
    for officer_id in LinkOfficerAssignment.objects.filter(
        ends_on__isnull=True, establishment__local_authority=academic_year.local_authority
    ).values_list("officer_id", flat=True):
        schools[officer_id] = schools.get(officer_id, 0) + 1
    people: list[User | None] = list(officers_of(academic_year.local_authority))
    if any(officer_id is None for officer_id, _ in visits):
        people.append(None)
    rows = []
    for person in people:
        pk = person.pk if person else None
        row = CapacityRow(officer=person, schools=schools.get(pk, 0) if pk else 0)
        for half_term in half_terms:
            count = sum(
                1 for officer_id, on in visits if officer_id == pk and half_term.starts_on <= on <= half_term.ends_on
            )
            row.cells.append(CapacityCell(half_term, count, days.get((pk, half_term.pk)) if pk else None))
        rows.append(row)
    return half_terms, rows


def not_categorised(local_authority: LocalAuthority) -> QuerySet[Establishment]:
    """Open schools of the authority without a confirmed category: they have no visit plan."""
    return (
        Establishment.objects.filter(local_authority=local_authority, status__istartswith="open")
        .exclude(proposals__decisions__isnull=False)
        .distinct()
        .order_by("name")
    )
