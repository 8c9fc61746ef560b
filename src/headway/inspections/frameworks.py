"""Which framework an inspection was made under, and how published outcomes read as grades."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway.inspections.models import CategoryOfConcern, Framework, ReportCardGrade

FRAMEWORK_STARTS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2025, 11, 10), Framework.REPORT_CARD_2025),
    (dt.date(2024, 9, 1), Framework.NO_OVERALL_2024),
    (dt.date(2019, 9, 1), Framework.EIF_2019),
    (dt.date(2015, 9, 1), Framework.CIF_2015),
    (dt.date(2012, 9, 1), Framework.SECTION_5_2012),
    (dt.date(2005, 9, 1), Framework.SECTION_5_2005),
)


def framework_on(date: dt.date) -> str:
    """The framework in force on the day an inspection started."""
    for start, framework in FRAMEWORK_STARTS:
        if date >= start:
            return framework
    return Framework.PRE_2005


@dataclass(frozen=True)
class Outcome:
    grade: int | None
    label: str
    category_of_concern: str = ""


OUTCOMES = {
    "outstanding": Outcome(1, "Outstanding"),
    "good": Outcome(2, "Good"),
    "requires improvement": Outcome(3, "Requires improvement"),
    "satisfactory": Outcome(3, "Satisfactory"),
    "inadequate": Outcome(4, "Inadequate"),
    "serious weaknesses": Outcome(4, "Inadequate", CategoryOfConcern.SERIOUS_WEAKNESSES),
    "special measures": Outcome(4, "Inadequate", CategoryOfConcern.SPECIAL_MEASURES),
}
NUMERIC_LABELS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
#: Published text that means "no grade was given", not an error.
UNGRADED = {
    "",
    "9",
    "null",
    "na",
    "n/a",
    "not judged",
    "insufficient evidence",
    "not applicable",
    "does not apply",
    "none",
    "-",
}


class UnknownOutcome(ValueError):
    pass


def overall_outcome(text: str, *, on: dt.date | None = None) -> Outcome:
    """Read a published overall outcome: a word ('Good', 'Special Measures') or a number (1-4).
    A grade 3 before September 2012 was 'Satisfactory'."""
    value = text.strip()
    key = value.lower()
    if key in UNGRADED:
        return Outcome(None, "")
    if key in OUTCOMES:
        return OUTCOMES[key]
    if key.isdigit() and int(key) in NUMERIC_LABELS:
        grade = int(key)
        label = NUMERIC_LABELS[grade]
        if grade == 3 and on is not None and on < dt.date(2012, 9, 1):
            label = "Satisfactory"
        return Outcome(grade, label)
    raise UnknownOutcome(f"{value!r} is not an Ofsted outcome")


def four_point_grade(text: str) -> int | None:
    outcome = overall_outcome(text)
    return outcome.grade


REPORT_CARD_LABELS = {grade.label.lower(): int(grade) for grade in ReportCardGrade}


def report_card_grade(text: str) -> int | None:
    """A report-card evaluation-area grade: its words ('Needs attention') or its number (1 urgent
    improvement ... 5 exceptional)."""
    key = text.strip().lower()
    if key in UNGRADED:
        return None
    if key in REPORT_CARD_LABELS:
        return REPORT_CARD_LABELS[key]
    if key.isdigit() and 1 <= int(key) <= 5:
        return int(key)
    raise UnknownOutcome(f"{text.strip()!r} is not a report-card grade")


def category_of_concern(text: str) -> str:
    key = text.strip().lower()
    if key in UNGRADED or key in {"not in special measures", "no"}:
        return ""
    if key in {"swk", "sw", "serious weaknesses", "serious weakness"}:
        return CategoryOfConcern.SERIOUS_WEAKNESSES
    if key in {"sm", "special measures"}:
        return CategoryOfConcern.SPECIAL_MEASURES
    raise UnknownOutcome(f"{text.strip()!r} is not a category of concern")


def safeguarding(text: str) -> bool | None:
    key = text.strip().lower()
    if key in {"yes", "met", "effective", "1", "true"}:
        return True
    if key in {"no", "not met", "not effective", "ineffective", "0", "false"}:
        return False
    if key in UNGRADED:
        return None
    raise UnknownOutcome(f"{text.strip()!r} is not a safeguarding outcome (expected Yes/No or Met/Not met)")
