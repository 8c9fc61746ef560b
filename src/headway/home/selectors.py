"""What each person's home page and a school's summary show, composed from each domain's own selectors.

This module asks ``schools``, ``inspections``, ``visits``, ``concerns``, ``risk``, ``support``, ``imports`` and
``strategy`` through their selector functions only; it never reads another domain's models itself. What a
person may see is decided by ``headway.accounts.permissions``, exactly as on the pages the panels link to.

Every panel reads many schools at once, so a page takes the same number of queries for an officer with three
schools as for one with thirty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from headway.accounts import permissions
from headway.accounts.models import Role, User
from headway.concerns import selectors as concerns
from headway.concerns.policy import concern_policy_in_force
from headway.imports import selectors as imports
from headway.inspections.standing import standing_of
from headway.reports.terms import academic_year, academic_year_label
from headway.risk import selectors as risk_selectors
from headway.schools import selectors as schools
from headway.strategy import selectors as strategy
from headway.support import selectors as support
from headway.visits import notes as visit_notes
from headway.visits import selectors as visits

if TYPE_CHECKING:
    from headway.concerns.models import ReviewGroupMeeting, SchoolCausingConcern
    from headway.inspections.models import Inspection
    from headway.inspections.standing import Standing
    from headway.risk.models import CategorisationRound, CategoryDecision
    from headway.schools.models import Establishment
    from headway.support.models import PartnershipPreference
    from headway.visits.models import NoteOfVisit, Visit

#: Visits due within this many days are "due soon" on an officer's home page.
DUE_WITHIN_DAYS = 14
#: An action plan review due within this many days is shown as due.
REVIEW_WITHIN_DAYS = 14


# Officers (and administrators with a caseload) --------------------------------------------------------------------


@dataclass
class MySchool:
    establishment: Establishment
    decision: CategoryDecision | None
    concern: SchoolCausingConcern | None
    next_visit: Visit | None


@dataclass
class OfficerHome:
    schools: list[MySchool]
    due: list[Visit]
    overdue: list[Visit]
    awaiting: list[NoteOfVisit]
    reviews: list[concerns.PlanReviewDue]
    meeting: ReviewGroupMeeting | None
    sees_concerns: bool


def _of_authority(user: User, establishment: Establishment) -> bool:
    """A school of the user's own authority (a superuser's: any): an officer who moved authority keeps no window
    onto the schools they used to visit."""
    return user.is_superuser or establishment.local_authority_id == user.local_authority_id


def _officer_home(user: User, today: dt.date) -> OfficerHome:
    visible = permissions.establishments_visible_to(user)
    mine = schools.caseload(user, today=today).filter(pk__in=visible.values("pk"))
    sees_concerns = permissions.can_see_concerns(user)
    decisions = {d.proposal.establishment_id: d for d in risk_selectors.current_decisions(mine)}
    open_concerns = concerns.open_concerns(mine) if sees_concerns else {}
    upcoming = visits.next_visits(mine, today=today)
    rows = [
        MySchool(
            establishment=school,
            decision=decisions.get(school.pk),
            concern=open_concerns.get(school.pk),
            next_visit=upcoming.get(school.pk),
        )
        for school in mine.select_related("local_authority").order_by("name", "urn")
    ]
    due, overdue = visits.officer_visits(user, today=today, within_days=DUE_WITHIN_DAYS)
    reviews: list[concerns.PlanReviewDue] = []
    meeting = None
    if sees_concerns:
        cases = {c.pk: c for c in open_concerns.values()}
        for case in concerns.concerns_led_by(user):
            if permissions.can_manage_concerns(user, case.establishment.local_authority):
                cases.setdefault(case.pk, case)
        policy = concern_policy_in_force(today)
        reviews = concerns.plan_reviews_due(list(cases.values()), policy, today=today, within_days=REVIEW_WITHIN_DAYS)
        if user.local_authority is not None:
            meeting = concerns.next_review_group_meeting(user.local_authority, today=today)
    return OfficerHome(
        schools=rows,
        due=[v for v in due if _of_authority(user, v.establishment)],
        overdue=[v for v in overdue if _of_authority(user, v.establishment)],
        awaiting=[n for n in visits.notes_awaiting_response_by(user) if _of_authority(user, n.visit.establishment)],
        reviews=reviews,
        meeting=meeting,
        sees_concerns=sees_concerns,
    )


# Administrators ---------------------------------------------------------------------------------------------------


@dataclass
class AdminHome:
    sources: list[imports.SourceFreshness]
    rounds: list[tuple[CategorisationRound, int]]
    without_plan: list[SchoolCausingConcern]


def _admin_home(user: User) -> AdminHome:
    authority = user.local_authority
    return AdminHome(
        sources=imports.freshness() if permissions.can_import(user) else [],
        rounds=risk_selectors.rounds_not_done(authority)
        if authority is not None and permissions.can_categorise(user, authority)
        else [],
        without_plan=concerns.concerns_without_plan(authority)
        if authority is not None and permissions.can_manage_concerns(user, authority)
        else [],
    )


# Headteachers and chairs of governors -----------------------------------------------------------------------------


@dataclass
class OurSchool:
    establishment: Establishment
    to_respond: list[NoteOfVisit] = field(default_factory=list)
    shared: list[NoteOfVisit] = field(default_factory=list)
    plan_review: concerns.PlanReviewDue | None = None
    next_visit: Visit | None = None
    survey: PartnershipPreference | None = None


@dataclass
class SchoolHome:
    schools: list[OurSchool]
    survey_year: str


def _school_home(user: User, today: dt.date) -> SchoolHome:
    ours = permissions.establishments_visible_to(user)
    to_respond, shared = visits.notes_for_school_users(ours)
    open_concerns = concerns.open_concerns(ours)
    # The plan's next review, however far off: a school sees its own plan (``permissions.can_see_concern_plan``).
    reviews = {
        r.concern.establishment_id: r
        for r in concerns.plan_reviews_due(
            list(open_concerns.values()), concern_policy_in_force(today), today=today, within_days=3660
        )
    }
    upcoming = visits.next_visits(permissions.school_visits_visible_to(user), today=today)
    year = academic_year(today)
    answers = support.survey_answers(ours, year)
    rows = []
    for school in ours.order_by("name", "urn"):
        rows.append(
            OurSchool(
                establishment=school,
                to_respond=[n for n in to_respond if n.visit.establishment_id == school.pk],
                shared=[n for n in shared if n.visit.establishment_id == school.pk][:3],
                plan_review=reviews.get(school.pk),
                next_visit=upcoming.get(school.pk),
                survey=answers.get(school.pk),
            )
        )
    return SchoolHome(schools=rows, survey_year=academic_year_label(year))


# Board members ----------------------------------------------------------------------------------------------------


@dataclass
class BoardHome:
    authority_name: str
    la_code: str
    kpi_set_name: str = ""
    kpi_year: int | None = None


def _board_home(user: User) -> BoardHome | None:
    authority = user.local_authority
    if authority is None or not permissions.can_see_kpis(user):
        return None
    found = BoardHome(authority_name=authority.name, la_code=authority.code)
    kpi_set = strategy.current_kpi_set(la_code=authority.code)
    if kpi_set is not None:
        found.kpi_set_name = kpi_set.name
        found.kpi_year = strategy.latest_kpi_year(kpi_set)
    return found


# The page ---------------------------------------------------------------------------------------------------------


@dataclass
class Home:
    name: str
    officer: OfficerHome | None = None
    admin: AdminHome | None = None
    school: SchoolHome | None = None
    board: BoardHome | None = None


def what_needs_me(user: User, *, today: dt.date) -> Home:
    """The panels of the user's home page, for their role: what needs them now, each with the page to act on."""
    found = Home(name=user.get_full_name() or "")
    if not user.is_active:
        return found
    if permissions.is_la_staff(user):
        found.officer = _officer_home(user, today)
    if permissions.can_import(user) or user.role == Role.LA_ADMIN:
        found.admin = _admin_home(user)
    if user.role == Role.SCHOOL_USER and not user.is_superuser:
        found.school = _school_home(user, today)
    if user.role == Role.BOARD_MEMBER and not user.is_superuser:
        found.board = _board_home(user)
    return found


# A school's summary (the top of its page) -------------------------------------------------------------------------


@dataclass
class SchoolSummary:
    establishment: Establishment
    latest_inspection: Inspection | None
    inspection_summary: str
    shows_category: bool = False
    decision: CategoryDecision | None = None
    category_reasons: list[str] = field(default_factory=list)
    shows_concern: bool = False
    concern: SchoolCausingConcern | None = None
    link_officer: User | None = None
    latest_note: NoteOfVisit | None = None
    note_judgements: list[dict[str, Any]] = field(default_factory=list)
    shows_visits: bool = False
    next_visit: Visit | None = None
    shows_risk: bool = False
    risk: risk_selectors.PredictedRisk | None = None


def school_summary(
    establishment: Establishment, user: User, *, today: dt.date, standing: Standing | None = None
) -> SchoolSummary:
    """What the top of a school's page answers first, only what the user may see: the latest inspection, the
    category and why (those who may see categories), whether it causes concern (LA staff), the link officer,
    the latest note of visit they may read with its judgements, the next visit (those who see visits), and the
    predicted risk with what raised or lowered it most (LA staff)."""
    standing = standing if standing is not None else standing_of(establishment, as_of=today)
    one = permissions.establishments_visible_to(user).filter(pk=establishment.pk)
    found = SchoolSummary(
        establishment=establishment,
        latest_inspection=standing.latest if standing is not None else None,
        inspection_summary=standing.summary if standing is not None else "Not yet inspected",
        link_officer=schools.link_officers(one).get(establishment.pk),
    )
    if permissions.can_see_categorisation(user, establishment):
        found.shows_category = True
        found.decision = risk_selectors.current_decision(establishment)
        found.category_reasons = risk_selectors.decision_reasons(found.decision) if found.decision is not None else []
    if permissions.can_manage_concerns(user, establishment.local_authority):
        found.shows_concern = True
        found.concern = concerns.open_concerns(one).get(establishment.pk)
        found.shows_risk = True
        found.risk = risk_selectors.predicted_risk(establishment)
    if permissions.can_see_school_visits(user, establishment):
        found.shows_visits = True
        found.next_visit = visits.next_visits(one, today=today).get(establishment.pk)
    found.latest_note = visits.latest_note_visible(user, establishment)
    if found.latest_note is not None:
        found.note_judgements = visit_notes.judged_areas(found.latest_note)
    return found
