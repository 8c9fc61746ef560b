"""A small populated database for the API's tests: the real Hampshire sample (authority A, 850) with Ofsted's
inspections, and Barnet (authority B, 302) with one school, its KPI set and DfE's 2019 KS4 figures; a
categorisation round, visits, schools causing concern and school results in both; and one person of each role,
each with an API token."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.test import Client
from django.utils import timezone

import headway.strategy
from headway.accounts.models import Role, User
from headway.api.tokens import token_create
from headway.concerns.models import SchoolCausingConcern
from headway.imports.models import ImportRun
from headway.imports.registry import importer_for
from headway.imports.services import run_import
from headway.performance.models import SchoolResult
from headway.risk.models import CategorisationRound, CategorisationSetting, CategoryDecision, CategoryProposal
from headway.schools.models import Establishment, LocalAuthority
from headway.strategy.services import kpi_set_load
from headway.visits.calendar import academic_year_ensure
from headway.visits.models import Visit
from tests.factories import EstablishmentFactory, InspectionFactory, LocalAuthorityFactory, UserFactory
from tests.helpers import FIXTURES, load_hampshire_sample

BARNET_SET = Path(headway.strategy.__file__).parent / "kpi_sets" / "barnet-302.yaml"
KS4_2019 = FIXTURES / "strategy" / "valid" / "ks4_2019_provisional_la_england_and_barnet.csv"

#: The school user's own school (A) and another school of the same authority (B, the one they must never read).
SCHOOL_A = 115850
SCHOOL_B = 115851
BARNET_SCHOOL = 999302


@dataclass
class World:
    hampshire: LocalAuthority
    barnet: LocalAuthority
    users: dict[str, User]
    keys: dict[str, str]
    rounds: dict[str, CategorisationRound] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A client that sends the role's API token (``anonymous``: none)."""
        if role == "anonymous":
            return Client()
        return Client(headers={"Authorization": f"Token {self.keys[role]}"})


ROLES = ("anonymous", "school_user", "board_member", "officer_a", "officer_b", "admin")


def _categorise(authority: LocalAuthority, officer: User, schools: list[Establishment]) -> CategorisationRound:
    found = CategorisationRound.objects.create(
        local_authority=authority,
        policy_name="barnet-2020",
        policy_version=1,
        policy_title="Barnet categorisation 2020",
        as_of=dt.date(2025, 9, 1),
        opened_by_name="test",
    )
    for school in schools:
        proposal = CategoryProposal.objects.create(
            round=found,
            establishment=school,
            category="B",
            category_label="Category B: some support",
            causing_concern=False,
            reasons=[{"name": "grade = 2", "label": "Latest grade good", "evidence": {"grade": 2}}],
            risk=0.12,
        )
        CategoryDecision.objects.create(
            proposal=proposal,
            action=CategoryDecision.Action.CONFIRM,
            category="B",
            category_label="Category B: some support",
            causing_concern=False,
            decided_by=officer,
        )
    return found


def build_world() -> World:
    load_hampshire_sample()
    run = run_import(importer_for("performance", dataset="ks4", year=2019), KS4_2019, actor_name="test")
    assert not run.rejected, run.errors
    hampshire = LocalAuthority.objects.get(code="850")
    barnet = LocalAuthorityFactory(code="302", name="Barnet", region="London")
    barnet_school = EstablishmentFactory(urn=BARNET_SCHOOL, local_authority=barnet, name="Barnet Secondary School")
    InspectionFactory(establishment=barnet_school, start_date=dt.date(2021, 3, 3), overall_effectiveness=3)
    kpi_set_load(path=BARNET_SET, actor_name="test")

    users = {
        "school_user": UserFactory(username="head-a", role=Role.SCHOOL_USER, first_name="Ann", last_name="Head"),
        "board_member": UserFactory(username="board-a", role=Role.BOARD_MEMBER, local_authority=hampshire),
        "officer_a": UserFactory(username="officer-a", role=Role.LA_OFFICER, local_authority=hampshire),
        "officer_b": UserFactory(username="officer-b", role=Role.LA_OFFICER, local_authority=barnet),
        "admin": UserFactory(username="admin-a", role=Role.LA_ADMIN, local_authority=hampshire),
    }
    school_a = Establishment.objects.get(urn=SCHOOL_A)
    school_b = Establishment.objects.get(urn=SCHOOL_B)
    users["school_user"].schools.set([school_a])
    keys = {role: token_create(user=user, name=f"{role} BI").key for role, user in users.items()}

    world = World(hampshire=hampshire, barnet=barnet, users=users, keys=keys)
    CategorisationSetting.objects.create(local_authority=hampshire, share_category_with_schools=True)
    world.rounds["a"] = _categorise(hampshire, users["officer_a"], [school_a, school_b])
    world.rounds["b"] = _categorise(barnet, users["officer_b"], [barnet_school])

    today = timezone.localdate()
    for authority, school, officer in (
        (hampshire, school_a, users["officer_a"]),
        (hampshire, school_b, users["officer_a"]),
        (barnet, barnet_school, users["officer_b"]),
    ):
        year = academic_year_ensure(authority, today.year if today.month >= 9 else today.year - 1)
        Visit.objects.create(
            establishment=school, officer=officer, academic_year=year, planned_on=today, purpose="Autumn visit"
        )
    for school, officer in ((school_b, users["officer_a"]), (barnet_school, users["officer_b"])):
        SchoolCausingConcern.objects.create(
            establishment=school,
            designated_on=dt.date(2025, 10, 1),
            triggers=[{"name": "grade", "label": "Inadequate at its latest inspection"}],
            lead_officer=officer,
        )
    source = ImportRun.objects.filter(kind="performance").first()
    assert source is not None
    for school in (school_a, school_b, barnet_school):
        SchoolResult.objects.create(
            urn=school.urn,
            la_code=school.local_authority.code,
            year=2019,
            measure="ks2.rwm_exp",
            value=Decimal("64"),
            pupils=30,
            source_import=source,
        )
    return world
