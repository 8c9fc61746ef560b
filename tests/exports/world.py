"""A small world for the download tests: an authority whose schools, providers, triggers and labels are named
like spreadsheet formulas (the hostile case), with one ordinary school; its officer, a school's head, a board
member and another authority's officer. Everything is made with the ORM so that the downloads are tested
against the same selectors the pages use."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from headway.accounts.models import Role, User
from headway.concerns.models import SchoolCausingConcern
from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from headway.schools.models import Establishment, LinkOfficerAssignment, LocalAuthority
from headway.support.models import Commission, ImpactEvaluation, ImpactRating, PaidBy, Provider, ProviderKind
from headway.visits.models import AcademicYear, Visit
from headway.visits.selectors import academic_year_of
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

#: Text a spreadsheet would read as a formula (or the start of one).
HYPERLINK = '=HYPERLINK("http://evil","x")'
FORMULAS = (HYPERLINK, "+1", "-2+3", "@SUM(A1)")


@dataclass
class World:
    hampshire: LocalAuthority
    ordinary: Establishment
    hostile: list[Establishment]
    officer: User
    head: User
    board: User
    outsider: User
    categorisation_round: CategorisationRound
    today: dt.date


def make_world() -> World:
    today = timezone.localdate()
    hampshire: LocalAuthority = LocalAuthorityFactory(code="850", name="Hampshire")
    elsewhere: LocalAuthority = LocalAuthorityFactory(code="302", name="Barnet")
    ordinary: Establishment = EstablishmentFactory(
        local_authority=hampshire, urn=115850, name="Alton Infant School", number_on_roll=180
    )
    hostile = [
        EstablishmentFactory(local_authority=hampshire, urn=120001 + n, name=name, town=name, number_on_roll=200)
        for n, name in enumerate(FORMULAS)
    ]
    EstablishmentFactory(local_authority=elsewhere, urn=130001, name="Barnet Primary School")
    officer: User = UserFactory(
        username="officer.hampshire",
        role=Role.LA_ADMIN,
        local_authority=hampshire,
        first_name="Olu",
        last_name="Officer",
    )
    head: User = UserFactory(username="head.alton", role=Role.SCHOOL_USER)
    head.schools.set([ordinary])
    board: User = UserFactory(username="board.hampshire", role=Role.BOARD_MEMBER, local_authority=hampshire)
    outsider: User = UserFactory(username="officer.barnet", role=Role.LA_OFFICER, local_authority=elsewhere)

    categorisation_round = CategorisationRound.objects.create(
        local_authority=hampshire,
        policy_name="hampshire-2022",
        policy_version=1,
        policy_title="Hampshire categorisation",
        as_of=today,
        opened_by_name="test",
    )
    for school in [ordinary, *hostile]:
        proposal = CategoryProposal.objects.create(
            round=categorisation_round,
            establishment=school,
            category="2",
            category_label=HYPERLINK if school in hostile else "Good, low risk",
            causing_concern=False,
            triggers=[{"name": "grade", "label": "-2+3"}] if school in hostile else [],
            evidence={"grade_age_years": 3},
            risk=0.42,
        )
        CategoryDecision.objects.create(
            proposal=proposal,
            action="override" if school in hostile else "confirm",
            category="3" if school in hostile else "2",
            category_label="Requires support",
            causing_concern=False,
            reason="@SUM(A1)" if school in hostile else "",
            decided_by=officer,
        )
        SchoolCausingConcern.objects.create(
            establishment=school,
            designated_on=today - dt.timedelta(days=100),
            triggers=[{"name": "judged", "label": HYPERLINK if school in hostile else "Judged inadequate"}],
            lead_officer=officer,
        )
        LinkOfficerAssignment.objects.create(
            officer=officer, establishment=school, starts_on=today - dt.timedelta(days=30)
        )
    year = AcademicYear.objects.create(local_authority=hampshire, start_year=academic_year_of(today))
    for school in [ordinary, *hostile]:
        Visit.objects.create(
            establishment=school,
            officer=officer,
            academic_year=year,
            planned_on=today + dt.timedelta(days=10),
            purpose="+1" if school in hostile else "School effectiveness visit",
        )
    provider = Provider.objects.create(
        local_authority=hampshire,
        name="@SUM(A1)",
        kind=ProviderKind.LLE,
        capacity_days_per_term=Decimal(10),
        day_rate=Decimal(400),
    )
    commissions = [
        Commission.objects.create(
            provider=provider,
            establishment=school,
            need=need,
            description="-2+3" if school != ordinary else "Coaching the English leader",
            days=Decimal("2.5"),
            day_rate=Decimal(400),
            cost=Decimal(1000),
            paid_by=PaidBy.LA,
            starts_on=today,
            ends_on=today + dt.timedelta(days=60),
            commissioned_by=officer,
        )
        for school, need in ((ordinary, "writing"), (hostile[0], HYPERLINK))
    ]
    ImpactEvaluation.objects.create(
        commission=commissions[0],
        evaluated_on=today,
        what_changed="Writing improved",
        evidence="Book looks",
        rating=ImpactRating.GOOD,
        evaluated_by=officer,
    )
    return World(
        hampshire=hampshire,
        ordinary=ordinary,
        hostile=hostile,
        officer=officer,
        head=head,
        board=board,
        outsider=outsider,
        categorisation_round=categorisation_round,
        today=today,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(content: bytes) -> list[dict[str, str]]:
    """A CSV download as dictionaries by heading (it starts with a byte-order mark, for Excel)."""
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_sheet(content: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def xlsx_rows(content: bytes) -> list[dict[str, Any]]:
    """The first sheet of an XLSX download as dictionaries by heading; cell objects, to check their types."""
    sheet = xlsx_sheet(content)
    rows = list(sheet.iter_rows())
    headings = [cell.value for cell in rows[0]]
    return [dict(zip(headings, row, strict=True)) for row in rows[1:]]
