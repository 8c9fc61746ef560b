"""Which framework an inspection was made under, and how published outcomes read as grades."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway.imports.rows import quoted
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
    raise UnknownOutcome(f"{quoted(value)} is not an Ofsted outcome")


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
    raise UnknownOutcome(f"{quoted(text.strip())} is not a report-card grade")


def category_of_concern(text: str) -> str:
    key = text.strip().lower()
    if key in UNGRADED or key in {"not in special measures", "no"}:
        return ""
    if key in {"swk", "sw", "serious weaknesses", "serious weakness"}:
        return CategoryOfConcern.SERIOUS_WEAKNESSES
    if key in {"sm", "special measures"}:
        return CategoryOfConcern.SPECIAL_MEASURES
    if key in {"rsi", "requires significant improvement", "significant improvement"}:
        return CategoryOfConcern.REQUIRES_SIGNIFICANT_IMPROVEMENT
    raise UnknownOutcome(
        f"{quoted(text.strip())} is not a category of concern (expected SM, SWK, RSI or none: special measures, "
        "serious weaknesses, requires significant improvement)"
    )


LEADERSHIP_AND_GOVERNANCE = "Leadership and governance"


def report_card_category(areas: dict[str, int], safeguarding_met: bool | None) -> str:
    """The category of concern a report card implies, by Ofsted's rules (November 2025 toolkit):

    * special measures when leadership and governance is urgent improvement and another area is urgent
      improvement or safeguarding is not met;
    * requires significant improvement when any other area is urgent improvement, or safeguarding is not met,
      or leadership and governance alone is urgent improvement;
    * otherwise none.
    """
    urgent = ReportCardGrade.URGENT_IMPROVEMENT
    leadership_urgent = areas.get(LEADERSHIP_AND_GOVERNANCE) == urgent
    other_urgent = any(grade == urgent for area, grade in areas.items() if area != LEADERSHIP_AND_GOVERNANCE)
    safeguarding_not_met = safeguarding_met is False
    if leadership_urgent and (other_urgent or safeguarding_not_met):
        return CategoryOfConcern.SPECIAL_MEASURES
    if other_urgent or safeguarding_not_met or leadership_urgent:
        return CategoryOfConcern.REQUIRES_SIGNIFICANT_IMPROVEMENT
    return ""


@dataclass(frozen=True)
class UngradedOutcome:
    """What an ungraded inspection's published outcome says, e.g. 'School remains Good (Concerns) - S5 Next'."""

    text: str
    graded_next: bool  # a graded (section 5) inspection should follow soon ("S5 Next")
    concerns: bool  # the inspectors had concerns, or the school is "not as strong"
    improving: bool  # the school may be better than its grade ("Improving", "may be outstanding")


def ungraded_outcome(text: str) -> UngradedOutcome:
    key = " ".join(text.lower().split())
    return UngradedOutcome(
        text=text.strip(),
        graded_next="s5 next" in key or "section 5 next" in key or "graded inspection next" in key,
        concerns="concern" in key or "not as strong" in key or "declin" in key,
        improving="improving" in key
        or "improved" in key
        or "may be outstanding" in key
        or "could be outstanding" in key,
    )


def safeguarding(text: str) -> bool | None:
    key = text.strip().lower()
    if key in {"yes", "met", "effective", "1", "true"}:
        return True
    if key in {"no", "not met", "not effective", "ineffective", "0", "false"}:
        return False
    if key in UNGRADED:
        return None
    raise UnknownOutcome(f"{quoted(text.strip())} is not a safeguarding outcome (expected Yes/No or Met/Not met)")
