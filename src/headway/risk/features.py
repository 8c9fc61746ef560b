"""The risk model's features: what Headway knew about a school on a date, built from the evidence it holds.

Every piece of evidence has a date from which it was available (``available_from``); the features of a
school *as of* a date use only evidence available strictly before that date. This is the no-leakage rule:
it is applied in one place (``build_features`` filters every inspection and result by its availability
date) and tested by adding later evidence and checking that nothing changes.

Evidence is read from the database in bulk into Polars frames (``load_evidence``); features for many
(school, date) pairs are built at once (``build_features``), so training on every inspection in England
and ranking every open school take seconds, not a query per school.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

import polars as pl
from django.db.models import FloatField
from django.db.models.functions import Cast

from headway.inspections.models import Framework, Inspection, Judgement, ReportCardGrade
from headway.performance.models import SchoolResult
from headway.schools.models import Establishment, EstablishmentLink, Governance

# --- When evidence became available -------------------------------------------------------------------


class EvidenceKind(StrEnum):
    INSPECTION = "inspection"
    KS2 = "ks2"
    KS4 = "ks4"
    KS5 = "ks5"
    CENSUS = "census"
    ABSENCE = "absence"


#: An inspection whose publication date is unknown counts from 30 days after it started (reports are
#: published within about 25 working days; 30 calendar days is the conservative reading used here).
INSPECTION_REPORT_LAG = dt.timedelta(days=30)

#: Results for the summer of year Y: (years after Y, month, day) they are taken to be public.
#: KS2: performance tables in mid-December Y (provisional data in September are not used);
#: KS4 and 16-18: late January Y+1; the January census of Y: June Y; absence for Y: March Y+1.
RESULTS_PUBLISHED: dict[EvidenceKind, tuple[int, int, int]] = {
    EvidenceKind.KS2: (0, 12, 15),
    EvidenceKind.KS4: (1, 1, 31),
    EvidenceKind.KS5: (1, 1, 31),
    EvidenceKind.CENSUS: (0, 6, 30),
    EvidenceKind.ABSENCE: (1, 3, 31),
}


def available_from(
    kind: EvidenceKind | str,
    *,
    year: int | None = None,
    start_date: dt.date | None = None,
    publication_date: dt.date | None = None,
) -> dt.date:
    """The day a piece of evidence became public. It may be used for a prediction *as of* a later day only.

    An inspection: its publication date if known (and not before it started), else 30 days after it
    started. Results (``year`` = the summer they belong to): see ``RESULTS_PUBLISHED``."""
    kind = EvidenceKind(kind)
    if kind == EvidenceKind.INSPECTION:
        if start_date is None:
            raise ValueError("an inspection needs its start date")
        if publication_date is not None and publication_date >= start_date:
            return publication_date
        return start_date + INSPECTION_REPORT_LAG
    if year is None:
        raise ValueError(f"{kind} results need their year")
    years_after, month, day = RESULTS_PUBLISHED[kind]
    return dt.date(year + years_after, month, day)


def _inspection_available_expr() -> pl.Expr:
    """``available_from`` for a frame of inspections (start_date, publication_date)."""
    return (
        pl.when(pl.col("publication_date").is_not_null() & (pl.col("publication_date") >= pl.col("start_date")))
        .then(pl.col("publication_date"))
        .otherwise(pl.col("start_date") + pl.duration(days=INSPECTION_REPORT_LAG.days))
    )


def _results_available_expr() -> pl.Expr:
    """``available_from`` for a frame of results (dataset, year)."""
    expr: pl.Expr = pl.lit(None, dtype=pl.Date)
    for kind, (years_after, month, day) in RESULTS_PUBLISHED.items():
        expr = (
            pl.when(pl.col("dataset") == str(kind))
            .then(pl.date(pl.col("year") + years_after, month, day))
            .otherwise(expr)
        )
    return expr


# --- The evidence ---------------------------------------------------------------------------------------

#: The performance measures the model reads (catalogue codes).
RESULT_MEASURES: tuple[str, ...] = (
    "ks2.rwm_exp",
    "ks2.rwm_high",
    "ks2.read_prog",
    "ks2.writ_prog",
    "ks2.mat_prog",
    "ks4.p8",
    "ks4.att8",
    "ks4.basics_95",
    "ks4.ebacc_entry",
    "census.nor",
    "census.fsm_ever",
    "census.sen_support",
    "census.sen_ehcp",
    "census.eal",
    "absence.overall",
    "absence.persistent",
)

#: A report card's lowest evaluation-area grade read on the four-point scale, so that "needs attention"
#: or worse counts as below good, like requires improvement or inadequate.
REPORT_CARD_AS_FOUR_POINT = {
    ReportCardGrade.URGENT_IMPROVEMENT: 4,
    ReportCardGrade.NEEDS_ATTENTION: 3,
    ReportCardGrade.EXPECTED_STANDARD: 2,
    ReportCardGrade.STRONG_STANDARD: 1,
    ReportCardGrade.EXCEPTIONAL: 1,
}
CATEGORY_CODES = {"": 0, "SWK": 1, "SM": 2}

#: Establishments the model is about: state-funded schools (not independent schools or colleges).
OUT_OF_SCOPE_TYPE_GROUPS = {
    "independent school",
    "independent schools",
    "college",
    "colleges",
    "universities",
    "welsh schools",
    "online provider",
}


@dataclass(frozen=True)
class Evidence:
    """What Headway holds, as frames. ``inspections`` and ``results`` carry an ``available`` date."""

    schools: pl.DataFrame
    inspections: pl.DataFrame
    results: pl.DataFrame
    lineage: pl.DataFrame

    def without_after(self, day: dt.date) -> Evidence:
        """The same evidence less everything that became available on or after ``day``."""
        return Evidence(
            schools=self.schools,
            inspections=self.inspections.filter(pl.col("available") < day),
            results=self.results.filter(pl.col("available") < day),
            lineage=self.lineage,
        )


SCHOOL_SCHEMA = {
    "id": pl.Int64,
    "urn": pl.Int64,
    "la_code": pl.Utf8,
    "phase": pl.Utf8,
    "type_name": pl.Utf8,
    "type_group": pl.Utf8,
    "governance": pl.Utf8,
    "open_date": pl.Date,
    "close_date": pl.Date,
}
INSPECTION_SCHEMA = {
    "inspection_id": pl.Int64,
    "urn": pl.Int64,
    "start_date": pl.Date,
    "publication_date": pl.Date,
    "grade": pl.Int64,
    "category": pl.Int64,
}
RESULT_SCHEMA = {
    "urn": pl.Int64,
    "measure": pl.Utf8,
    "year": pl.Int64,
    "value": pl.Float64,
    "lower": pl.Float64,
    "upper": pl.Float64,
    "pupils": pl.Int64,
}
LINK_SCHEMA = {"successor": pl.Int64, "predecessor": pl.Int64, "linked_on": pl.Date}


def _chunks(values: Collection[int], size: int = 2000) -> Iterable[list[int]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def in_scope(type_group: str, governance: str) -> bool:
    """A state-funded school: maintained, academy, free school, special school, PRU or nursery."""
    return governance != Governance.INDEPENDENT and type_group.strip().lower() not in OUT_OF_SCOPE_TYPE_GROUPS


def links_frame() -> pl.DataFrame:
    """Predecessor links as (successor, predecessor, linked_on): GIAS's "Predecessor" rows and the
    inverse of its "Successor" rows (a link "A Successor B" says A is B's predecessor)."""
    rows: list[tuple[int, int, dt.date | None]] = []
    for urn, linked_urn, link_type, linked_on in EstablishmentLink.objects.values_list(
        "urn", "linked_urn", "link_type", "established_on"
    ):
        kind = link_type.strip().lower()
        if kind.startswith("predecessor"):
            rows.append((urn, linked_urn, linked_on))
        elif kind.startswith("successor"):
            rows.append((linked_urn, urn, linked_on))
    frame = pl.DataFrame(rows, schema=LINK_SCHEMA, orient="row")
    frame = frame.filter(pl.col("successor") != pl.col("predecessor"))
    return frame.group_by("successor", "predecessor").agg(pl.col("linked_on").min()).sort("successor", "predecessor")


def lineage_frame(links: pl.DataFrame, *, generations: int = 3) -> pl.DataFrame:
    """Every school's predecessors, their predecessors and so on: (urn, source_urn, generation, linked_on),
    generation 1 = a direct predecessor. ``linked_on`` is the date of the direct link."""
    direct = links.select(
        pl.col("successor").alias("urn"),
        pl.col("predecessor").alias("source_urn"),
        pl.lit(1, dtype=pl.Int64).alias("generation"),
        "linked_on",
    )
    found = [direct]
    frontier = direct
    for generation in range(2, generations + 1):
        frontier = frontier.join(
            links.select(pl.col("successor").alias("source_urn"), pl.col("predecessor").alias("next_urn")),
            on="source_urn",
        ).select(
            "urn",
            pl.col("next_urn").alias("source_urn"),
            pl.lit(generation, dtype=pl.Int64).alias("generation"),
            "linked_on",
        )
        if frontier.is_empty():
            break
        found.append(frontier)
    lineage = pl.concat(found).filter(pl.col("urn") != pl.col("source_urn"))
    return lineage.sort("generation").unique(subset=["urn", "source_urn"], keep="first").sort("urn", "source_urn")


def load_evidence(*, urns: Collection[int] | None = None) -> Evidence:
    """Read the register, inspections and results into frames: all of them, or only those of ``urns``
    and of their predecessors."""
    lineage = lineage_frame(links_frame())
    wanted: set[int] | None = None
    if urns is not None:
        wanted = set(urns) | set(lineage.filter(pl.col("urn").is_in(list(urns)))["source_urn"].to_list())

    school_fields = (
        "id",
        "urn",
        "local_authority__code",
        "phase",
        "type_name",
        "type_group",
        "governance",
        "open_date",
        "close_date",
    )
    school_rows: list[tuple[object, ...]] = []
    if wanted is None:
        school_rows.extend(Establishment.objects.values_list(*school_fields))
    else:
        for chunk in _chunks(wanted):
            school_rows.extend(Establishment.objects.filter(urn__in=chunk).values_list(*school_fields))
    schools = pl.DataFrame(school_rows, schema=SCHOOL_SCHEMA, orient="row").sort("id")

    inspection_fields = (
        "id",
        "establishment__urn",
        "start_date",
        "publication_date",
        "overall_effectiveness",
        "category_of_concern",
        "framework",
    )
    inspection_rows: list[tuple[int, int, dt.date, dt.date | None, int | None, str, str]] = []
    if wanted is None:
        inspection_rows.extend(Inspection.objects.values_list(*inspection_fields))
    else:
        for chunk in _chunks(wanted):
            inspection_rows.extend(
                Inspection.objects.filter(establishment__urn__in=chunk).values_list(*inspection_fields)
            )
    ungraded_ids = [
        row[0]
        for row in inspection_rows
        if row[4] is None and row[6] in {Framework.NO_OVERALL_2024, Framework.REPORT_CARD_2025}
    ]
    worst = _worst_judgements(ungraded_ids)
    inspections = pl.DataFrame(
        [
            (pk, urn, start, published, grade if grade is not None else worst.get(pk), CATEGORY_CODES.get(category, 0))
            for pk, urn, start, published, grade, category, _ in inspection_rows
        ],
        schema=INSPECTION_SCHEMA,
        orient="row",
    ).with_columns(available=_inspection_available_expr())

    result_fields = ("urn", "measure", "year", "value_f", "lower_f", "upper_f", "pupils")
    results_qs = SchoolResult.objects.filter(measure__in=RESULT_MEASURES).annotate(
        value_f=Cast("value", FloatField()),
        lower_f=Cast("lower", FloatField()),
        upper_f=Cast("upper", FloatField()),
    )
    result_rows: list[tuple[object, ...]] = []
    if wanted is None:
        result_rows.extend(results_qs.values_list(*result_fields))
    else:
        for chunk in _chunks(wanted):
            result_rows.extend(results_qs.filter(urn__in=chunk).values_list(*result_fields))
    results = (
        pl.DataFrame(result_rows, schema=RESULT_SCHEMA, orient="row")
        .with_columns(dataset=pl.col("measure").str.split(".").list.first())
        .with_columns(available=_results_available_expr())
        .filter(pl.col("available").is_not_null())
    )
    if wanted is not None:
        lineage = lineage.filter(pl.col("urn").is_in(list(wanted)))
    return Evidence(schools=schools, inspections=inspections, results=results, lineage=lineage)


def _worst_judgements(inspection_ids: list[int]) -> dict[int, int]:
    """For inspections without an overall grade (September 2024 framework, report cards): the worst area
    grade, on the four-point scale."""
    worst: dict[int, int] = {}
    for chunk in _chunks(inspection_ids):
        for inspection_id, scale, grade in Judgement.objects.filter(inspection_id__in=chunk).values_list(
            "inspection_id", "scale", "grade"
        ):
            four_point = (
                REPORT_CARD_AS_FOUR_POINT.get(ReportCardGrade(grade), 2)
                if scale == Judgement.Scale.REPORT_CARD
                else int(grade)
            )
            worst[inspection_id] = max(worst.get(inspection_id, 0), four_point)
    return worst


# --- The features ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    name: str
    label: str
    #: how a value reads: grade | years | number | percent | score | progress | flag | significance | category
    kind: str


GRADE_WORDS = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}
CATEGORY_WORDS = {0: "none", 1: "serious weaknesses", 2: "special measures"}
SIGNIFICANCE_WORDS = {-1: "significantly below average", 0: "in line with average", 1: "significantly above average"}

#: (measure, feature prefix, label, kind, with trend, with significance)
MEASURE_FEATURES: tuple[tuple[str, str, str, str, bool, bool], ...] = (
    ("ks2.rwm_exp", "ks2_rwm_exp", "KS2 reading, writing and maths: % expected standard", "percent", True, False),
    ("ks2.rwm_high", "ks2_rwm_high", "KS2 reading, writing and maths: % higher standard", "percent", False, False),
    ("ks2.read_prog", "ks2_read_prog", "KS2 reading progress", "progress", True, True),
    ("ks2.writ_prog", "ks2_writ_prog", "KS2 writing progress", "progress", True, True),
    ("ks2.mat_prog", "ks2_mat_prog", "KS2 maths progress", "progress", True, True),
    ("ks4.p8", "ks4_p8", "Progress 8", "progress", True, True),
    ("ks4.att8", "ks4_att8", "Attainment 8", "score", True, False),
    ("ks4.basics_95", "ks4_basics_95", "English and maths grade 5 or above (%)", "percent", False, False),
    ("ks4.ebacc_entry", "ks4_ebacc_entry", "EBacc entry (%)", "percent", False, False),
    ("census.nor", "pupils_on_roll", "Pupils on roll", "number", False, False),
    (
        "census.fsm_ever",
        "fsm_ever_pct",
        "Pupils eligible for free school meals in the last six years (%)",
        "percent",
        False,
        False,
    ),
    ("census.sen_support", "sen_support_pct", "Pupils with SEN support (%)", "percent", False, False),
    ("census.sen_ehcp", "sen_ehcp_pct", "Pupils with an EHC plan (%)", "percent", False, False),
    ("census.eal", "eal_pct", "Pupils with English as an additional language (%)", "percent", False, False),
    ("absence.overall", "absence_pct", "Overall absence (%)", "percent", True, False),
    ("absence.persistent", "persistent_absence_pct", "Persistent absence (%)", "percent", True, False),
)
PROGRESS_PREFIXES = ("ks2_read_prog", "ks2_writ_prog", "ks2_mat_prog")

FEATURES: tuple[Feature, ...] = (
    Feature("latest_grade", "Latest grade", "grade"),
    Feature("latest_grade_years", "Years since the latest graded inspection", "years"),
    Feature("latest_category", "Category of concern at the latest graded inspection", "category"),
    Feature("latest_grade_of_predecessor", "Latest grade was the predecessor school's", "flag"),
    Feature("previous_grade", "Previous grade", "grade"),
    Feature("grade_before_previous", "Grade before the previous one", "grade"),
    Feature("grade_change", "Change of grade at the latest inspection (positive = worse)", "number"),
    Feature("graded_inspections", "Graded inspections on record", "number"),
    Feature("below_good_share", "Share of graded inspections below good", "number"),
    Feature("ever_inadequate", "Ever judged inadequate", "flag"),
    Feature("years_since_inspection", "Years since any inspection", "years"),
    Feature("has_predecessor", "Has a predecessor school", "flag"),
    Feature("predecessor_latest_grade", "Predecessor's latest grade", "grade"),
    *(
        feature
        for measure, prefix, label, kind, trend, significance in MEASURE_FEATURES
        for feature in (
            Feature(prefix, label, kind),
            *((Feature(f"{prefix}_trend", f"{label}: change on the year before", kind),) if trend else ()),
            *((Feature(f"{prefix}_significance", f"{label}: significance", "significance"),) if significance else ()),
        )
    ),
    Feature("ks2_progress_mean", "KS2 progress, mean of reading, writing and maths", "progress"),
    Feature("ks2_progress_below", "KS2 progress scores significantly below average", "number"),
    Feature("ks2_pupils", "KS2 cohort (pupils)", "number"),
    Feature("ks4_pupils", "KS4 cohort (pupils)", "number"),
    Feature("results_years_old", "Years since the summer of the latest published results", "years"),
    Feature("phase_primary", "Primary phase", "flag"),
    Feature("phase_secondary", "Secondary phase", "flag"),
    Feature("phase_all_through", "All-through", "flag"),
    Feature("phase_other", "Nursery, 16 plus or other phase", "flag"),
    Feature("special_school", "Special school", "flag"),
    Feature("alternative_provision", "Pupil referral unit or alternative provision", "flag"),
    Feature("academy", "Academy or free school", "flag"),
    Feature("sponsor_led", "Sponsor-led academy", "flag"),
    Feature("free_school", "Free school, studio school or UTC", "flag"),
    Feature("school_age_years", "Years since the school (this URN) opened", "years"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(feature.name for feature in FEATURES)
FEATURES_BY_NAME = {feature.name: feature for feature in FEATURES}
assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES)), "feature names must be unique"


def describe(name: str, value: float | None) -> str:
    """A feature's value as an officer would read it: "Latest grade: requires improvement"."""
    feature = FEATURES_BY_NAME[name]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        missing = {
            "grade": "none on record",
            "years": "not known",
            "category": "none on record",
            "significance": "no confidence interval published",
        }.get(feature.kind, "not published")
        return f"{feature.label}: {missing}"
    if feature.kind == "grade":
        text = GRADE_WORDS.get(round(value), f"{value:g}")
    elif feature.kind == "category":
        text = CATEGORY_WORDS.get(round(value), f"{value:g}")
    elif feature.kind == "significance":
        text = SIGNIFICANCE_WORDS.get(round(value), f"{value:g}")
    elif feature.kind == "flag":
        text = "yes" if value >= 0.5 else "no"
    elif feature.kind == "years":
        text = f"{value:.1f}"
    elif feature.kind == "percent":
        text = f"{value:.0f}%" if not feature.name.endswith("_trend") else f"{value:+.0f} points"
    elif feature.kind == "progress":
        text = f"{value:+.2f}"
    elif name in {"below_good_share"}:
        text = f"{value:.0%}"
    else:
        text = f"{value:g}" if not feature.name.endswith("_trend") and name != "grade_change" else f"{value:+g}"
    return f"{feature.label}: {text}"


def _years_between(later: str, earlier: str) -> pl.Expr:
    return (pl.col(later) - pl.col(earlier)).dt.total_days().cast(pl.Float64) / 365.25


def _flag(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null(False).cast(pl.Float64)


def queries_frame(pairs: Iterable[tuple[int, dt.date]]) -> pl.DataFrame:
    """(establishment id, as of) pairs as the queries ``build_features`` answers, numbered from 0."""
    frame = pl.DataFrame(
        list(pairs), schema={"establishment_id": pl.Int64, "as_of": pl.Date}, orient="row"
    ).with_row_index("qid")
    return frame.with_columns(pl.col("qid").cast(pl.Int64))


def build_features(evidence: Evidence, queries: pl.DataFrame) -> pl.DataFrame:
    """One row of features per query (``qid``, ``establishment_id``, ``as_of``), using only evidence
    available strictly before each query's ``as_of``. Returns ``qid`` and ``FEATURE_NAMES`` (Float64,
    null when unknown), in ``qid`` order."""
    q = queries.select("qid", "establishment_id", "as_of").join(
        evidence.schools, left_on="establishment_id", right_on="id", how="left"
    )
    own = q.select(
        "qid",
        "as_of",
        pl.col("urn").alias("source_urn"),
        pl.lit(0, dtype=pl.Int64).alias("generation"),
        pl.lit(None, dtype=pl.Date).alias("linked_on"),
    )
    ancestors = q.select("qid", "as_of", "urn").join(evidence.lineage, on="urn").drop("urn")
    lineage = pl.concat([own, ancestors.select(own.columns)]).filter(pl.col("source_urn").is_not_null())

    features = q.select("qid").join(_inspection_features(evidence, lineage), on="qid", how="left")
    features = features.join(_result_features(evidence, lineage, q), on="qid", how="left")
    features = features.join(_register_features(q, lineage), on="qid", how="left")
    features = features.with_columns(pl.col("graded_inspections").fill_null(0))
    for name in FEATURE_NAMES:
        if name not in features.columns:
            features = features.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
    return features.select("qid", *[pl.col(name).cast(pl.Float64) for name in FEATURE_NAMES]).sort("qid")


def _inspection_features(evidence: Evidence, lineage: pl.DataFrame) -> pl.DataFrame:
    seen = lineage.join(evidence.inspections, left_on="source_urn", right_on="urn").filter(
        pl.col("available") < pl.col("as_of")  # the no-leakage rule
    )
    any_inspection = seen.group_by("qid").agg(
        pl.col("start_date").max().alias("latest_inspection"), pl.col("as_of").first()
    )
    graded = seen.filter(pl.col("grade").is_not_null())
    by_date = pl.col("start_date")
    grades = graded.group_by("qid").agg(
        pl.col("grade").sort_by(by_date, descending=True).first().alias("latest_grade"),
        pl.col("start_date").max().alias("latest_grade_date"),
        pl.col("category").sort_by(by_date, descending=True).first().alias("latest_category"),
        (pl.col("generation").sort_by(by_date, descending=True).first() > 0).alias("latest_grade_of_predecessor"),
        pl.col("grade").sort_by(by_date, descending=True).slice(1, 1).first().alias("previous_grade"),
        pl.col("grade").sort_by(by_date, descending=True).slice(2, 1).first().alias("grade_before_previous"),
        pl.len().alias("graded_inspections"),
        (pl.col("grade") >= 3).mean().alias("below_good_share"),
        (pl.col("grade") == 4).any().alias("ever_inadequate"),
        pl.col("as_of").first().alias("as_of_g"),
    )
    predecessor = (
        graded.filter(pl.col("generation") > 0)
        .group_by("qid")
        .agg(pl.col("grade").sort_by(by_date, descending=True).first().alias("predecessor_latest_grade"))
    )
    return (
        any_inspection.join(grades, on="qid", how="left")
        .join(predecessor, on="qid", how="left")
        .select(
            "qid",
            pl.col("latest_grade").cast(pl.Float64),
            _years_between("as_of", "latest_grade_date").alias("latest_grade_years"),
            pl.col("latest_category").cast(pl.Float64),
            pl.col("latest_grade_of_predecessor").cast(pl.Float64),
            pl.col("previous_grade").cast(pl.Float64),
            pl.col("grade_before_previous").cast(pl.Float64),
            (pl.col("latest_grade") - pl.col("previous_grade")).cast(pl.Float64).alias("grade_change"),
            pl.col("graded_inspections").fill_null(0).cast(pl.Float64),
            pl.col("below_good_share").cast(pl.Float64),
            pl.col("ever_inadequate").cast(pl.Float64),
            _years_between("as_of", "latest_inspection").alias("years_since_inspection"),
            pl.col("predecessor_latest_grade").cast(pl.Float64),
        )
    )


def _result_features(evidence: Evidence, lineage: pl.DataFrame, q: pl.DataFrame) -> pl.DataFrame:
    seen = (
        lineage.join(evidence.results, left_on="source_urn", right_on="urn")
        .filter(pl.col("available") < pl.col("as_of"))  # the no-leakage rule
        .sort("generation")
        .unique(subset=["qid", "measure", "year"], keep="first")  # a school's own figure before a predecessor's
        .with_columns(pl.col("year").rank("ordinal", descending=True).over("qid", "measure").alias("recency"))
    )
    latest = seen.filter(pl.col("recency") == 1)
    previous = seen.filter(pl.col("recency") == 2).select(
        "qid", "measure", pl.col("value").alias("previous_value"), pl.col("year").alias("previous_year")
    )
    latest = latest.join(previous, on=["qid", "measure"], how="left").with_columns(
        trend=pl.when(pl.col("previous_year") >= pl.col("year") - 3).then(pl.col("value") - pl.col("previous_value")),
        significance=pl.when(pl.col("lower") > 0)
        .then(1.0)
        .when(pl.col("upper") < 0)
        .then(-1.0)
        .when(pl.col("lower").is_not_null() & pl.col("upper").is_not_null() & pl.col("value").is_not_null())
        .then(0.0),
    )
    prefixes = {measure: prefix for measure, prefix, *_ in MEASURE_FEATURES}
    latest = latest.with_columns(pl.col("measure").replace_strict(prefixes, default=None).alias("prefix"))
    frame = q.select("qid")
    for column, suffix in (("value", ""), ("trend", "_trend"), ("significance", "_significance")):
        present = latest.filter(pl.col(column).is_not_null())
        if present.is_empty():
            continue
        wide = present.pivot(on="prefix", index="qid", values=column, aggregate_function="first")
        wide = wide.rename({c: f"{c}{suffix}" for c in wide.columns if c != "qid"})
        wanted = [c for c in wide.columns if c == "qid" or c in FEATURES_BY_NAME]
        frame = frame.join(wide.select(wanted), on="qid", how="left")
    for name in FEATURE_NAMES:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
    cohorts = latest.group_by("qid").agg(
        pl.col("pupils").filter(pl.col("measure") == "ks2.rwm_exp").first().alias("ks2_pupils"),
        pl.col("pupils").filter(pl.col("measure").is_in(["ks4.p8", "ks4.att8"])).max().alias("ks4_pupils"),
        pl.col("year").filter(pl.col("measure").str.starts_with("ks")).max().alias("latest_results_year"),
        pl.col("as_of").first(),
    )
    frame = frame.join(cohorts, on="qid", how="left").with_columns(
        ks2_progress_mean=pl.mean_horizontal(*PROGRESS_PREFIXES),
        ks2_progress_below=pl.when(pl.any_horizontal(*[pl.col(p).is_not_null() for p in PROGRESS_PREFIXES])).then(
            pl.sum_horizontal(
                *[(pl.col(f"{p}_significance") == -1).fill_null(False).cast(pl.Float64) for p in PROGRESS_PREFIXES]
            )
        ),
        results_years_old=(
            (pl.col("as_of") - pl.date(pl.col("latest_results_year"), 7, 31)).dt.total_days().cast(pl.Float64) / 365.25
        ),
    )
    return frame.drop("latest_results_year", "as_of")


def _register_features(q: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """What the register says about the school (its URN's type, phase and governance, which a conversion
    does not change: a converter academy is a new URN) and whether it had a predecessor by then."""
    predecessors = (
        lineage.filter(
            (pl.col("generation") == 1) & (pl.col("linked_on").is_null() | (pl.col("linked_on") < pl.col("as_of")))
        )
        .group_by("qid")
        .agg(pl.len().alias("predecessors"))
    )
    type_name = pl.col("type_name").fill_null("").str.to_lowercase()
    type_group = pl.col("type_group").fill_null("").str.to_lowercase()
    phase = pl.col("phase").fill_null("").str.to_lowercase()
    return q.join(predecessors, on="qid", how="left").select(
        "qid",
        _flag(pl.col("predecessors") > 0).alias("has_predecessor"),
        _flag(phase.str.contains("primary")).alias("phase_primary"),
        _flag(phase.str.contains("secondary")).alias("phase_secondary"),
        _flag(phase.str.contains("all-through|all through")).alias("phase_all_through"),
        _flag(~phase.str.contains("primary|secondary|all-through|all through")).alias("phase_other"),
        _flag(type_name.str.contains("special") | type_group.str.contains("special")).alias("special_school"),
        _flag(type_name.str.contains("pupil referral|alternative provision")).alias("alternative_provision"),
        _flag(pl.col("governance") == str(Governance.ACADEMY)).alias("academy"),
        _flag(type_name.str.contains("sponsor")).alias("sponsor_led"),
        _flag(type_name.str.contains("free school|studio|university technical")).alias("free_school"),
        pl.when(pl.col("open_date") < pl.col("as_of"))
        .then(_years_between("as_of", "open_date"))
        .alias("school_age_years"),
    )


def open_schools(evidence: Evidence, *, on: dt.date, la_code: str | None = None) -> pl.DataFrame:
    """State-funded schools open on a day (opened on or before it, not closed by it), as in the register."""
    schools = evidence.schools.filter(
        (pl.col("open_date").is_null() | (pl.col("open_date") <= on))
        & (pl.col("close_date").is_null() | (pl.col("close_date") > on))
    )
    if la_code is not None:
        schools = schools.filter(pl.col("la_code") == la_code)
    keep = [
        in_scope(group or "", governance or "")
        for group, governance in schools.select("type_group", "governance").iter_rows()
    ]
    return schools.filter(pl.Series(keep, dtype=pl.Boolean)) if keep else schools


def scoped_ids(evidence: Evidence) -> set[int]:
    """Ids of the state-funded schools in the evidence."""
    return {
        pk
        for pk, group, governance in evidence.schools.select("id", "type_group", "governance").iter_rows()
        if in_scope(group or "", governance or "")
    }


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` earlier (the 28th at most where the month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, 28) if day.day > 28 else day.day)


def training_queries(
    evidence: Evidence,
    *,
    until: dt.date,
    since: dt.date | None = None,
    design: str = "window",
    horizon_months: int = 24,
    step_months: int = 6,
) -> pl.DataFrame:
    """The examples a model trained on ``until`` may learn from, each a query (``qid``, ``establishment_id``,
    ``as_of``) with a ``label`` (1 = below good) and the ``inspection_id`` it rests on (null for none).
    Only outcomes public on or before ``until`` are used, and only state-funded schools.

    ``design="window"``: snapshots every ``step_months`` back from ``until`` less the horizon (to ``since``):
    every school open on the snapshot day, labelled 1 if its first graded inspection in the following
    ``horizon_months`` was below good: what a ranking of every open school is judged on.
    ``design="inspection"``: every graded inspection (started on or after ``since``) as of its own start
    date, labelled with its outcome: the probability that the next inspection, whenever it comes, is below good."""
    if design == "inspection":
        return _inspection_training_queries(evidence, until=until, since=since)
    if design != "window":
        raise ValueError(f"unknown training design {design!r}: window or inspection")
    known = evidence.inspections.filter(pl.col("grade").is_not_null() & (pl.col("available") <= until))
    first_day = until + dt.timedelta(days=1)
    snapshot = months_before(first_day, horizon_months)
    frames = []
    while since is None or snapshot >= since:
        window_end = min(months_before(snapshot, -horizon_months), first_day)
        schools = open_schools(evidence, on=snapshot).select(pl.col("id").alias("establishment_id"), "urn")
        if schools.is_empty():
            break
        first = (
            known.filter((pl.col("start_date") >= snapshot) & (pl.col("start_date") < window_end))
            .sort("start_date", "inspection_id")
            .group_by("urn", maintain_order=True)
            .first()
            .select("urn", "inspection_id", (pl.col("grade") >= 3).cast(pl.Int64).alias("label"))
        )
        frames.append(
            schools.join(first, on="urn", how="left").select(
                "establishment_id",
                pl.lit(snapshot, dtype=pl.Date).alias("as_of"),
                "inspection_id",
                pl.col("label").fill_null(0),
            )
        )
        snapshot = months_before(snapshot, step_months)
        if since is None and snapshot.year < 2005:
            break
    if not frames:
        return pl.DataFrame(
            schema={
                "qid": pl.Int64,
                "establishment_id": pl.Int64,
                "as_of": pl.Date,
                "inspection_id": pl.Int64,
                "label": pl.Int64,
            }
        )
    rows = pl.concat(frames).sort("as_of", "establishment_id")
    return rows.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("qid"), "establishment_id", "as_of", "inspection_id", "label"
    )


def _inspection_training_queries(evidence: Evidence, *, until: dt.date, since: dt.date | None) -> pl.DataFrame:
    ids = scoped_ids(evidence)
    rows = evidence.inspections.filter(
        pl.col("grade").is_not_null() & (pl.col("available") <= until) & (pl.col("start_date") < until)
    )
    if since is not None:
        rows = rows.filter(pl.col("start_date") >= since)
    rows = rows.join(evidence.schools.select(pl.col("id").alias("establishment_id"), "urn"), on="urn")
    rows = rows.filter(pl.col("establishment_id").is_in(list(ids))).sort(
        "start_date", "establishment_id", "inspection_id"
    )
    return rows.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("qid"),
        "establishment_id",
        pl.col("start_date").alias("as_of"),
        "inspection_id",
        (pl.col("grade") >= 3).cast(pl.Int64).alias("label"),
    )
