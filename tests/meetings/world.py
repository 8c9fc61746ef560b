"""Walsall for the meetings and areas tests: the real Walsall schools of DfE's 2017/18 school information (the
demo spine), Ofsted's real graded-inspection history for them, and the footprints and areas of
``tests/fixtures/areas/valid/walsall_footprints_invented.csv`` (the footprints are the strategy's North, West and
South-East; which school is in which area is invented). Then the people: North's Senior Achievement Officer and
its two Improvement Advisers, an LA administrator, a board member, a headteacher, an officer of another authority.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from headway.accounts.models import Role, User
from headway.inspections.models import Framework, Inspection, Source
from headway.risk import services as risk_services
from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from headway.schools import services as school_services
from headway.schools.models import Area, AreaRole, Establishment, LocalAuthority
from headway.visits import notes
from headway.visits.models import AcademicYear, NoteOfVisit, Visit
from tests.factories import UserFactory
from tests.helpers import DEMO_DATA, FIXTURES, load

AREAS_FILE = FIXTURES / "areas" / "valid" / "walsall_footprints_invented.csv"
SPINE = DEMO_DATA / "spine_2017-2018_302_370_335.xlsx"
OFSTED = DEMO_DATA / "ofsted_graded_inspections_demo.csv"

BROWNHILLS = 104248  # Brownhills School, in the Brownhills and Pelsall area of the North footprint
CASTLEFORT = 104204  # Castlefort Junior Mixed and Infant School, the same area


@dataclass
class Walsall:
    walsall: LocalAuthority
    north: Area
    west: Area
    brownhills_area: Area
    aldridge_area: Area
    school: Establishment  # Brownhills School (North)
    other_school: Establishment  # Castlefort (North)
    west_school: Establishment
    senior: User  # North's Senior Achievement Officer
    adviser: User  # Improvement Adviser, Brownhills and Pelsall
    adviser_aldridge: User  # Improvement Adviser, Aldridge and Streetly
    admin: User
    board: User
    head: User
    outsider: User


def load_walsall(areas_file: Path = AREAS_FILE) -> None:
    for kind, path in (("spine", SPINE), ("ofsted", OFSTED), ("areas", areas_file)):
        result = load(kind, path)
        assert not result.rejected, result.errors


def person(username: str, role: str, first: str, last: str, **extra: object) -> User:
    made: User = UserFactory(username=username, role=role, first_name=first, last_name=last, **extra)
    return made


def make_walsall() -> Walsall:
    load_walsall()
    walsall = LocalAuthority.objects.get(code="335")
    north = Area.objects.get(local_authority=walsall, name="North")
    west = Area.objects.get(local_authority=walsall, name="West")
    brownhills_area = Area.objects.get(local_authority=walsall, name="Brownhills and Pelsall")
    aldridge_area = Area.objects.get(local_authority=walsall, name="Aldridge and Streetly")
    senior = person("asha.khan", Role.LA_OFFICER, "Asha", "Khan", local_authority=walsall)
    adviser = person("ben.ward", Role.LA_OFFICER, "Ben", "Ward", local_authority=walsall)
    adviser_aldridge = person("cara.lowe", Role.LA_OFFICER, "Cara", "Lowe", local_authority=walsall)
    admin = person("dee.hughes", Role.LA_ADMIN, "Dee", "Hughes", local_authority=walsall)
    on = dt.date(2025, 9, 1)
    for area, officer, role in (
        (north, senior, AreaRole.SENIOR_OFFICER),
        (brownhills_area, adviser, AreaRole.ADVISER),
        (aldridge_area, adviser_aldridge, AreaRole.ADVISER),
    ):
        school_services.area_officer_add(area=area, officer=officer, role=role, starts_on=on, by=admin)
    school = Establishment.objects.get(urn=BROWNHILLS)
    head = person("head.brownhills", Role.SCHOOL_USER, "Hana", "Begum")
    head.schools.set([school])
    west_school = Establishment.objects.filter(area__parent=west).order_by("name").first()
    assert west_school is not None
    return Walsall(
        walsall=walsall,
        north=north,
        west=west,
        brownhills_area=brownhills_area,
        aldridge_area=aldridge_area,
        school=school,
        other_school=Establishment.objects.get(urn=CASTLEFORT),
        west_school=west_school,
        senior=senior,
        adviser=adviser,
        adviser_aldridge=adviser_aldridge,
        admin=admin,
        board=person("board.walsall", Role.BOARD_MEMBER, "Bo", "Ard", local_authority=walsall),
        head=head,
        outsider=person(
            "officer.barnet", Role.LA_OFFICER, "Oli", "Outside", local_authority=LocalAuthority.objects.get(code="302")
        ),
    )


def inspect(school: Establishment, on: dt.date, grade: int) -> Inspection:
    """A graded inspection the test adds, newer than the real history."""
    return Inspection.objects.create(
        establishment=school,
        framework=Framework.EIF_2019,
        source=Source.OFSTED_MI,
        start_date=on,
        publication_date=on + dt.timedelta(days=30),
        overall_effectiveness=grade,
        inspection_type="Section 5",
    )


def categorise(
    world: Walsall,
    schools: Sequence[Establishment],
    *,
    category: str = "C",
    label: str = "Requires support",
    causing_concern: bool = False,
    risk: float | None = 0.42,
) -> list[CategoryDecision]:
    """A categorisation round for the schools, each proposal confirmed by the adviser."""
    round_ = CategorisationRound.objects.create(
        local_authority=world.walsall,
        policy_name="two-axis-2021",
        policy_version=1,
        policy_title="Two-axis categorisation",
        as_of=timezone.localdate(),
        opened_by_name="test",
    )
    decisions = []
    for school in schools:
        proposal = CategoryProposal.objects.create(
            round=round_,
            establishment=school,
            category=category,
            category_label=label,
            causing_concern=causing_concern,
            risk=risk,
        )
        decisions.append(risk_services.proposal_confirm(proposal=proposal, by=world.adviser))
    return decisions


def note_of_visit(
    world: Walsall, school: Establishment, *, planned_on: dt.date, next_steps: str, send: bool = True
) -> NoteOfVisit:
    """The adviser's note of a visit to the school (the DSIN), sent to the school unless ``send`` is false."""
    year, _ = AcademicYear.objects.get_or_create(local_authority=world.walsall, start_year=2025)
    visit = Visit.objects.create(
        establishment=school,
        officer=world.adviser,
        academic_year=year,
        planned_on=planned_on,
        purpose="Diagnose, support, impact visit",
        status=Visit.Status.DONE,
    )
    made = notes.note_create(visit=visit, template_name="standard", author=world.adviser)
    notes.note_update(
        note=made,
        by=world.adviser,
        sections={"summary": "Reading is improving; writing at length is weak."},
        judgements={},
        next_steps=next_steps,
    )
    return notes.note_send(note=made, by=world.adviser) if send else made
