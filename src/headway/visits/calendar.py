"""The academic calendar: six half-terms a year, so that "half-termly" and "fortnightly" become dates.

Each LA keeps its own dates (admin, or the calendar page for LA administrators). When a year has none yet,
``academic_year_ensure`` writes the default English calendar, an approximation of the usual pattern:

- autumn 1 starts on the first Monday of September; the autumn half-term break is the week of the last
  Monday of October; autumn 2 ends on the last Friday on or before 20 December (Christmas);
- spring 1 starts on the first Monday on or after 2 January; the spring half-term break is the week of
  the third Monday of February;
- the Easter break is the two weeks from the Monday before Easter Sunday (Holy Week and Easter week), so
  spring 2 ends on the Friday before it and summer 1 starts on the Monday after Easter Monday's week;
- the summer half-term break is the week of the late-May bank holiday (the last Monday of May); summer 2
  ends on the last weekday on or before 22 July.

Visits fall on working days: Monday to Friday inside a half-term, except the bank holidays that can fall in
term time (the early-May bank holiday, and Good Friday and Easter Monday when an LA's dates include them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from headway.accounts import audit
from headway.accounts.models import User
from headway.schools.models import LocalAuthority
from headway.visits.models import AcademicYear, HalfTerm

HALF_TERM_NAMES = ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2")
MONDAY, FRIDAY = 0, 4
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Term:
    number: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian, or Meeus/Jones/Butcher, rule)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _last_weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def bank_holidays(start_year: int) -> set[dt.date]:
    """England's bank holidays that can fall in term time in the academic year starting ``start_year``."""
    year = start_year + 1
    easter = easter_sunday(year)
    return {
        easter - 2 * DAY,  # Good Friday
        easter + DAY,  # Easter Monday
        _first_weekday_on_or_after(dt.date(year, 5, 1), MONDAY),  # early May
        _last_weekday_on_or_before(dt.date(year, 5, 31), MONDAY),  # late May (spring)
        _last_weekday_on_or_before(dt.date(start_year, 8, 31), MONDAY),  # summer (August)
    }


def english_calendar(start_year: int) -> list[Term]:
    """The default English half-terms of the academic year starting in September ``start_year``."""
    year = start_year + 1
    autumn = _first_weekday_on_or_after(dt.date(start_year, 9, 1), MONDAY)
    october_break = _last_weekday_on_or_before(dt.date(start_year, 10, 31), MONDAY)
    christmas = _last_weekday_on_or_before(dt.date(start_year, 12, 20), FRIDAY)
    spring = _first_weekday_on_or_after(dt.date(year, 1, 2), MONDAY)
    february_break = _first_weekday_on_or_after(dt.date(year, 2, 1), MONDAY) + 2 * WEEK
    easter_break = easter_sunday(year) - 6 * DAY
    may_break = _last_weekday_on_or_before(dt.date(year, 5, 31), MONDAY)
    summer_end = dt.date(year, 7, 22)
    while summer_end.weekday() > FRIDAY:
        summer_end -= DAY
    dates = [
        (autumn, october_break - 3 * DAY),
        (october_break + WEEK, christmas),
        (spring, february_break - 3 * DAY),
        (february_break + WEEK, easter_break - 3 * DAY),
        (easter_break + 2 * WEEK, may_break - 3 * DAY),
        (may_break + WEEK, summer_end),
    ]
    return [
        Term(number, name, starts, ends)
        for number, (name, (starts, ends)) in enumerate(zip(HALF_TERM_NAMES, dates, strict=True), start=1)
    ]


def academic_year_ensure(local_authority: LocalAuthority, start_year: int) -> AcademicYear:
    """The LA's academic year starting in ``start_year``, with its six half-terms. Missing half-terms are
    written from the default English calendar; dates an LA has set are never changed."""
    with transaction.atomic():
        year, _ = AcademicYear.objects.get_or_create(local_authority=local_authority, start_year=start_year)
        have = set(year.half_terms.values_list("number", flat=True))
        HalfTerm.objects.bulk_create(
            [
                HalfTerm(
                    academic_year=year,
                    number=term.number,
                    name=term.name,
                    starts_on=term.starts_on,
                    ends_on=term.ends_on,
                )
                for term in english_calendar(start_year)
                if term.number not in have
            ]
        )
    return year


def working_days(half_term: HalfTerm | Term, *, holidays: set[dt.date] | None = None) -> list[dt.date]:
    """Monday to Friday inside the half-term, bank holidays excepted."""
    closed = holidays if holidays is not None else set()
    days = []
    day = half_term.starts_on
    while day <= half_term.ends_on:
        if day.weekday() <= FRIDAY and day not in closed:
            days.append(day)
        day += DAY
    return days


def fortnightly_dates(half_terms: list[HalfTerm], *, holidays: set[dt.date]) -> list[dt.date]:
    """One date a fortnight of term time: in each half-term its first working day and every 14 days after,
    each moved to the next working day if it falls on a bank holiday."""
    dates = []
    for half_term in half_terms:
        days = working_days(half_term, holidays=holidays)
        if not days:
            continue
        target = days[0]
        while target <= half_term.ends_on:
            on = next((d for d in days if d >= target), None)
            if on is None:
                break
            dates.append(on)
            target += 2 * WEEK
    return dates


def half_term_on(half_terms: list[HalfTerm], day: dt.date) -> HalfTerm | None:
    """The half-term ``day`` falls in, or the next one when it falls in a break."""
    for half_term in half_terms:
        if day <= half_term.ends_on:
            return half_term
    return None


def half_term_dates_set(
    *, half_term: HalfTerm, starts_on: dt.date, ends_on: dt.date, by: User, reason: str = ""
) -> HalfTerm:
    """Change a half-term's dates (an LA's own calendar). Audited. Rebuild the plan to follow them."""
    if ends_on < starts_on:
        raise ValueError(f"{half_term.name} cannot end before it starts.")
    if (half_term.starts_on, half_term.ends_on) == (starts_on, ends_on):
        return half_term
    with transaction.atomic():
        before = {"starts_on": half_term.starts_on, "ends_on": half_term.ends_on}
        half_term.starts_on, half_term.ends_on = starts_on, ends_on
        half_term.save(update_fields=["starts_on", "ends_on"])
        audit.record(
            actor=by,
            verb="calendar.half_term_changed",
            target=half_term,
            before=before,
            after={"starts_on": starts_on, "ends_on": ends_on},
            reason=reason,
        )
    return half_term
