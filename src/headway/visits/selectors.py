"""Reading the visit plan: a school's visits, an officer's caseload, and officers' capacity by half-term."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from headway.accounts import permissions
from headway.accounts.models import User
from headway.reports.terms import academic_year_label
from headway.risk.models import CategoryDecision
from headway.risk.selectors import current_decisions
from headway.schools.models import Establishment, LinkOfficerAssignment, LocalAuthority
from headway.schools.selectors import caseload
from headway.visits.models import (
    AcademicYear,
    Circumstance,
    HalfTerm,
    NoteOfVisit,
    OfficerCapacity,
    SelfEvaluation,
    Visit,
)


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
class VisitLinks:
    """What a user may follow from a visit: its note (``note_action`` "see" the latest version they may read,
    "write" a first one, or "") and the school's self-evaluation (``evaluation_action`` "see", "complete",
    "none_yet" for staff when the school has not sent one, or "")."""

    visit: Visit
    note: NoteOfVisit | None = None
    note_action: str = ""
    evaluation_action: str = ""


def visit_links(user: User, visits: list[Visit]) -> list[VisitLinks]:
    """The note and self-evaluation links of each visit, only those the user may follow: LA staff see the
    self-evaluation of any visit; the school's users complete or see it while the visit is planned."""
    notes: dict[int, list[NoteOfVisit]] = {}
    for note in NoteOfVisit.objects.filter(visit__in=visits).select_related("visit__establishment"):
        notes.setdefault(note.visit_id, []).append(note)
    evaluated = set(SelfEvaluation.objects.filter(visit__in=visits).values_list("visit_id", flat=True))
    rows = []
    for visit in visits:
        row = VisitLinks(visit=visit)
        versions = sorted(notes.get(visit.pk, []), key=lambda n: n.version, reverse=True)
        row.note = next((n for n in versions if permissions.can_view_note(user, n)), None)
        if row.note is not None:
            row.note_action = "see"
        elif not versions and visit.status != Visit.Status.CANCELLED and permissions.can_write_note(user, visit):
            row.note_action = "write"
        if permissions.can_complete_self_evaluation(user, visit):
            row.evaluation_action = "see" if visit.pk in evaluated else "complete"
        elif permissions.can_write_note(user, visit) and permissions.can_view_self_evaluation(user, visit):
            row.evaluation_action = "see" if visit.pk in evaluated else "none_yet"
        rows.append(row)
    return rows


def circumstances_of(establishment: Establishment, start_year: int) -> list[Circumstance]:
    """The circumstances recorded for the school that are current at some point in the academic year starting
    in ``start_year`` (September to August), earliest first."""
    first, last = dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)
    return list(
        Circumstance.objects.filter(establishment=establishment, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .select_related("recorded_by")
        .order_by("starts_on", "pk")
    )


@dataclass(frozen=True)
class CircumstanceRow:
    circumstance: Circumstance
    years: str  # the academic years it is current in, as "2024/25 to 2025/26", "2025/26 onwards"


def _year_label(day: dt.date) -> str:
    return academic_year_label(academic_year_of(day))


def circumstances_all(establishment: Establishment) -> list[CircumstanceRow]:
    """Every circumstance recorded for the school, whatever the academic year, latest first, each with the
    academic years it is current in."""
    rows = []
    for circumstance in (
        Circumstance.objects.filter(establishment=establishment)
        .select_related("recorded_by")
        .order_by("-starts_on", "-pk")
    ):
        first = _year_label(circumstance.starts_on)
        if circumstance.ends_on is None:
            years = f"{first} onwards"
        else:
            last = _year_label(circumstance.ends_on)
            years = first if last == first else f"{first} to {last}"
        rows.append(CircumstanceRow(circumstance, years))
    return rows


@dataclass
class CaseloadRow:
    establishment: Establishment
    decision: CategoryDecision | None
    next_visit: Visit | None
    planned: int
    done: int
    overdue: int
    last_visit: Visit | None = None
    next_links: VisitLinks | None = None
    last_links: VisitLinks | None = None


def caseload_rows(officer: User, *, start_year: int, today: dt.date, viewer: User | None = None) -> list[CaseloadRow]:
    """Each school the officer is link officer for: its category, next visit, last visit (the latest before
    today, not cancelled), and the year's visits planned (not cancelled), done and overdue (still planned, date
    passed). With ``viewer``, the note and self-evaluation links of the next and last visits they may follow."""
    schools = list(caseload(officer, today=today).order_by("name"))
    # Every school's visits, decision and links read at once: the page's queries do not grow with its schools.
    visits_of: dict[int, list[Visit]] = {}
    for visit in Visit.objects.filter(establishment__in=schools, academic_year__start_year=start_year).exclude(
        status=Visit.Status.CANCELLED
    ):
        visits_of.setdefault(visit.establishment_id, []).append(visit)
    decisions = {
        d.proposal.establishment_id: d
        for d in current_decisions(Establishment.objects.filter(pk__in=[s.pk for s in schools]))
    }
    rows = []
    for school in schools:
        visits = visits_of.get(school.pk, [])
        for visit in visits:
            visit.establishment = school  # the links below name the school without reading it again
        upcoming = [v for v in visits if v.status == Visit.Status.PLANNED and v.planned_on >= today]
        past = [v for v in visits if v.planned_on < today]
        rows.append(
            CaseloadRow(
                establishment=school,
                decision=decisions.get(school.pk),
                next_visit=min(upcoming, key=lambda v: v.planned_on) if upcoming else None,
                planned=len(visits),
                done=sum(1 for v in visits if v.status == Visit.Status.DONE),
                overdue=sum(1 for v in visits if is_overdue(v, today)),
                last_visit=max(past, key=lambda v: (v.planned_on, v.pk)) if past else None,
            )
        )
    if viewer is not None:
        shown = [v for row in rows for v in (row.next_visit, row.last_visit) if v is not None]
        links = {item.visit.pk: item for item in visit_links(viewer, shown)}
        for row in rows:
            row.next_links = links.get(row.next_visit.pk) if row.next_visit else None
            row.last_links = links.get(row.last_visit.pk) if row.last_visit else None
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

    @property
    def available_days(self) -> Decimal | None:
        """The days the officer has for visits in the year: None until they are set for every half-term."""
        days = [cell.available_days for cell in self.cells]
        if not days or any(d is None for d in days):
            return None
        return sum((d for d in days if d is not None), Decimal(0))

    @property
    def over(self) -> bool:
        """More visits than days in some half-term, or in the year."""
        year = self.available_days
        return any(cell.over for cell in self.cells) or (year is not None and self.visits > year)


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


# For the home pages and the school summary (headway.home) ---------------------------------------------------


def officer_visits(officer: User, *, today: dt.date, within_days: int = 14) -> tuple[list[Visit], list[Visit]]:
    """The officer's planned visits due from ``today`` to ``within_days`` days ahead, and those overdue (still
    planned, date passed), earliest first. One query, whatever the size of the caseload."""
    horizon = today + dt.timedelta(days=within_days)
    visits = list(
        Visit.objects.filter(officer=officer, status=Visit.Status.PLANNED, planned_on__lte=horizon)
        .select_related("establishment")
        .order_by("planned_on", "pk")
    )
    return [v for v in visits if v.planned_on >= today], [v for v in visits if v.planned_on < today]


def notes_awaiting_response_by(officer: User) -> list[NoteOfVisit]:
    """Notes the officer wrote (or of their visits) sent to the school and not yet answered, oldest first."""
    return list(
        NoteOfVisit.objects.filter(status=NoteOfVisit.Status.SENT)
        .filter(Q(author=officer) | Q(visit__officer=officer))
        .select_related("visit__establishment")
        .order_by("sent_at", "pk")
    )


def notes_for_school_users(establishments: QuerySet[Establishment]) -> tuple[list[NoteOfVisit], list[NoteOfVisit]]:
    """For a school's own users: the notes waiting for their response (sent), and the final notes shared with
    governors, latest first. The same rule as ``permissions.can_view_note`` for a school user, in one query."""
    notes = list(
        NoteOfVisit.objects.filter(visit__establishment__in=establishments)
        .filter(
            Q(status=NoteOfVisit.Status.SENT)
            | Q(status=NoteOfVisit.Status.FINAL, shared_with_governors_at__isnull=False)
        )
        .select_related("visit__establishment", "author")
        .order_by("-visit__planned_on", "-version", "-pk")
    )
    return [n for n in notes if n.status == NoteOfVisit.Status.SENT], [
        n for n in notes if n.status == NoteOfVisit.Status.FINAL
    ]


def next_visits(establishments: QuerySet[Establishment], *, today: dt.date) -> dict[int, Visit]:
    """Each school's next planned visit on or after ``today``, by school id, in one query."""
    found: dict[int, Visit] = {}
    for visit in (
        Visit.objects.filter(establishment__in=establishments, status=Visit.Status.PLANNED, planned_on__gte=today)
        .select_related("officer", "establishment")
        .order_by("planned_on", "pk")
    ):
        found.setdefault(visit.establishment_id, visit)
    return found


def latest_note_visible(user: User, establishment: Establishment) -> NoteOfVisit | None:
    """The latest note of a visit to the school that the user may read (``permissions.can_view_note``)."""
    for note in (
        NoteOfVisit.objects.filter(visit__establishment=establishment)
        .exclude(visit__status=Visit.Status.CANCELLED)
        .select_related("visit__establishment", "visit__officer", "author")
        .order_by("-visit__planned_on", "-version", "-pk")[:20]
    ):
        if permissions.can_view_note(user, note):
            return note
    return None


# The year's visit plan page (headway.visits.plan_views) ----------------------------------------------------------


@dataclass(frozen=True)
class TermCount:
    """The year's visits in one half-term: still planned, done and cancelled."""

    half_term: HalfTerm
    planned: int
    done: int
    cancelled: int


@dataclass(frozen=True)
class PlanBuilt:
    """The latest build of the year's plan: when, and by whom (empty when the computer did it)."""

    at: dt.datetime
    by: str


@dataclass(frozen=True)
class PlanOverview:
    academic_year: AcademicYear
    built: PlanBuilt | None
    terms: list[TermCount]
    visits: int
    schools_with_visits: int
    outside_terms: int

    @property
    def exists(self) -> bool:
        """Whether the year has a plan: it has been built, or has visits (added by hand, say)."""
        return self.built is not None or self.visits > 0

    @property
    def planned(self) -> int:
        return sum(term.planned for term in self.terms)

    @property
    def done(self) -> int:
        return sum(term.done for term in self.terms)


def _counts_by_half_term(of_year: QuerySet[Visit], half_terms: list[HalfTerm], **extra: Any) -> dict[str, int]:
    """One aggregate query: for each half-term, its visits planned, done and cancelled, with ``extra``."""
    aggregates: dict[str, Any] = dict(extra)
    for half_term in half_terms:
        within = Q(planned_on__gte=half_term.starts_on, planned_on__lte=half_term.ends_on)
        for status in (Visit.Status.PLANNED, Visit.Status.DONE, Visit.Status.CANCELLED):
            aggregates[f"{status}_{half_term.number}"] = Count("pk", filter=within & Q(status=status))
    return {key: int(value or 0) for key, value in of_year.aggregate(**aggregates).items()}


def plan_overview(academic_year: AcademicYear) -> PlanOverview:
    """Whether the year's plan has been built (when, by whom), and its visits planned, done and cancelled in each
    half-term. Four queries, whatever the number of schools and visits."""
    from headway.accounts.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            verb="visit_plan.built", target_type="visits.academicyear", target_id=str(academic_year.pk)
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
        .first()
    )
    built = None
    if event is not None:
        built = PlanBuilt(at=event.occurred_at, by=event.actor.get_full_name() if event.actor is not None else "")
    half_terms = list(academic_year.half_terms.order_by("number"))
    counts = _counts_by_half_term(
        Visit.objects.filter(academic_year=academic_year),
        half_terms,
        visits=Count("pk", filter=~Q(status=Visit.Status.CANCELLED)),
        everything=Count("pk"),
        schools=Count("establishment", distinct=True, filter=~Q(status=Visit.Status.CANCELLED)),
    )
    terms = [
        TermCount(
            half_term=h,
            planned=counts[f"planned_{h.number}"],
            done=counts[f"done_{h.number}"],
            cancelled=counts[f"cancelled_{h.number}"],
        )
        for h in half_terms
    ]
    in_terms = sum(t.planned + t.done + t.cancelled for t in terms)
    return PlanOverview(
        academic_year=academic_year,
        built=built,
        terms=terms,
        visits=counts["visits"],
        schools_with_visits=counts["schools"],
        outside_terms=counts["everything"] - in_terms,
    )


@dataclass(frozen=True)
class RebuildEffect:
    """What a rebuild of the year's plan would keep and what it would plan again, as ``visit_plan_build`` does:
    it keeps visits done or cancelled, moved or added by hand, planned before today, or with a note of visit or
    the school's self-evaluation; it plans again the other planned visits from today on."""

    done: int
    cancelled: int
    by_hand: int
    past: int
    written: int
    not_planned: int
    replanned: int


def rebuild_effect(academic_year: AcademicYear, *, today: dt.date) -> RebuildEffect:
    """The visits of the year a rebuild today keeps, by reason, and those it plans again (only open schools with
    a confirmed category are planned: the others' visits stay, ``not_planned``). Two queries."""
    planned = Q(status=Visit.Status.PLANNED)
    upcoming = planned & Q(generated=True, moved_by_hand=False, planned_on__gte=today)
    planned_schools = (
        Establishment.objects.filter(local_authority_id=academic_year.local_authority_id, status__istartswith="open")
        .filter(proposals__decisions__isnull=False)
        .values("pk")
    )
    in_plan = Q(establishment_id__in=planned_schools)
    visits = Visit.objects.filter(academic_year=academic_year)
    counts = visits.aggregate(
        done=Count("pk", filter=Q(status=Visit.Status.DONE)),
        cancelled=Count("pk", filter=Q(status=Visit.Status.CANCELLED)),
        by_hand=Count("pk", filter=planned & (Q(moved_by_hand=True) | Q(generated=False))),
        past=Count("pk", filter=planned & Q(generated=True, moved_by_hand=False, planned_on__lt=today)),
        upcoming=Count("pk", filter=upcoming & in_plan),
        not_planned=Count("pk", filter=upcoming & ~in_plan),
    )
    written = (
        visits.filter(upcoming & in_plan)
        .filter(Q(notes__isnull=False) | Q(self_evaluation__isnull=False))
        .distinct()
        .count()
    )
    return RebuildEffect(
        done=counts["done"],
        cancelled=counts["cancelled"],
        by_hand=counts["by_hand"],
        past=counts["past"],
        written=written,
        not_planned=counts["not_planned"],
        replanned=counts["upcoming"] - written,
    )
