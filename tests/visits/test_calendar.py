"""The default English calendar, Easter, and an LA's own dates kept."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.schools.models import LocalAuthority
from headway.visits.calendar import (
    academic_year_ensure,
    bank_holidays,
    easter_sunday,
    english_calendar,
    fortnightly_dates,
    working_days,
)

D = dt.date


@pytest.mark.parametrize(
    ("year", "easter"), [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2027, D(2027, 3, 28))]
)
def test_easter_sunday(year: int, easter: dt.date) -> None:
    assert easter_sunday(year) == easter


def test_default_english_calendar_2025() -> None:
    terms = [(t.name, t.starts_on, t.ends_on) for t in english_calendar(2025)]
    assert terms == [
        ("Autumn 1", D(2025, 9, 1), D(2025, 10, 24)),  # first Monday of September; break from 27 October
        ("Autumn 2", D(2025, 11, 3), D(2025, 12, 19)),  # last Friday on or before 20 December
        ("Spring 1", D(2026, 1, 5), D(2026, 2, 13)),  # break the week of the third Monday of February
        ("Spring 2", D(2026, 2, 23), D(2026, 3, 27)),  # Easter 5 April: break 30 March to 10 April
        ("Summer 1", D(2026, 4, 13), D(2026, 5, 22)),  # break the week of the late-May bank holiday
        ("Summer 2", D(2026, 6, 1), D(2026, 7, 22)),
    ]
    for term in english_calendar(2025):
        assert term.starts_on.weekday() == 0 and term.ends_on.weekday() <= 4


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    summer_1 = english_calendar(2025)[4]
    days = working_days(summer_1, holidays=bank_holidays(2025))
    assert D(2026, 5, 4) not in days  # early May bank holiday
    assert D(2026, 4, 18) not in days  # Saturday
    assert len(days) == 6 * 5 - 1


def test_fortnightly_dates_restart_each_half_term() -> None:
    dates = fortnightly_dates(english_calendar(2025), holidays=bank_holidays(2025))  # type: ignore[arg-type]
    assert dates[:5] == [D(2025, 9, 1), D(2025, 9, 15), D(2025, 9, 29), D(2025, 10, 13), D(2025, 11, 3)]
    assert len(dates) == 4 + 4 + 3 + 3 + 3 + 4


def test_academic_year_ensure_writes_six_half_terms_once_and_keeps_the_las_dates(db: None) -> None:
    barnet = LocalAuthority.objects.create(code="302", name="Barnet")
    year = academic_year_ensure(barnet, 2025)
    assert [h.number for h in year.half_terms.all()] == [1, 2, 3, 4, 5, 6]
    autumn = year.half_terms.get(number=1)
    autumn.starts_on = D(2025, 9, 3)
    autumn.save()
    again = academic_year_ensure(barnet, 2025)
    assert again.pk == year.pk
    assert again.half_terms.count() == 6
    assert again.half_terms.get(number=1).starts_on == D(2025, 9, 3)
    assert str(again) == "2025/26"
