"""The evidence a categorisation policy can read, gathered in bulk for many schools at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from headway.inspections.standing import standings
from headway.performance.catalogue import catalogue
from headway.performance.models import SchoolResult
from headway.performance.standards import Figure, evaluate, standards
from headway.queries import in_chunks
from headway.risk.models import OfficerJudgement
from headway.schools.models import Establishment

#: Every name a policy condition may read, and what it means.
EVIDENCE: dict[str, str] = {
    "inspected": "the school (or the predecessor whose outcome it still carries) has an inspection that judged it",
    "latest_grade": "latest overall grade when the latest inspection was a graded one (1 outstanding .. 4 inadequate;"
    " the worst key judgement where there was no overall grade)",
    "latest_category": "category of concern at the latest inspection that judged the school (SM, SWK, RSI)",
    "grade_age_years": "years since the latest inspection that judged the school (graded or report card)",
    "report_card_lowest": "lowest report-card area grade (1 urgent improvement .. 5 exceptional)",
    "leadership_and_governance": "report-card grade for leadership and governance (1 urgent improvement .. 5)",
    "areas_below_expected": "how many report-card areas are below the expected standard",
    "report_card": "the latest inspection that judged the school was a report card",
    "safeguarding_met": "safeguarding effective / met at the latest inspection that judged the school",
    "previous_grade": "the graded outcome before the latest inspection (the OEIF grade before a report card)",
    "good_or_better": "good or better at the latest inspection (report card: no area below expected, safeguarding met)",
    "stuck": "stuck: below good at the latest two inspections, as the accountability rules define it",
    "rise_eligible": "eligible for RISE targeted intervention",
    "in_inspection_window": "the next inspection's window has opened",
    "governance": "maintained, academy, independent or other",
    "phase": "phase of education",
    "type_name": "type of establishment, e.g. Pupil referral unit",
    "type_group": "GIAS's group of establishment types, e.g. Local authority maintained schools, Academies, Colleges",
    "sixth_form": "the school has a sixth form",
    "floor_below": "below a floor standard in the latest year of results",
    "coasting": "meets a coasting definition in the latest year of results",
    "significantly_below": "progress measures significantly below national in the latest year",
    "risk": "predicted probability that the next inspection is below good",
    "capacity_to_improve": "officer judgement: A strong, B good, C limited, D weak",
    "leadership_concern": "officer judgement: serious concern about leadership",
    "governance_concern": "officer judgement: serious concern about governance",
    "safeguarding_concern": "officer judgement: concern about safeguarding or pupils' safety",
    "would_be_ri_now": "officer judgement: would be judged requires improvement or worse now",
}


def evidence_names() -> set[str]:
    """Every name a categorisation rule may read: Headway's evidence and the LA's local indicators."""
    from headway.risk.local_evidence import indicators

    return set(EVIDENCE) | set(indicators())


BOOLEAN_JUDGEMENTS = {"leadership_concern", "governance_concern", "safeguarding_concern", "would_be_ri_now"}


def results_available(year: int, as_of: dt.date) -> bool:
    """Results for the summer of ``year`` are published by mid-December that year (KS4 revised later)."""
    return dt.date(year, 12, 15) <= as_of


def _judgements(ids: Sequence[int], as_of: dt.date) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for chunk in in_chunks(ids):
        for establishment_id, kind, value in (
            OfficerJudgement.objects.filter(establishment_id__in=chunk, made_on__lte=as_of)
            .order_by("made_on", "recorded_at")
            .values_list("establishment_id", "kind", "value")
        ):
            found.setdefault(establishment_id, {})[kind] = (
                value.strip().lower() in {"yes", "true", "y"} if kind in BOOLEAN_JUDGEMENTS else value.strip().upper()
            )
    return found


def _local_evidence(ids: Sequence[int], as_of: dt.date) -> dict[int, dict[str, Any]]:
    """The latest value of each of the LA's own indicators recorded on or before ``as_of``, as rules read them
    (yes/no as true/false, numbers as numbers). An indicator never recorded for a school is not known (None)."""
    from headway.risk.local_evidence import indicators
    from headway.schools.models import LocalEvidenceValue

    declared = indicators()
    found: dict[int, dict[str, Any]] = {pk: {name: None for name in declared} for pk in ids}
    for chunk in in_chunks(ids):
        for establishment_id, name, value in (
            LocalEvidenceValue.objects.filter(establishment_id__in=chunk, recorded_on__lte=as_of)
            .order_by("recorded_on", "recorded_at", "id")
            .values_list("establishment_id", "name", "value")
        ):
            indicator = declared.get(name)
            if indicator is None:
                continue  # an indicator no longer declared is not evidence
            try:
                found[establishment_id][name] = indicator.parse(value)
            except ValueError:
                continue
    return found


def _data_flags(urns: Mapping[int, int], as_of: dt.date) -> dict[int, tuple[bool, bool, int]]:
    """(below floor, coasting, progress measures significantly below) for each establishment id."""
    progress = {m.code for m in catalogue().measures.values() if m.unit == "progress"}
    needed: set[str] = set(progress)
    for rule in standards():
        stack: list[Any] = [rule.condition]
        while stack:
            condition = stack.pop()
            stack.extend(condition.get("all", []) + condition.get("any", []))
            if "measure" in condition:
                needed.add(condition["measure"])
    by_school: dict[int, dict[int, dict[str, Figure]]] = {}
    latest: dict[int, int] = {}
    significantly: dict[tuple[int, int], int] = {}
    urn_list = list(urns)
    years = [year for year in range(as_of.year - 4, as_of.year + 1) if results_available(year, as_of)]
    zero = Decimal(0)
    for chunk in in_chunks(urn_list):
        for urn, year, measure, value, upper in SchoolResult.objects.filter(
            urn__in=chunk, measure__in=sorted(needed), year__in=years
        ).values_list("urn", "year", "measure", "value", "upper"):
            by_school.setdefault(urn, {}).setdefault(year, {})[measure] = Figure(value, upper)
            if value is not None:
                latest[urn] = max(year, latest.get(urn, 0))
            if upper is not None and upper < zero and measure in progress:
                significantly[(urn, year)] = significantly.get((urn, year), 0) + 1
    flags: dict[int, tuple[bool, bool, int]] = {}
    rules = standards()
    for urn, establishment_id in urns.items():
        figures = by_school.get(urn)
        if not figures or urn not in latest:
            continue
        year = latest[urn]
        # only the latest year's flags are read (as ``school_standards`` gives them, that year's alone)
        outcomes = [evaluate(rule, figures, year) for rule in rules if year in rule.years]
        flags[establishment_id] = (
            any(f.kind == "floor" and f.outcome == "below" for f in outcomes),
            any(f.kind == "coasting" and f.outcome == "below" for f in outcomes),
            significantly.get((urn, year), 0),
        )
    return flags


#: The evidence that comes from each school's standing (its inspections), and from its results.
STANDING_EVIDENCE = frozenset(
    {
        "inspected",
        "latest_grade",
        "latest_category",
        "grade_age_years",
        "report_card_lowest",
        "leadership_and_governance",
        "areas_below_expected",
        "report_card",
        "safeguarding_met",
        "previous_grade",
        "good_or_better",
        "stuck",
        "rise_eligible",
        "in_inspection_window",
    }
)
RESULTS_EVIDENCE = frozenset({"floor_below", "coasting", "significantly_below"})


def gather_evidence(
    establishments: Sequence[Establishment],
    *,
    as_of: dt.date,
    risk: Mapping[int, float] | None = None,
    names: Collection[str] | None = None,
) -> dict[int, dict[str, Any]]:
    """The evidence of every school, keyed by establishment id, as it stood on ``as_of``. With ``names`` (e.g.
    every name a policy's conditions read), only that evidence is read and given."""
    wanted = None if names is None else set(names)

    def needed(family: Collection[str]) -> bool:
        return wanted is None or not wanted.isdisjoint(family)

    ids = [e.pk for e in establishments]
    standing = standings(establishments, as_of=as_of) if needed(STANDING_EVIDENCE) else {}
    judgements = _judgements(ids, as_of) if needed(OfficerJudgement.Kind.values) else {}
    local = _local_evidence(ids, as_of) if wanted is None or not wanted <= set(EVIDENCE) else {}
    flags = _data_flags({e.urn: e.pk for e in establishments}, as_of) if needed(RESULTS_EVIDENCE) else {}
    evidence: dict[int, dict[str, Any]] = {}
    for school in establishments:
        item: dict[str, Any] = {}
        if standing:
            facts = standing[school.pk].facts
            latest_on = facts["latest_on"]
            item.update(
                {
                    "inspected": facts["inspected"],
                    "latest_grade": facts["latest_grade"],
                    "latest_category": facts["category"] or "",
                    "grade_age_years": round((as_of - latest_on).days / 365.25, 1) if latest_on else None,
                    "report_card_lowest": facts["lowest_area"],
                    "leadership_and_governance": facts["leadership_and_governance"],
                    "areas_below_expected": facts["areas_below_expected"],
                    "report_card": facts["latest_kind"] == "report_card",
                    "safeguarding_met": facts["safeguarding_met"],
                    "previous_grade": facts["previous_grade"],
                    "good_or_better": facts["good_or_better"],
                    "stuck": facts["stuck"],
                    "rise_eligible": facts["rise_eligible"],
                    "in_inspection_window": standing[school.pk].in_window,
                }
            )
        item.update(
            {
                "governance": school.governance,
                "phase": school.phase,
                "type_name": school.type_name,
                "type_group": school.type_group,
                "sixth_form": school.sixth_form.lower().startswith("has"),
            }
        )
        if needed(RESULTS_EVIDENCE):
            floor, coasting, below = flags.get(school.pk, (None, None, None))
            item.update({"floor_below": floor, "coasting": coasting, "significantly_below": below})
        item["risk"] = risk.get(school.pk) if risk else None
        if needed(OfficerJudgement.Kind.values):
            for kind in OfficerJudgement.Kind.values:
                item[kind] = judgements.get(school.pk, {}).get(kind)
        item.update(local.get(school.pk, {}))
        evidence[school.pk] = item if wanted is None else {name: item[name] for name in wanted if name in item}
    return evidence
