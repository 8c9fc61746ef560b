"""The terms the LA reports and counts capacity by (autumn, spring, summer) and academic years. These are fixed
calendar spans, not an LA's own term dates (those are ``headway.visits.calendar``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A school term as the LA counts capacity: autumn 1 September-31 December, spring 1 January-31 March,
    summer 1 April-31 August."""

    name: str
    year: int
    starts_on: dt.date
    ends_on: dt.date

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term {self.year}"

    @property
    def slug(self) -> str:
        return f"{self.name}-{self.year}"


TERM_SLUG = re.compile(r"^(autumn|spring|summer)-(\d{4})$")


def term_named(name: str, year: int) -> Term:
    if name == "autumn":
        return Term(name, year, dt.date(year, 9, 1), dt.date(year, 12, 31))
    if name == "spring":
        return Term(name, year, dt.date(year, 1, 1), dt.date(year, 3, 31))
    if name == "summer":
        return Term(name, year, dt.date(year, 4, 1), dt.date(year, 8, 31))
    raise ValueError(f"No term called {name!r}.")


def term_containing(day: dt.date) -> Term:
    if day.month >= 9:
        return term_named("autumn", day.year)
    if day.month <= 3:
        return term_named("spring", day.year)
    return term_named("summer", day.year)


def term_from_slug(slug: str) -> Term | None:
    """``autumn-2025`` and the like; None when the text is not a term."""
    found = TERM_SLUG.match(slug.strip().lower())
    if found is None or int(found.group(2)) < dt.MINYEAR:
        return None
    return term_named(found.group(1), int(found.group(2)))


def terms_touched(starts_on: dt.date, ends_on: dt.date) -> list[Term]:
    """The terms a period overlaps, in order."""
    terms: list[Term] = []
    day = starts_on
    while day <= ends_on:
        term = term_containing(day)
        terms.append(term)
        day = term.ends_on + dt.timedelta(days=1)
    return terms


def academic_year(day: dt.date) -> int:
    """The year an academic year starts (2025 for 2025/26): from 1 September."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"
