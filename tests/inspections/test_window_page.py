"""The weekly inspection-window list: LA staff see their own authority's schools only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from headway.accounts.models import Role
from headway.inspections.models import Framework, Inspection, InspectionKind
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_list_shows_own_schools_and_refuses_everyone_else() -> None:
    walsall = LocalAuthorityFactory(code="335", name="Walsall")
    barnet = LocalAuthorityFactory(code="302", name="Barnet")
    due = EstablishmentFactory(local_authority=walsall, name="Due School")
    Inspection.objects.create(
        establishment=due,
        start_date=dt.date(2019, 3, 1),
        framework=Framework.CIF_2015,
        kind=InspectionKind.GRADED,
        source="ofsted_history",
        overall_effectiveness=2,
    )
    elsewhere = EstablishmentFactory(local_authority=barnet, name="Barnet Overdue School")
    Inspection.objects.create(
        establishment=elsewhere,
        start_date=dt.date(2019, 3, 1),
        framework=Framework.CIF_2015,
        kind=InspectionKind.GRADED,
        source="ofsted_history",
        overall_effectiveness=3,
    )
    officer = client_for(UserFactory(role=Role.LA_OFFICER, local_authority=walsall))
    page = officer.get("/inspections/windows/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Due School" in text and "Barnet Overdue School" not in text
    assert "Good or outstanding: an inspection about every four years" in text
    assert officer.get("/inspections/windows/?la=302").status_code == 404
    assert officer.get("/inspections/windows/?weeks=abc").status_code == 200
    headteacher = UserFactory(role=Role.SCHOOL_USER, local_authority=walsall)
    headteacher.schools.add(due)
    head = client_for(headteacher)
    assert head.get("/inspections/windows/").status_code == 403
    assert Client().get("/inspections/windows/").status_code == 302  # sign in first
