"""A school's circumstances list spans the years: every circumstance recorded for it, whichever academic year
the page shows, each with the school years it is current in; still LA staff only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from headway.visits.models import Circumstance
from headway.visits.selectors import circumstances_all
from tests.visits.test_plan_pages import ANSTEY, client_for, people  # noqa: F401 - the fixture

D = dt.date


def record(world: dict[str, Any], kind: str, starts_on: dt.date, ends_on: dt.date | None, note: str) -> Circumstance:
    made: Circumstance = Circumstance.objects.create(
        establishment=world["school"],
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        recorded_by=world["lead"],
    )
    return made


@pytest.fixture
def recorded(people: dict[str, Any]) -> dict[str, Any]:  # noqa: F811 - the fixture above
    record(people, "new_or_acting_head", D(2023, 1, 9), D(2023, 7, 21), "Acting head for two terms")
    record(people, "ofsted_expected", D(2024, 6, 1), D(2025, 2, 1), "Inspection window")
    record(people, "new_or_acting_head", D(2025, 11, 3), None, "New head from November")
    return people


def test_every_circumstance_is_listed_latest_first_with_its_years(recorded: dict[str, Any]) -> None:
    rows = circumstances_all(recorded["school"])
    assert [(r.circumstance.note, r.years) for r in rows] == [
        ("New head from November", "2025/26 onwards"),
        ("Inspection window", "2023/24 to 2024/25"),
        ("Acting head for two terms", "2022/23"),
    ]


def test_the_page_lists_circumstances_of_every_year(recorded: dict[str, Any]) -> None:
    page = client_for(recorded["link"]).get(f"/visits/schools/{ANSTEY}/?year=2025").content.decode()
    section = page.split('id="circumstances"', 1)[1]
    for note in ("New head from November", "Inspection window", "Acting head for two terms"):
        assert note in section
    assert "2023/24 to 2024/25" in section and "2025/26 onwards" in section


def test_other_authorities_and_school_users_do_not_see_them(recorded: dict[str, Any]) -> None:
    assert client_for(recorded["elsewhere"]).get(f"/visits/schools/{ANSTEY}/").status_code == 404
    own = client_for(recorded["head"]).get(f"/visits/schools/{ANSTEY}/")
    assert own.status_code == 200 and "Acting head for two terms" not in own.content.decode()
