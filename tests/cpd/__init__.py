"""A small real world for the CPD tests: the real Hampshire GIAS sample, its LA officer and administrator, the
headteacher of Alton Infant School (and, separately, of Anstey Junior School), a board member, an officer of
another authority with a school of its own, and helpers to write notes of visit, categorise and build an offer.

The schools (real URNs from the sample): Alton Infant School (the school that needs writing), Anstey Junior
School (its neighbour), Anton Junior School.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from headway.accounts.models import Role, User
from headway.cpd import services
from headway.cpd.models import Booking, Course
from headway.risk import services as risk_services
from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from headway.schools.models import Area, Establishment, LocalAuthority
from headway.support import services as support_services
from headway.support.models import Provider, ProviderKind
from headway.visits import notes
from headway.visits.models import AcademicYear, NoteOfVisit, Visit
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.helpers import load_hampshire_sample

ALTON = 115850
ANSTEY = 115851
ANTON = 115854

TODAY = dt.date(2025, 10, 15)  # the services' "today" in tests that do not go through pages


@dataclass
class World:
    hampshire: LocalAuthority
    school: Establishment
    near: Establishment
    far: Establishment
    officer: User
    admin: User
    head: User
    other_head: User
    board: User
    outsider: User
    other_la: LocalAuthority
    other_la_school: Establishment
    provider: Provider


def make_world() -> World:
    load_hampshire_sample()
    hampshire = LocalAuthority.objects.get(code="850")
    school = Establishment.objects.get(urn=ALTON)
    near = Establishment.objects.get(urn=ANSTEY)
    other_la = LocalAuthorityFactory(code="370", name="Barnsley")
    other_la_school = EstablishmentFactory(local_authority=other_la, name="Barnsley Primary School", urn=106600)
    head: User = UserFactory(username="head.alton", role=Role.SCHOOL_USER, first_name="Hana")
    head.schools.set([school])
    other_head: User = UserFactory(username="head.anstey", role=Role.SCHOOL_USER)
    other_head.schools.set([near])
    officer: User = UserFactory(username="officer.cpd", role=Role.LA_OFFICER, local_authority=hampshire)
    provider = support_services.provider_record(
        local_authority=hampshire,
        name="Hampshire English Hub",
        kind=ProviderKind.TEACHING_SCHOOL_HUB,
        phases=["Primary"],
        specialisms=["writing", "reading"],
        capacity_days_per_term=Decimal(20),
        day_rate=Decimal(450),
        by=officer,
    )
    return World(
        hampshire=hampshire,
        school=school,
        near=near,
        far=Establishment.objects.get(urn=ANTON),
        officer=officer,
        admin=UserFactory(username="admin.cpd", role=Role.LA_ADMIN, local_authority=hampshire),
        head=head,
        other_head=other_head,
        board=UserFactory(username="board.hampshire", role=Role.BOARD_MEMBER, local_authority=hampshire),
        outsider=UserFactory(username="officer.barnsley", role=Role.LA_OFFICER, local_authority=other_la),
        other_la=other_la,
        other_la_school=other_la_school,
        provider=provider,
    )


def course(
    world: World,
    title: str = "Teaching writing in Key Stage 1",
    *,
    topics: Sequence[str] = ("writing",),
    runs_on: dt.date = dt.date(2025, 11, 20),
    places: int = 20,
    cost: str | int = 0,
    audiences: Sequence[str] = ("subject_leaders", "teachers"),
    kind: str = "course",
    provider: Provider | None = None,
    today: dt.date = TODAY,
) -> Course:
    return services.course_record(
        local_authority=world.hampshire,
        title=title,
        kind=kind,
        description="How to teach composition and transcription.",
        audiences=audiences,
        topic_names=topics,
        provider=provider or world.provider,
        runs_on=runs_on,
        times="9.30am to 3.30pm",
        venue="Hampshire Teachers' Centre, Winchester",
        places=places,
        cost=Decimal(cost),
        by=world.officer,
        today=today,
    )


def book(
    world: World,
    on: Course,
    *,
    school: Establishment | None = None,
    name: str = "Sam Writer",
    by: User | None = None,
    today: dt.date = TODAY,
) -> Booking:
    return services.booking_make(
        course=on,
        establishment=school or world.school,
        attendee_name=name,
        attendee_role="English leader",
        by=by or world.officer,
        today=today,
    )


def visit(world: World, school: Establishment, planned_on: dt.date) -> Visit:
    year, _ = AcademicYear.objects.get_or_create(local_authority=world.hampshire, start_year=2025)
    return Visit.objects.create(
        establishment=school,
        officer=world.officer,
        academic_year=year,
        planned_on=planned_on,
        purpose="School effectiveness visit",
        status=Visit.Status.DONE,
    )


def note(
    world: World,
    *,
    school: Establishment | None = None,
    planned_on: dt.date = dt.date(2025, 10, 8),
    judgements: Mapping[str, Mapping[str, Any]] | None = None,
    sections: Mapping[str, str] | None = None,
    actions: str = "",
    next_steps: str = "",
    template: str = "standard",
    send: bool = True,
) -> NoteOfVisit:
    """A note of visit written (and, unless ``send`` is false, sent to the school) through the visits service."""
    made = notes.note_create(
        visit=visit(world, school or world.school, planned_on), template_name=template, author=world.officer
    )
    notes.note_update(
        note=made,
        by=world.officer,
        sections=dict(sections or ({"summary": "A calm, purposeful school."} if template == "standard" else {})),
        judgements=dict(judgements or {}),
        actions=actions,
        next_steps=next_steps,
    )
    if send:
        made = notes.note_send(note=made, by=world.officer)
    return made


def writing_note(world: World, **kwargs: Any) -> NoteOfVisit:
    """The latest note gives writing as an area for development: curriculum and teaching judged emerging."""
    return note(
        world,
        judgements={
            "curriculum_and_teaching": {
                "judgement": "Emerging",
                "evidence": "Pupils' writing in Key Stage 1 is weak: too few write at length.",
            },
            "inclusion": {"judgement": "Secure", "evidence": "Phonics and SEND support are strong."},
        },
        **kwargs,
    )


def categorise(
    world: World,
    school: Establishment,
    *,
    category: str = "targeted",
    label: str = "Targeted: leadership and governance needs attention, stuck, or requires improvement",
    causing_concern: bool = True,
    triggers: Sequence[Mapping[str, Any]] = (),
    reasons: Sequence[Mapping[str, Any]] = (),
    reason: str = "",
) -> CategoryDecision:
    """A round's proposal for the school, confirmed by the officer through the risk service (with the officer's
    reason, if given)."""
    round_ = CategorisationRound.objects.create(
        local_authority=world.hampshire,
        policy_name="report-cards-2025",
        policy_version=1,
        policy_title="Categorisation under report cards (November 2025)",
        as_of=timezone.localdate(),
        opened_by_name="test",
    )
    proposal = CategoryProposal.objects.create(
        round=round_,
        establishment=school,
        category=category,
        category_label=label,
        causing_concern=causing_concern,
        reasons=list(reasons),
        triggers=list(triggers),
    )
    decision = risk_services.proposal_confirm(proposal=proposal, by=world.officer, reason=reason)
    return decision


def area(world: World, name: str, schools: Sequence[Establishment]) -> Area:
    made = Area.objects.create(local_authority=world.hampshire, name=name)
    for each in schools:
        each.area = made
        each.save(update_fields=["area"])
    return made
