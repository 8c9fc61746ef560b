"""The dates of the visit-planning and categorisation pages are GOV.UK date inputs (day, month and year boxes):
the term dates show what is saved, save what is typed, and refuse a date that does not exist with the field named
in words; an officer's judgement takes its date the same way."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.accounts.models import Role, User
from headway.risk.models import OfficerJudgement
from headway.schools.models import LocalAuthority
from headway.visits.models import AcademicYear
from tests.factories import UserFactory
from tests.helpers import FIXTURES, DateBoxesClient, day_boxes, load

ALTON = 115850


@pytest.fixture
def admin(db: None) -> User:
    result = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not result.rejected, result.errors
    user: User = UserFactory(role=Role.LA_ADMIN, local_authority=LocalAuthority.objects.get(code="850"))
    return user


def signed_in(user: User) -> DateBoxesClient:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def test_term_dates_are_day_month_and_year_boxes_that_save_and_refuse_a_date_that_does_not_exist(
    admin: User,
) -> None:
    client = signed_in(admin)
    page = client.get("/visits/calendar/?year=2026").content.decode()
    year = AcademicYear.objects.get(local_authority=admin.local_authority, start_year=2026)
    half_terms = list(year.half_terms.order_by("number"))
    first = half_terms[0]
    assert 'class="govuk-date-input"' in page
    assert f'name="starts_on_1_0" type="text" inputmode="numeric" value="{first.starts_on.day}"' in page
    assert f'name="starts_on_1_2" type="text" inputmode="numeric" value="{first.starts_on.year}"' in page
    assert "Date Autumn 1 starts" in page

    data: dict[str, str] = {}
    for half_term in half_terms:
        data |= day_boxes(f"starts_on_{half_term.number}", half_term.starts_on)
        data |= day_boxes(f"ends_on_{half_term.number}", half_term.ends_on)
    moved = first.starts_on + dt.timedelta(days=1)
    response = client.post("/visits/calendar/?year=2026", data | day_boxes("starts_on_1", moved))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.starts_on == moved

    refused = client.post(
        "/visits/calendar/?year=2026", data | {"ends_on_1_0": "31", "ends_on_1_1": "2", "ends_on_1_2": "2027"}
    )
    text = refused.content.decode()
    assert refused.status_code == 200
    assert '<a href="#id_ends_on_1_0">The date Autumn 1 ends must be a real date</a>' in text
    first.refresh_from_db()
    assert first.starts_on == moved  # nothing saved from the refused form

    missing = client.post("/visits/calendar/?year=2026", data | {"ends_on_1_1": ""})
    assert "The date Autumn 1 ends must include a month" in missing.content.decode()


def test_an_officers_judgement_takes_its_date_from_the_boxes(admin: User) -> None:
    client = signed_in(admin)
    url = f"/risk/schools/{ALTON}/"
    assert 'name="made_on_0"' in client.get(url).content.decode()
    data = {"kind": OfficerJudgement.Kind.LEADERSHIP_CONCERN, "value": "yes", "reason": "The head has resigned."}
    response = client.post(url, data | day_boxes("made_on", dt.date(2026, 11, 23)))
    assert response.status_code == 302
    assert OfficerJudgement.objects.get().made_on == dt.date(2026, 11, 23)
    refused = client.post(url, data | {"made_on_0": "23", "made_on_1": "11", "made_on_2": "26"})
    assert "The year must include 4 numbers" in refused.content.decode()
    assert OfficerJudgement.objects.count() == 1
