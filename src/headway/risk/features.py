"""The risk model's features: what Headway knew about a school on a date, built from the evidence it holds.

Every piece of evidence has a date from which it was available (``public_dates.available_from``); the
features of a school *as of* a date use only evidence available strictly before that date. This is the
no-leakage rule: it is applied where each family of features reads its evidence (every inspection, result
and financial year is filtered by its availability date; the standing behind the timing features is taken
as of a day before any unpublished inspection, see ``timing``) and tested by adding later evidence and
checking that nothing changes.

Evidence is read from the database in bulk into Polars frames (``sources.load_evidence``); features for many
(school, date) pairs are built at once (``build_features``), so training on every inspection in England
and ranking every open school take seconds, not a query per school.

Families (``FAMILIES``): the inspection history; the timing of the next inspection (from the school's
standing under the accountability rules); results (KS2, KS4), the census and absence; finances; the local
context (the LA's and the trust's other schools); and the register (type, phase, age).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import polars as pl

from headway.risk.finance import FINANCE_FEATURES, finance_features
from headway.risk.public_dates import (
    INSPECTION_REPORT_LAG,
    RESULTS_PUBLISHED,
    EvidenceKind,
    available_from,
)
from headway.risk.sources import (
    RESULT_MEASURES,
    SCHOOL_SCHEMA,
    Evidence,
    lineage_frame,
    links_frame,
    load_evidence,
    started_frame,
)
from headway.risk.timing import TIMING_FEATURES, describe_window, timing_features
from headway.risk.training import (
    OUT_OF_SCOPE_TYPE_GROUPS,
    in_scope,
    months_before,
    open_schools,
    scoped_ids,
    training_queries,
)
from headway.schools.models import Governance

__all__ = [
    "INSPECTION_REPORT_LAG",
    "OUT_OF_SCOPE_TYPE_GROUPS",
    "RESULTS_PUBLISHED",
    "RESULT_MEASURES",
    "SCHOOL_SCHEMA",
    "Evidence",
    "EvidenceKind",
    "available_from",
    "build_features",
    "describe",
    "in_scope",
    "lineage_frame",
    "links_frame",
    "load_evidence",
    "months_before",
    "open_schools",
    "queries_frame",
    "scoped_ids",
    "started_frame",
    "training_queries",
]

# --- The features ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    name: str
    label: str
    #: how a value reads: grade | years | months | number | percent | signed_percent | money | score |
    #: progress | flag | significance | category | window
    kind: str
    #: history | timing | results | finance | context | register
    family: str


GRADE_WORDS = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}
CATEGORY_WORDS = {0: "none", 1: "serious weaknesses or requires significant improvement", 2: "special measures"}
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
    ("census.nor", "pupils_on_roll", "Pupils on roll", "number", True, False),
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
    Feature("latest_grade", "Latest grade", "grade", "history"),
    Feature("latest_grade_years", "Years since the latest graded inspection", "years", "history"),
    Feature("latest_category", "Category of concern at the latest graded inspection", "category", "history"),
    Feature("latest_grade_of_predecessor", "Latest grade was the predecessor school's", "flag", "history"),
    Feature("previous_grade", "Previous grade", "grade", "history"),
    Feature("grade_before_previous", "Grade before the previous one", "grade", "history"),
    Feature("grade_change", "Change of grade at the latest inspection (positive = worse)", "number", "history"),
    Feature("previous_interval_years", "Years between the latest two graded inspections", "years", "history"),
    Feature("graded_inspections", "Graded inspections on record", "number", "history"),
    Feature("below_good_share", "Share of graded inspections below good", "number", "history"),
    Feature("ever_inadequate", "Ever judged inadequate", "flag", "history"),
    Feature("years_since_below_good", "Years since the latest below-good inspection", "years", "history"),
    Feature("years_since_inspection", "Years since any inspection", "years", "history"),
    Feature("predecessor_latest_grade", "Predecessor's latest grade", "grade", "history"),
    *(Feature(name, label, kind, "timing") for name, label, kind in TIMING_FEATURES),
    *(
        feature
        for measure, prefix, label, kind, trend, significance in MEASURE_FEATURES
        for feature in (
            Feature(prefix, label, kind, "results"),
            *((Feature(f"{prefix}_trend", f"{label}: change on the year before", kind, "results"),) if trend else ()),
            *(
                (Feature(f"{prefix}_significance", f"{label}: significance", "significance", "results"),)
                if significance
                else ()
            ),
        )
    ),
    Feature("ks2_progress_mean", "KS2 progress, mean of reading, writing and maths", "progress", "results"),
    Feature("ks2_progress_below", "KS2 progress scores significantly below average", "number", "results"),
    Feature("ks2_pupils", "KS2 cohort (pupils)", "number", "results"),
    Feature("ks4_pupils", "KS4 cohort (pupils)", "number", "results"),
    Feature("results_years_old", "Years since the summer of the latest published results", "years", "results"),
    *(Feature(name, label, kind, "finance") for name, label, kind in FINANCE_FEATURES),
    Feature(
        "la_below_good_share", "The LA's schools below good at their latest inspection (share)", "share", "context"
    ),
    Feature(
        "la_recent_below_good_rate",
        "The LA's inspections in the last two years that found a school below good (share)",
        "share",
        "context",
    ),
    Feature(
        "la_recent_inspection_rate",
        "The LA's graded inspections in the last year, per school",
        "number",
        "context",
    ),
    Feature(
        "trust_below_good_share",
        "The trust's other schools below good at their latest inspection (share)",
        "share",
        "context",
    ),
    Feature("phase_primary", "Primary phase", "flag", "register"),
    Feature("phase_secondary", "Secondary phase", "flag", "register"),
    Feature("phase_all_through", "All-through", "flag", "register"),
    Feature("phase_other", "Nursery, 16 plus or other phase", "flag", "register"),
    Feature("special_school", "Special school", "flag", "register"),
    Feature("alternative_provision", "Pupil referral unit or alternative provision", "flag", "register"),
    Feature("academy", "Academy or free school", "flag", "register"),
    Feature("sponsor_led", "Sponsor-led academy", "flag", "register"),
    Feature("free_school", "Free school, studio school or UTC", "flag", "register"),
    Feature("has_predecessor", "Has a predecessor school", "flag", "register"),
    Feature("school_age_years", "Years since the school (this URN) opened", "years", "register"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(feature.name for feature in FEATURES)
FEATURES_BY_NAME = {feature.name: feature for feature in FEATURES}
FAMILIES: dict[str, tuple[str, ...]] = {
    family: tuple(f.name for f in FEATURES if f.family == family)
    for family in ("history", "timing", "results", "finance", "context", "register")
}
#: How features move as time passes with nothing new published or inspected (per month): used to look
#: ahead step by step (``model``'s hazard design) as if the school were not inspected meanwhile.
AGEING_PER_MONTH: dict[str, float] = {
    "latest_grade_years": 1 / 12,
    "years_since_inspection": 1 / 12,
    "years_since_below_good": 1 / 12,
    "school_age_years": 1 / 12,
    "results_years_old": 1 / 12,
    "finance_years_old": 1 / 12,
    "months_open": 1.0,
    "months_to_window_opens": -1.0,
    "months_to_window_closes": -1.0,
}
assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES)), "feature names must be unique"


def describe(name: str, value: float | None) -> str:
    """A feature's value as an officer would read it: "Latest grade: requires improvement"."""
    feature = FEATURES_BY_NAME[name]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        missing = {
            "grade": "none on record",
            "years": "not known",
            "months": "no window",
            "category": "none on record",
            "significance": "no confidence interval published",
            "window": "no rule gives a window",
        }.get(feature.kind, "not published")
        return f"{feature.label}: {missing}"
    if feature.kind == "grade":
        text = GRADE_WORDS.get(round(value), f"{value:g}")
    elif feature.kind == "category":
        text = CATEGORY_WORDS.get(round(value), f"{value:g}")
    elif feature.kind == "significance":
        text = SIGNIFICANCE_WORDS.get(round(value), f"{value:g}")
    elif feature.kind == "window":
        return f"{feature.label}: {describe_window(value)}"
    elif feature.kind == "flag":
        text = "yes" if value >= 0.5 else "no"
    elif feature.kind in {"years", "months"}:
        text = f"{value:.1f}"
    elif feature.kind == "percent":
        text = f"{value:.0f}%" if not feature.name.endswith("_trend") else f"{value:+.0f} points"
    elif feature.kind == "signed_percent":
        text = f"{value:+.1f}%" if not feature.name.endswith("_trend") else f"{value:+.1f} points"
    elif feature.kind == "share":
        text = f"{value:.0%}"
    elif feature.kind == "money":
        text = f"£{value:,.0f}"
    elif feature.kind == "progress":
        text = f"{value:+.2f}"
    elif name in {"below_good_share"}:
        text = f"{value:.0%}"
    else:
        text = f"{value:g}" if not feature.name.endswith("_trend") and name != "grade_change" else f"{value:+g}"
    return f"{feature.label}: {text}"


def aged(features: pl.DataFrame, months: int) -> pl.DataFrame:
    """The features ``months`` later, had nothing been published and the school not been inspected since."""
    if months == 0:
        return features
    return features.with_columns(
        [pl.col(name) + rate * months for name, rate in AGEING_PER_MONTH.items() if name in features.columns]
    )


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


def build_features(
    evidence: Evidence, queries: pl.DataFrame, *, families: Collection[str] | None = None
) -> pl.DataFrame:
    """One row of features per query (``qid``, ``establishment_id``, ``as_of``), using only evidence
    available strictly before each query's ``as_of``. Returns ``qid`` and ``FEATURE_NAMES`` (Float64,
    null when unknown), in ``qid`` order. ``families`` builds only those families (the others are null):
    the timing family reads the database (the standing) and is the slowest."""
    wanted = set(FAMILIES) if families is None else set(families)
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

    features = q.select("qid")
    if "history" in wanted:
        features = features.join(_inspection_features(evidence, lineage), on="qid", how="left")
    if "timing" in wanted:
        features = features.join(timing_features(evidence, queries, lineage), on="qid", how="left")
    results = _result_features(evidence, lineage, q) if wanted & {"results", "finance"} else None
    if results is not None and "results" in wanted:
        features = features.join(results, on="qid", how="left")
    if results is not None and "finance" in wanted:
        pupils = results.select("qid", "pupils_on_roll")
        features = features.join(finance_features(evidence.finance, lineage, pupils), on="qid", how="left")
    if "context" in wanted:
        features = features.join(_context_features(evidence, q), on="qid", how="left")
    if "register" in wanted:
        features = features.join(_register_features(evidence, q, lineage), on="qid", how="left")
    if "graded_inspections" in features.columns:
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
    # newest first; on the same day, the school's own inspection before a predecessor's, then the later recorded
    # (as a school's standing orders them), whatever order the inspections were read in: sorted once, and each
    # query's inspections taken in that order (a group keeps its rows' order)
    by_date = [pl.col("start_date"), -pl.col("generation"), pl.col("inspection_id")]
    graded = seen.filter(pl.col("judging") & pl.col("grade").is_not_null()).sort(by_date, descending=True)
    grades = graded.group_by("qid").agg(
        pl.col("grade").first().alias("latest_grade"),
        pl.col("start_date").max().alias("latest_grade_date"),
        pl.col("start_date").slice(1, 1).first().alias("previous_grade_date"),
        pl.col("category").first().alias("latest_category"),
        (pl.col("generation").first() > 0).alias("latest_grade_of_predecessor"),
        pl.col("grade").slice(1, 1).first().alias("previous_grade"),
        pl.col("grade").slice(2, 1).first().alias("grade_before_previous"),
        pl.len().alias("graded_inspections"),
        pl.col("below_good").mean().alias("below_good_share"),
        (pl.col("grade") == 4).any().alias("ever_inadequate"),
        pl.col("start_date").filter(pl.col("below_good")).max().alias("latest_below_good_date"),
    )
    predecessor = (
        graded.filter(pl.col("generation") > 0)
        .group_by("qid")
        .agg(pl.col("grade").first().alias("predecessor_latest_grade"))
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
            _years_between("latest_grade_date", "previous_grade_date").alias("previous_interval_years"),
            pl.col("graded_inspections").fill_null(0).cast(pl.Float64),
            pl.col("below_good_share").cast(pl.Float64),
            pl.col("ever_inadequate").cast(pl.Float64),
            _years_between("as_of", "latest_below_good_date").alias("years_since_below_good"),
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
    for name in FAMILIES["results"]:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
    cohorts = latest.group_by("qid").agg(
        pl.col("pupils").filter(pl.col("measure") == "ks2.rwm_exp").first().alias("ks2_pupils"),
        pl.col("pupils").filter(pl.col("measure").is_in(["ks4.p8", "ks4.att8"])).max().alias("ks4_pupils"),
        pl.col("year").filter(pl.col("measure").str.starts_with("ks")).max().alias("latest_results_year"),
        pl.col("as_of").first(),
    )
    frame = (
        frame.drop("ks2_pupils", "ks4_pupils", "ks2_progress_mean", "ks2_progress_below", "results_years_old")
        .join(cohorts, on="qid", how="left")
        .with_columns(
            ks2_progress_mean=pl.mean_horizontal(*PROGRESS_PREFIXES),
            ks2_progress_below=pl.when(pl.any_horizontal(*[pl.col(p).is_not_null() for p in PROGRESS_PREFIXES])).then(
                pl.sum_horizontal(
                    *[(pl.col(f"{p}_significance") == -1).fill_null(False).cast(pl.Float64) for p in PROGRESS_PREFIXES]
                )
            ),
            results_years_old=(
                (pl.col("as_of") - pl.date(pl.col("latest_results_year"), 7, 31)).dt.total_days().cast(pl.Float64)
                / 365.25
            ),
        )
    )
    return frame.drop("latest_results_year", "as_of")


def _latest_outcomes_by_month(evidence: Evidence, months: pl.Series) -> pl.DataFrame:
    """For each first-of-month day and each school: whether its latest judging inspection public before that
    day found it below good (``month``, ``urn``, ``below_good``)."""
    judged = evidence.inspections.filter(pl.col("judging")).select(
        "urn", "start_date", "inspection_id", "available", "below_good"
    )
    frame = pl.DataFrame({"month": months}).join(judged, how="cross").filter(pl.col("available") < pl.col("month"))
    return frame.sort("start_date", "inspection_id").group_by("month", "urn").agg(pl.col("below_good").last())


def _context_features(evidence: Evidence, q: pl.DataFrame) -> pl.DataFrame:
    """The LA's inspection climate and the trust's other schools, as of the first day of the query's month
    (which is not after the query's day: only outcomes public by then count)."""
    q = q.with_columns(month=pl.col("as_of").dt.truncate("1mo"))
    months = q["month"].unique().sort()
    schools = evidence.schools.select("urn", "la_code")
    latest = _latest_outcomes_by_month(evidence, months).join(schools, on="urn", how="left")
    la_share = latest.group_by("month", "la_code").agg(
        pl.col("below_good").cast(pl.Float64).mean().alias("la_below_good_share"), pl.len().alias("la_schools")
    )
    judged = (
        evidence.inspections.filter(pl.col("judging"))
        .select("urn", "start_date", "available", "below_good")
        .join(schools, on="urn", how="left")
    )
    recent = (
        pl.DataFrame({"month": months})
        .join(judged, how="cross")
        .filter((pl.col("available") < pl.col("month")) & (pl.col("start_date") >= pl.col("month").dt.offset_by("-2y")))
        .group_by("month", "la_code")
        .agg(
            pl.col("below_good").cast(pl.Float64).mean().alias("la_recent_below_good_rate"),
            (pl.col("start_date") >= pl.col("month").dt.offset_by("-1y")).sum().alias("la_recent_inspections"),
        )
    )
    frame = (
        q.select("qid", "month", "la_code")
        .join(la_share, on=["month", "la_code"], how="left")
        .join(recent, on=["month", "la_code"], how="left")
        .with_columns(
            la_recent_inspection_rate=pl.when(pl.col("la_schools") > 0).then(
                pl.col("la_recent_inspections").fill_null(0).cast(pl.Float64) / pl.col("la_schools")
            )
        )
        .select("qid", "la_below_good_share", "la_recent_below_good_rate", "la_recent_inspection_rate")
    )
    if evidence.memberships.is_empty():
        return frame.with_columns(trust_below_good_share=pl.lit(None, dtype=pl.Float64))
    members = evidence.memberships
    groups = (
        q.select("qid", "urn", "as_of", "month")
        .join(members, on="urn")
        .filter(
            (pl.col("joined_on").is_null() | (pl.col("joined_on") < pl.col("as_of")))
            & (pl.col("left_on").is_null() | (pl.col("left_on") >= pl.col("as_of")))
        )
    )
    others = (
        groups.select("qid", "urn", "as_of", "month", "group_id")
        .join(members.rename({"urn": "other_urn"}), on="group_id")
        .filter(
            (pl.col("other_urn") != pl.col("urn"))
            & (pl.col("joined_on").is_null() | (pl.col("joined_on") < pl.col("as_of")))
            & (pl.col("left_on").is_null() | (pl.col("left_on") >= pl.col("as_of")))
        )
        .join(latest.select("month", pl.col("urn").alias("other_urn"), "below_good"), on=["month", "other_urn"])
        .group_by("qid")
        .agg(pl.col("below_good").cast(pl.Float64).mean().alias("trust_below_good_share"))
    )
    return frame.join(others, on="qid", how="left")


def _register_features(evidence: Evidence, q: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """What the register says about the school (its URN's type, phase and governance, which a conversion
    does not change: a converter academy is a new URN), whether it had a predecessor by then, and how long
    this URN has been open (the register's opening date, else the day of its first predecessor link)."""
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
    opened = pl.coalesce(pl.col("open_date"), pl.col("started_on"))
    return (
        q.join(predecessors, on="qid", how="left")
        .join(evidence.started, on="urn", how="left")
        .select(
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
            pl.when(opened < pl.col("as_of"))
            .then((pl.col("as_of") - opened).dt.total_days().cast(pl.Float64) / 365.25)
            .alias("school_age_years"),
        )
    )
