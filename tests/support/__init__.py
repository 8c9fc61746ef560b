"""A small real world for the support tests: the real Hampshire GIAS sample and Ofsted's real history for it,
the LA's officer, a school's head, a board member and an officer of another authority.

The schools (real URNs, grid references and latest grades from the samples):
Alton Infant School (Primary, good 2019) is the school needing support; Anstey Junior School is about 0.3 km from
it (good); Anton Junior School about 36 km away (outstanding); Portway Infant School (outstanding) and Balksbury
Junior School (good) about 37 km away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from headway.accounts.models import Role, User
from headway.concerns.models import ActionPlan, Milestone, SchoolCausingConcern
from headway.schools.models import Establishment, LocalAuthority
from headway.support import services
from headway.support.models import Commission, PaidBy, Provider, ProviderKind
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.helpers import load_hampshire_sample

ALTON = 115850
ANSTEY = 115851
ANTON = 115854
PORTWAY_INFANT = 115857
BALKSBURY = 115852
ALDERWOOD = 116234  # All-through

TODAY = dt.date(2025, 10, 15)
AUTUMN = (dt.date(2025, 9, 1), dt.date(2025, 12, 31))
SPRING = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))


@dataclass
class World:
    hampshire: LocalAuthority
    school: Establishment
    near: Establishment
    far: Establishment
    officer: User
    head: User
    board: User
    outsider: User
    other_la: LocalAuthority


def make_world() -> World:
    load_hampshire_sample()
    hampshire = LocalAuthority.objects.get(code="850")
    school = Establishment.objects.get(urn=ALTON)
    other_la = LocalAuthorityFactory(code="302")
    head: User = UserFactory(username="head.alton", role=Role.SCHOOL_USER)
    head.schools.set([school])
    return World(
        hampshire=hampshire,
        school=school,
        near=Establishment.objects.get(urn=ANSTEY),
        far=Establishment.objects.get(urn=ANTON),
        officer=UserFactory(
            username="officer.support", role=Role.LA_OFFICER, local_authority=hampshire, first_name="Olu"
        ),
        head=head,
        board=UserFactory(username="board.hampshire", role=Role.BOARD_MEMBER, local_authority=hampshire),
        outsider=UserFactory(username="officer.elsewhere", role=Role.LA_OFFICER, local_authority=other_la),
        other_la=other_la,
    )


def school(urn: int) -> Establishment:
    return Establishment.objects.get(urn=urn)


def provider(
    world: World,
    name: str,
    *,
    home: Establishment | None = None,
    specialisms: Sequence[str] = ("writing",),
    phases: Sequence[str] = ("Primary",),
    capacity: str | int = 10,
    day_rate: str | int = 400,
    kind: str = ProviderKind.LLE,
    override: str = "",
) -> Provider:
    return services.provider_record(
        local_authority=world.hampshire,
        name=name,
        kind=kind,
        phases=phases,
        specialisms=specialisms,
        capacity_days_per_term=Decimal(capacity),
        day_rate=Decimal(day_rate),
        home_school=home,
        home_school_override=override,
        by=world.officer,
        today=TODAY,
    )


def commission(
    world: World,
    chosen: Provider,
    *,
    days: str | int = 2,
    school: Establishment | None = None,
    period: tuple[dt.date, dt.date] = AUTUMN,
    paid_by: str = PaidBy.LA,
    **extra: Any,
) -> Commission:
    return services.commission_record(
        provider=chosen,
        establishment=school or world.school,
        need=extra.pop("need", "writing"),
        description="Coaching the English leader",
        days=Decimal(days),
        paid_by=paid_by,
        starts_on=period[0],
        ends_on=period[1],
        by=world.officer,
        today=TODAY,
        **extra,
    )


def plan_with_milestones(
    world: World, titles: Sequence[str], *, establishment: Establishment | None = None
) -> ActionPlan:
    """An open case causing concern for the school (Alton by default) with a first action plan."""
    concern = SchoolCausingConcern.objects.create(
        establishment=establishment or world.school, designated_on=dt.date(2025, 9, 20)
    )
    plan = ActionPlan.objects.create(
        concern=concern,
        version=1,
        key_issues="Writing",
        where_in_a_year="Good",
        monitoring_arrangements="Half-termly",
        agreed_on=dt.date(2025, 10, 1),
        created_by=world.officer,
    )
    for number, title in enumerate(titles):
        Milestone.objects.create(plan=plan, title=title, due_on=dt.date(2026, 2, 1) + dt.timedelta(days=number))
    return plan
