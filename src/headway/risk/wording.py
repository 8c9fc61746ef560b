"""The evidence a categorisation rule read, in the words an officer or headteacher would use."""

from __future__ import annotations

from typing import Any

from headway.inspections.models import CategoryOfConcern, OverallGrade, ReportCardGrade

#: What each piece of evidence is called on screen.
EVIDENCE_NAMES: dict[str, str] = {
    "inspected": "Inspected",
    "latest_grade": "Latest graded outcome",
    "latest_category": "Category of concern",
    "grade_age_years": "Years since the latest inspection",
    "report_card_lowest": "Lowest report-card area",
    "leadership_and_governance": "Leadership and governance",
    "areas_below_expected": "Report-card areas below the expected standard",
    "report_card": "Latest inspection a report card",
    "safeguarding_met": "Safeguarding",
    "previous_grade": "Graded outcome before the latest",
    "good_or_better": "Good or better",
    "stuck": "Stuck (below good at the last two inspections)",
    "rise_eligible": "Eligible for RISE targeted intervention",
    "in_inspection_window": "Inspection window open",
    "governance": "Governance",
    "phase": "Phase",
    "type_name": "Type of school",
    "sixth_form": "Sixth form",
    "floor_below": "Below the floor standard",
    "coasting": "Coasting",
    "significantly_below": "Progress measures significantly below national",
    "risk": "Predicted risk of a below-good inspection",
    "capacity_to_improve": "Capacity to improve (officer's judgement)",
    "leadership_concern": "Serious concern about leadership (officer's judgement)",
    "governance_concern": "Serious concern about governance (officer's judgement)",
    "safeguarding_concern": "Concern about safeguarding (officer's judgement)",
    "would_be_ri_now": "Would be judged below good now (officer's judgement)",
    "standards_group": "Standards group",
}
GRADES = {int(g): str(g.label).lower() for g in OverallGrade}
REPORT_CARD = {int(g): str(g.label).lower() for g in ReportCardGrade}
CAPACITY = {"A": "strong", "B": "good", "C": "limited", "D": "weak"}


def value_in_words(name: str, value: Any) -> str:
    if value is None or value == "":
        return "none" if name == "latest_category" else "not known"
    if name in {"latest_grade", "previous_grade"} and isinstance(value, int):
        return GRADES.get(value, str(value))
    if name in {"report_card_lowest", "leadership_and_governance"} and isinstance(value, int):
        return REPORT_CARD.get(value, str(value))
    if name == "latest_category":
        return str(CategoryOfConcern(value).label).lower() if value in CategoryOfConcern.values else str(value)
    if name == "safeguarding_met" and isinstance(value, bool):
        return "met" if value else "not met"
    if name == "risk" and isinstance(value, float):
        return f"{value:.0%}"
    if name == "capacity_to_improve":
        return CAPACITY.get(str(value), str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def evidence_in_words(name: str, value: Any) -> str:
    """'Leadership and governance: needs attention', never 'leadership_and_governance = 2'."""
    return f"{EVIDENCE_NAMES.get(name, name.replace('_', ' ').capitalize())}: {value_in_words(name, value)}"
