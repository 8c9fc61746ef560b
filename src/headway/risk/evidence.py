"""The evidence a categorisation policy can read, gathered in bulk for many schools at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from headway.inspections.standing import standings_frame
from headway.performance.catalogue import catalogue
from headway.performance.models import SchoolResult
from headway.performance.standards import standards
from headway.queries import rows_for, stored_frame_for
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
    fields = ("establishment_id", "kind", "value", "made_on", "recorded_at", "id")
    rows = rows_for(OfficerJudgement.objects.filter(made_on__lte=as_of), "establishment_id", set(ids), fields)
    for establishment_id, kind, value, *_ in sorted(rows, key=lambda row: row[3:]):  # the latest last
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
    fields = ("establishment_id", "name", "value", "recorded_on", "recorded_at", "id")
    rows = rows_for(LocalEvidenceValue.objects.filter(recorded_on__lte=as_of), "establishment_id", set(ids), fields)
    for establishment_id, name, value, *_ in sorted(rows, key=lambda row: row[3:]):  # the latest last
        indicator = declared.get(name)
        if indicator is None:
            continue  # an indicator no longer declared is not evidence
        try:
            found[establishment_id][name] = indicator.parse(value)
        except ValueError:
            continue
    return found


def _standards_needed() -> tuple[set[str], set[str]]:
    """The progress measures (for "significantly below") and every measure a floor or coasting rule reads."""
    progress = {m.code for m in catalogue().measures.values() if m.unit == "progress"}
    needed: set[str] = set(progress)
    for rule in standards():
        stack: list[Any] = [rule.condition]
        while stack:
            condition = stack.pop()
            stack.extend(condition.get("all", []) + condition.get("any", []))
            if "measure" in condition:
                needed.add(condition["measure"])
    return progress, needed


def _standard_expression(condition: Mapping[str, Any]) -> Any:
    """A standard's condition as a Polars expression over one school-year row (a column per measure's value and
    upper limit). Polars' three-valued logic is the standards' own: a missing figure makes a comparison null
    (not known), "all" is false if any part is false, else null if any part is null; "any" is true if any part
    is true, else null if any is null (``headway.performance.standards._holds`` decides one school the same way).
    Figures are compared as floats, the threshold too: both are decimals of a few places, and their nearest
    floats keep their order (equal decimals give equal floats)."""
    import polars as pl

    if "all" in condition or "any" in condition:
        parts = [_standard_expression(part) for part in condition.get("all", condition.get("any", []))]
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if "all" in condition else (combined | part)
        return combined
    if "upper_below" in condition:
        return pl.col(f"upper {condition['measure']}") < float(Decimal(str(condition["upper_below"])))
    return pl.col(f"value {condition['measure']}") < float(Decimal(str(condition["below"])))


def _result_frame(urns: Collection[int], measures: Collection[str], years: Sequence[int]) -> Any:
    """(urn, year, measure, value, upper) of the schools' results as a Polars frame, the figures as floats (cast
    in the query, so that no value is converted to a Decimal one by one)."""
    import polars as pl
    from django.db.models import FloatField
    from django.db.models.functions import Cast

    # The years as a range, not a list: SQLite would otherwise look up every school, year and measure in the
    # results' unique index, found or not (two million look-ups for a national round's 180,000 figures).
    query = SchoolResult.objects.filter(measure__in=sorted(measures), year__range=(min(years), max(years))).annotate(
        value_f=Cast("value", FloatField()), upper_f=Cast("upper", FloatField())
    )
    schema = {"urn": pl.Int64, "year": pl.Int64, "measure": pl.Utf8, "value": pl.Float64, "upper": pl.Float64}
    fields = ("urn", "year", "measure", "value_f", "upper_f")
    frame = stored_frame_for(query, "urn", set(urns), fields, schema, strict=False)
    if len(set(years)) == max(years) - min(years) + 1:  # every year of the range (as a round asks)
        return frame
    return frame.filter(pl.col("year").is_in(list(years)))


def _data_flags(urns: Mapping[int, int], as_of: dt.date) -> dict[int, tuple[bool, bool, int]]:
    """(below floor, coasting, progress measures significantly below) for each establishment id, in the latest
    year in which the school has a figure (of the five before ``as_of`` whose results were out by then), as
    ``headway.performance.standards.school_standards`` gives that year's flags: a rule flags the school when its
    condition held in that year (and, for coasting, in each of the years before it that it counts). Worked out
    for every school at once with Polars (a national round: 21,000 schools, 180,000 figures)."""
    import polars as pl

    progress, needed = _standards_needed()
    years = [year for year in range(as_of.year - 4, as_of.year + 1) if results_available(year, as_of)]
    if not urns or not years:
        return {}
    frame = _result_frame(urns, needed, years)
    if frame.is_empty():
        return {}
    latest = frame.filter(pl.col("value").is_not_null()).group_by("urn").agg(pl.col("year").max().alias("latest"))
    significantly = (
        frame.join(latest, on="urn")
        .filter(
            (pl.col("year") == pl.col("latest")) & pl.col("measure").is_in(sorted(progress)) & (pl.col("upper") < 0.0)
        )
        .group_by("urn")
        .agg(pl.len().alias("significantly"))
    )
    # One row per school and year, with each measure's value and upper limit as columns (null where missing).
    # (Polars names a column of two values pivoted at once "value_<measure>" and "upper_<measure>".)
    wide = frame.pivot(on="measure", index=["urn", "year"], values=["value", "upper"], aggregate_function="first")
    wide = wide.rename(lambda name: name if name in {"urn", "year"} else name.replace("_", " ", 1))
    wide = wide.with_columns(
        pl.lit(None, dtype=pl.Float64).alias(f"{part} {measure}")
        for measure in sorted(needed)
        for part in ("value", "upper")
        if f"{part} {measure}" not in wide.columns
    )
    rules = list(standards())
    holds = wide.select(
        "urn", "year", *(_standard_expression(r.condition).alias(f"rule {i}") for i, r in enumerate(rules))
    )
    # Each school's latest year, with each rule's outcome in that year and in the years before it that coasting
    # counts ("rule i, k" is rule i in the latest year minus k; null where not known or no figures that year).
    decided = latest
    for back in range(max((r.consecutive_years for r in rules), default=1)):
        decided = decided.join(
            holds.select(
                "urn",
                (pl.col("year") + back).alias("latest"),
                *(pl.col(f"rule {i}").alias(f"rule {i}, {back}") for i in range(len(rules))),
            ),
            on=["urn", "latest"],
            how="left",
        )

    def below(kind: str) -> Any:
        flagged = [
            pl.col("latest").is_in(list(rule.years))
            & pl.all_horizontal(pl.col(f"rule {i}, {back}").fill_null(False) for back in range(rule.consecutive_years))
            for i, rule in enumerate(rules)
            if rule.kind == kind
        ]
        return pl.any_horizontal(flagged) if flagged else pl.lit(False)

    result = decided.join(significantly, on="urn", how="left").select(
        "urn",
        below("floor").alias("floor"),
        below("coasting").alias("coasting"),
        pl.col("significantly").fill_null(0),
    )
    return {urns[urn]: (floor, coasting, count) for urn, floor, coasting, count in result.iter_rows()}


#: The evidence that comes from each school's standing (its inspections), in the order ``_standing_evidence``
#: gives it, and the evidence from its results.
STANDING_NAMES = (
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
)
STANDING_EVIDENCE = frozenset(STANDING_NAMES)
RESULTS_EVIDENCE = frozenset({"floor_below", "coasting", "significantly_below"})


def _standing_evidence(establishments: Sequence[Establishment], as_of: dt.date) -> list[tuple[Any, ...]]:
    """The evidence from each school's standing (``STANDING_NAMES``), a row for each school in the order given,
    worked out as columns (``standings_frame``)."""
    import polars as pl

    latest_on = pl.col("latest_on")
    rows: list[tuple[Any, ...]] = (
        standings_frame(establishments, as_of=as_of)
        .select(
            "inspected",
            "latest_grade",
            pl.col("category").fill_null("").alias("latest_category"),
            ((pl.lit(as_of) - latest_on).dt.total_days() / 365.25).round(1).alias("grade_age_years"),
            pl.col("lowest_area").alias("report_card_lowest"),
            "leadership_and_governance",
            "areas_below_expected",
            (pl.col("latest_kind") == "report_card").fill_null(False).alias("report_card"),
            "safeguarding_met",
            "previous_grade",
            "good_or_better",
            "stuck",
            "rise_eligible",
            (pl.col("opens") <= as_of).fill_null(False).alias("in_inspection_window"),
        )
        .rows()
    )
    return rows


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

    ids = [e.id for e in establishments]
    judgement_kinds = list(OfficerJudgement.Kind.values)  # (Django builds this list each time it is asked)
    wants_judgements = needed(judgement_kinds)
    standing: list[tuple[Any, ...] | None] = (
        list(_standing_evidence(establishments, as_of)) if needed(STANDING_EVIDENCE) else [None] * len(ids)
    )
    judgements = _judgements(ids, as_of) if wants_judgements else {}
    local = _local_evidence(ids, as_of) if wanted is None or not wanted <= set(EVIDENCE) else {}
    wants_results = needed(RESULTS_EVIDENCE)
    flags = _data_flags({e.urn: e.id for e in establishments}, as_of) if wants_results else {}
    evidence: dict[int, dict[str, Any]] = {}
    no_flags = (None, None, None)
    for school, standing_row in zip(establishments, standing, strict=True):
        pk = school.id
        item: dict[str, Any] = {} if standing_row is None else dict(zip(STANDING_NAMES, standing_row, strict=True))
        item.update(
            {
                "governance": school.governance,
                "phase": school.phase,
                "type_name": school.type_name,
                "type_group": school.type_group,
                "sixth_form": school.sixth_form.lower().startswith("has"),
            }
        )
        if wants_results:
            floor, coasting, below = flags.get(pk, no_flags)
            item.update({"floor_below": floor, "coasting": coasting, "significantly_below": below})
        item["risk"] = risk.get(pk) if risk else None
        if wants_judgements:
            judged = judgements.get(pk, {})
            for kind in judgement_kinds:
                item[kind] = judged.get(kind)
        if local:
            item.update(local.get(pk, {}))
        evidence[pk] = item if wanted is None else {name: item[name] for name in wanted if name in item}
    return evidence
