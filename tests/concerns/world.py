"""A small real world for the schools-causing-concern tests: the real Hampshire GIAS sample (maintained
Alton Infant School, the Priory Primary academy), Ofsted's real history for them, a newer inspection the test
sets, the LA's officers, the schools' users and people who must see nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway.accounts.models import Role, User
from headway.concerns import services
from headway.concerns.models import ReviewGroupMeeting, SchoolCausingConcern
from headway.inspections.models import Framework, Inspection, Source
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.helpers import load_hampshire_sample

ALTON = 115850  # Alton Infant School, community school (maintained)
ANSTEY = 115851  # Anstey Junior School, maintained, used as "another school"
PRIORY = 136447  # The Priory Primary School, academy converter

TRIGGER = [{"name": "judged_inadequate_or_requires_improvement", "label": "Judged requires improvement"}]


@dataclass
class World:
    hampshire: LocalAuthority
    school: Establishment
    other_school: Establishment
    academy: Establishment
    head_of_service: User
    officer: User
    colleague: User
    outsider: User
    head: User
    chair: User
    other_head: User
    academy_head: User
    board: User


def inspect(
    school: Establishment,
    on: dt.date,
    grade: int | None,
    *,
    category: str = "",
    published: dt.date | None = None,
    framework: str = Framework.EIF_2019,
) -> Inspection:
    """Adds an inspection of the school (the tests' own, newer than the real history)."""
    return Inspection.objects.create(
        establishment=school,
        framework=framework,
        source=Source.OFSTED_MI,
        start_date=on,
        publication_date=published or on + dt.timedelta(days=30),
        overall_effectiveness=grade,
        category_of_concern=category,
        inspection_type="Section 5",
    )


def make_world() -> World:
    load_hampshire_sample()
    hampshire = LocalAuthority.objects.get(code="850")
    school = Establishment.objects.get(urn=ALTON)
    other = Establishment.objects.get(urn=ANSTEY)
    academy = Establishment.objects.get(urn=PRIORY)

    def user(username: str, role: str, **extra: object) -> User:
        made: User = UserFactory(username=username, role=role, **extra)
        return made

    head = user("head.alton", Role.SCHOOL_USER, first_name="Ann", last_name="Head")
    head.schools.set([school])
    chair = user("chair.alton", Role.SCHOOL_USER, first_name="Carl", last_name="Chair")
    chair.schools.set([school])
    other_head = user("head.anstey", Role.SCHOOL_USER)
    other_head.schools.set([other])
    academy_head = user("head.priory", Role.SCHOOL_USER)
    academy_head.schools.set([academy])
    return World(
        hampshire=hampshire,
        school=school,
        other_school=other,
        academy=academy,
        head_of_service=user(
            "head.si", Role.LA_ADMIN, local_authority=hampshire, first_name="Sam", last_name="Service"
        ),
        officer=user("officer.alton", Role.LA_OFFICER, local_authority=hampshire, first_name="Olu", last_name="Lead"),
        colleague=user("officer.other", Role.LA_OFFICER, local_authority=hampshire),
        outsider=user("officer.elsewhere", Role.LA_OFFICER, local_authority=LocalAuthorityFactory(code="302")),
        head=head,
        chair=chair,
        other_head=other_head,
        academy_head=academy_head,
        board=user("board.hampshire", Role.BOARD_MEMBER, local_authority=hampshire),
    )


def meeting(world: World, on: dt.date) -> ReviewGroupMeeting:
    return services.meeting_schedule(local_authority=world.hampshire, held_on=on, by=world.head_of_service)


def designated(
    world: World, *, on: dt.date = dt.date(2025, 10, 15), school: Establishment | None = None
) -> SchoolCausingConcern:
    """Alton Infant School (or ``school``) judged requires improvement in March 2025 and designated at the
    review group on ``on``, with Olu Lead as lead officer."""
    school = school or world.school
    inspect(school, dt.date(2025, 3, 10), 3)
    decision = services.designate(
        meeting=meeting(world, on),
        establishment=school,
        reasons="Judged requires improvement; leadership capacity not yet secure.",
        discussed_with_head_on=on - dt.timedelta(days=7),
        by=world.head_of_service,
        triggers=TRIGGER,
        lead_officer=world.officer,
    )
    assert decision.concern is not None
    return decision.concern
