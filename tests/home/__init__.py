"""A small world for the home pages and the school summary: two authorities (A and B), two schools of A (the
headteacher's Alder and another, Birch) and one of B (Cedar); one person of each role; categories, visits,
notes of visit, a school causing concern with an action plan, a review-group meeting and an import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from headway.accounts.models import Role, User
from headway.concerns.models import ActionPlan, ReviewGroupMeeting, SchoolCausingConcern
from headway.imports.models import ImportRun
from headway.risk.models import CategorisationRound, CategorisationSetting, CategoryDecision, CategoryProposal
from headway.schools.models import Establishment, LinkOfficerAssignment, LocalAuthority
from headway.visits.calendar import academic_year_ensure
from headway.visits.models import NoteOfVisit, Visit
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory


@dataclass
class World:
    today: dt.date
    la_a: LocalAuthority
    la_b: LocalAuthority
    alder: Establishment
    birch: Establishment
    cedar: Establishment
    officer_a: User
    officer_b: User
    admin_a: User
    board_a: User
    head_alder: User


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def categorise(authority: LocalAuthority, officer: User, schools: list[Establishment], *, decide: bool = True) -> None:
    found = CategorisationRound.objects.create(
        local_authority=authority,
        policy_name="test",
        policy_version=1,
        policy_title="Categorisation 2026",
        as_of=dt.date(2026, 9, 1),
        opened_by_name="test",
    )
    for school in schools:
        proposal = CategoryProposal.objects.create(
            round=found,
            establishment=school,
            category="C",
            category_label="Category C: intensive support",
            causing_concern=True,
            reasons=[{"name": "grade = 3", "label": "Requires improvement at its latest inspection", "evidence": {}}],
            risk=0.42,
            risk_factors=[
                {"label": "Requires improvement at its latest inspection", "contribution": 0.3, "part": "outcome"},
                {"label": "Five years since its last inspection", "contribution": 0.2, "part": "timing"},
                {"label": "Pupil numbers rising", "contribution": -0.1, "part": "outcome"},
                {"label": "A fourth factor nobody should see", "contribution": 0.01, "part": "outcome"},
            ],
        )
        if decide:
            CategoryDecision.objects.create(
                proposal=proposal,
                action=CategoryDecision.Action.CONFIRM,
                category="C",
                category_label="Category C: intensive support",
                causing_concern=True,
                reason="Leadership is new and untested.",
                decided_by=officer,
            )


def visit(school: Establishment, officer: User, on: dt.date, purpose: str, *, done: bool = False) -> Visit:
    start_year = on.year if on.month >= 9 else on.year - 1
    year = academic_year_ensure(school.local_authority, start_year)
    return Visit.objects.create(
        establishment=school,
        officer=officer,
        academic_year=year,
        planned_on=on,
        purpose=purpose,
        status=Visit.Status.DONE if done else Visit.Status.PLANNED,
    )


def sent_note(school: Establishment, officer: User, on: dt.date, judgement: str = "Secure") -> NoteOfVisit:
    return NoteOfVisit.objects.create(
        visit=visit(school, officer, on, f"Note visit to {school.name}", done=True),
        template_name="standard",
        status=NoteOfVisit.Status.SENT,
        sections={"summary": f"Secret findings about {school.name}."},
        judgements={"inclusion": {"judgement": judgement, "evidence": "Seen in lessons."}},
        author=officer,
        sent_at=timezone.now(),
    )


def link(school: Establishment, officer: User, today: dt.date) -> None:
    LinkOfficerAssignment.objects.create(establishment=school, officer=officer, starts_on=today - dt.timedelta(days=30))


def causing_concern(school: Establishment, officer: User, today: dt.date) -> SchoolCausingConcern:
    concern = SchoolCausingConcern.objects.create(
        establishment=school,
        designated_on=today - dt.timedelta(days=200),
        triggers=[{"name": "grade", "label": "Inadequate at its latest inspection"}],
        lead_officer=officer,
    )
    ActionPlan.objects.create(
        concern=concern,
        version=1,
        key_issues="Reading",
        where_in_a_year="Good",
        monitoring_arrangements="Termly",
        agreed_on=today - dt.timedelta(days=100),  # the review is due every 105 days: due in 5 days
        created_by=officer,
    )
    return concern


def build_world() -> World:
    today = timezone.localdate()
    la_a = LocalAuthorityFactory(code="850", name="Hampshire")
    la_b = LocalAuthorityFactory(code="302", name="Barnet")
    alder = EstablishmentFactory(urn=990001, name="Alder Primary School", local_authority=la_a)
    birch = EstablishmentFactory(urn=990002, name="Birch Primary School", local_authority=la_a)
    cedar = EstablishmentFactory(urn=990003, name="Cedar Primary School", local_authority=la_b)
    officer_a = UserFactory(
        username="olivia.officer", first_name="Olivia", last_name="Oakley", role=Role.LA_OFFICER, local_authority=la_a
    )
    officer_b = UserFactory(
        username="bob.officer", first_name="Bob", last_name="Barnes", role=Role.LA_OFFICER, local_authority=la_b
    )
    admin_a = UserFactory(
        username="ada.admin", first_name="Ada", last_name="Ashdown", role=Role.LA_ADMIN, local_authority=la_a
    )
    board_a = UserFactory(
        username="bea.board", first_name="Bea", last_name="Board", role=Role.BOARD_MEMBER, local_authority=la_a
    )
    head_alder = UserFactory(username="hal.head", first_name="Hal", last_name="Hughes", role=Role.SCHOOL_USER)
    head_alder.schools.set([alder])
    CategorisationSetting.objects.create(local_authority=la_a, share_category_with_schools=True)

    for school, officer in ((alder, officer_a), (birch, officer_a), (cedar, officer_b)):
        link(school, officer, today)
    categorise(la_a, officer_a, [alder, birch])
    categorise(la_b, officer_b, [cedar])
    visit(alder, officer_a, today + dt.timedelta(days=5), "Alder autumn visit")
    visit(birch, officer_a, today - dt.timedelta(days=10), "Birch overdue visit")
    visit(cedar, officer_b, today + dt.timedelta(days=3), "Cedar autumn visit")
    sent_note(alder, officer_a, today - dt.timedelta(days=20), "Secure")
    sent_note(birch, officer_a, today - dt.timedelta(days=21), "Emerging")
    sent_note(cedar, officer_b, today - dt.timedelta(days=22), "Highly effective")
    causing_concern(birch, officer_a, today)
    causing_concern(cedar, officer_b, today)
    ReviewGroupMeeting.objects.create(local_authority=la_a, held_on=today + dt.timedelta(days=7), created_by=admin_a)
    ReviewGroupMeeting.objects.create(local_authority=la_b, held_on=today + dt.timedelta(days=8), created_by=officer_b)
    now = timezone.now()
    ImportRun.objects.create(
        kind="gias", file_name="edubasealldata.csv", actor_name="ada.admin", imported_by=admin_a,
        started_at=now, finished_at=now,
    )  # fmt: skip
    return World(today, la_a, la_b, alder, birch, cedar, officer_a, officer_b, admin_a, board_a, head_alder)
