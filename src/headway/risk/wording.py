"""The evidence a categorisation rule read, in the words an officer or headteacher would use."""

from __future__ import annotations

import datetime as dt
import re
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
    "type_group": "Group of school types",
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


def evidence_name(name: str) -> str:
    """What a piece of evidence is called on screen: Headway's own, else the LA's own indicator's label (its
    configuration), else the name in words."""
    if name in EVIDENCE_NAMES:
        return EVIDENCE_NAMES[name]
    from headway.risk.local_evidence import indicators

    try:
        local = indicators().get(name)
    except ValueError:  # a broken configuration file: ``headway config check`` reports it
        local = None
    return local.label if local is not None else name.replace("_", " ").capitalize()


def evidence_in_words(name: str, value: Any) -> str:
    """'Leadership and governance: needs attention', never 'leadership_and_governance = 2'."""
    return f"{evidence_name(name)}: {value_in_words(name, value)}"


RISK_VERSION = re.compile(r"risk-(\d{4}-\d{2}-\d{2})-[0-9a-f]+")


def risk_source_in_words(version: str) -> str:
    """Where a round's predicted risk came from, as a round records it (``risk_model_version``), in words: "the
    previous-grade rule, with rates from inspections up to 19 April 2022", never "rule (...), rates from
    risk-2022-04-19-7301f100"."""
    if not version:
        return "none used"
    found = RISK_VERSION.search(version)
    if found is None:
        return "the risk model"
    day = dt.date.fromisoformat(found.group(1))
    up_to = f"inspections up to {day.day} {day:%B %Y}"
    if version.startswith("rule"):
        return (
            f"the previous-grade rule (latest grade worst first, then longest since inspected), with rates from {up_to}"
        )
    return f"the risk model trained on {up_to}"
