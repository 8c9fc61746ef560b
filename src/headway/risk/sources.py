"""What the risk model reads from the database, as Polars frames: the register, every inspection (with its
four-point outcome, whether it judged the school and whether it found it below good), results, finances,
predecessor links and trust memberships. Each piece of evidence carries the day it became public
(``public_dates``); the features (``features``) read nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import FloatField
from django.db.models.functions import Cast

from headway.inspections.history import every_inspection
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement, ReportCardGrade
from headway.inspections.standing import rules_named
from headway.performance.models import SchoolResult
from headway.policy_files import matches
from headway.queries import WHOLE_TABLE_ABOVE, in_chunks, rows_for, stored_frame
from headway.risk.finance import finance_frame
from headway.risk.public_dates import inspection_available_expr, results_available_expr
from headway.schools.models import Establishment, EstablishmentLink, GroupMembership

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

#: A report card's lowest evaluation-area grade read on the four-point scale (for the history features:
#: "needs attention" or worse reads like requires improvement or inadequate). Whether a report card was
#: *below good* is the accountability rules' ``good_or_better``, which also asks that safeguarding was met.
REPORT_CARD_AS_FOUR_POINT = {
    ReportCardGrade.URGENT_IMPROVEMENT: 4,
    ReportCardGrade.NEEDS_ATTENTION: 3,
    ReportCardGrade.EXPECTED_STANDARD: 2,
    ReportCardGrade.STRONG_STANDARD: 1,
    ReportCardGrade.EXCEPTIONAL: 1,
}
CATEGORY_CODES = {"": 0, "SWK": 1, "SM": 2, "RSI": 1}


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
#: An inspection as ``_inspections`` reads it, before it works out the rest of ``INSPECTION_SCHEMA``.
READ_INSPECTION_SCHEMA = {
    "inspection_id": pl.Int64,
    "urn": pl.Int64,
    "start_date": pl.Date,
    "publication_date": pl.Date,
    "overall": pl.Int64,
    "category_of_concern": pl.Utf8,
    "framework": pl.Utf8,
    "kind": pl.Utf8,
    "safeguarding_met": pl.Boolean,
}
INSPECTION_SCHEMA = {
    "inspection_id": pl.Int64,
    "urn": pl.Int64,
    "start_date": pl.Date,
    "publication_date": pl.Date,
    "grade": pl.Int64,
    "category": pl.Int64,
    "kind": pl.Utf8,
    "judging": pl.Boolean,
    "below_good": pl.Boolean,
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
FINANCE_SCHEMA = {
    "urn": pl.Int64,
    "year": pl.Int64,
    "income": pl.Float64,
    "expenditure": pl.Float64,
    "available": pl.Date,
}
LINK_SCHEMA = {"successor": pl.Int64, "predecessor": pl.Int64, "linked_on": pl.Date, "plain": pl.Boolean}
STARTED_SCHEMA = {"urn": pl.Int64, "started_on": pl.Date}
MEMBERSHIP_SCHEMA = {"urn": pl.Int64, "group_id": pl.Int64, "joined_on": pl.Date, "left_on": pl.Date}


@dataclass(frozen=True)
class Evidence:
    """What Headway holds, as frames. ``inspections``, ``results`` and ``finance`` carry an ``available``
    date. ``started``: the day each URN began where the register does not say (its first predecessor link).
    ``standing_cache`` keeps standings already worked out for this evidence (see ``timing``)."""

    schools: pl.DataFrame
    inspections: pl.DataFrame
    results: pl.DataFrame
    lineage: pl.DataFrame
    finance: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FINANCE_SCHEMA))
    started: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=STARTED_SCHEMA))
    memberships: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MEMBERSHIP_SCHEMA))
    standing_cache: dict[tuple[int, dt.date], Any] = field(default_factory=dict, compare=False, repr=False)

    def without_after(self, day: dt.date) -> Evidence:
        """The same evidence less everything that became available on or after ``day``."""
        return Evidence(
            schools=self.schools,
            inspections=self.inspections.filter(pl.col("available") < day),
            results=self.results.filter(pl.col("available") < day),
            lineage=self.lineage,
            finance=self.finance.filter(pl.col("available") < day),
            started=self.started,
            memberships=self.memberships,
        )


def links_frame() -> pl.DataFrame:
    """Predecessor links as (successor, predecessor, linked_on, plain): GIAS's "Predecessor" rows and the
    inverse of its "Successor" rows (a link "A Successor B" says A is B's predecessor). ``plain``: a plain
    predecessor link (a conversion or re-opening), not a merger, amalgamation or split."""
    stored = stored_frame(
        EstablishmentLink.objects.all(),
        ("urn", "linked_urn", "link_type", "established_on"),
        {"urn": pl.Int64, "linked_urn": pl.Int64, "link_type": pl.Utf8, "linked_on": pl.Date},
    ).with_columns(kind=pl.col("link_type").str.strip_chars().str.to_lowercase())
    predecessor = pl.col("kind").str.starts_with("predecessor")
    successor = pl.col("kind").str.starts_with("successor")
    frame = stored.filter(predecessor | successor).select(
        pl.when(predecessor).then(pl.col("urn")).otherwise(pl.col("linked_urn")).alias("successor"),
        pl.when(predecessor).then(pl.col("linked_urn")).otherwise(pl.col("urn")).alias("predecessor"),
        "linked_on",
        pl.col("kind").is_in(["predecessor", "successor"]).alias("plain"),
    )
    frame = frame.filter(pl.col("successor") != pl.col("predecessor"))
    return (
        frame.group_by("successor", "predecessor")
        .agg(pl.col("linked_on").min(), pl.col("plain").all())
        .sort("successor", "predecessor")
    )


def started_frame(links: pl.DataFrame) -> pl.DataFrame:
    """The day each URN with a plain predecessor link began: its first such link's date."""
    return (
        links.filter(pl.col("plain") & pl.col("linked_on").is_not_null())
        .group_by("successor")
        .agg(pl.col("linked_on").min().alias("started_on"))
        .rename({"successor": "urn"})
        .sort("urn")
    )


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


def load_evidence(*, urns: Collection[int] | None = None, history_only: bool = False) -> Evidence:
    """Read the register, inspections, results, finances and trust memberships into frames: all of them, or
    only those of ``urns``, their predecessors, their trusts' other schools and the other schools of their LAs
    (whose inspections the local context reads). With ``history_only``, only what the inspection-history
    features read (the register, predecessors and inspections of ``urns`` and their predecessors; results,
    finances and memberships are left empty): what the previous-grade rule ranks schools by."""
    links = links_frame()
    lineage = lineage_frame(links)
    wanted: set[int] | None = None
    if urns is not None:
        wanted = set(urns) | set(lineage.filter(pl.col("urn").is_in(list(urns)))["source_urn"].to_list())

    memberships = pl.DataFrame(schema=MEMBERSHIP_SCHEMA) if history_only else _memberships(wanted)
    if wanted is not None and not history_only:
        # the trust's other schools, and every school of the same LAs (the local context reads them all)
        wanted |= set(memberships["urn"].to_list())
        authorities: set[int] = set()
        for chunk in in_chunks(sorted(set(urns or []))):
            authorities.update(
                Establishment.objects.filter(urn__any_of=chunk).values_list("local_authority_id", flat=True)
            )
        wanted |= set(Establishment.objects.filter(local_authority_id__in=authorities).values_list("urn", flat=True))
    schools = _schools(wanted, register=not history_only)
    inspections = _inspections(wanted)
    if history_only:
        results = _results(set())
        finance = pl.DataFrame(schema=FINANCE_SCHEMA)
    else:
        results = _results(wanted)
        finance = finance_frame(sorted(wanted) if wanted is not None else None)
    if wanted is not None:
        lineage = lineage.filter(pl.col("urn").is_in(list(wanted)))
    return Evidence(
        schools=schools,
        inspections=inspections,
        results=results,
        lineage=lineage,
        finance=finance,
        started=started_frame(links),
        memberships=memberships,
    )


def _schools(wanted: set[int] | None, *, register: bool = True) -> pl.DataFrame:
    """The schools' ids and URNs and, with ``register``, what the register says of them (the other columns of
    ``SCHOOL_SCHEMA``, left empty without it: the inspection-history features read only the ids and URNs)."""
    fields = (
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
    read = fields if register else fields[:2]
    rows = rows_for(Establishment.objects.all(), "urn", wanted, read, as_stored=True)  # whole numbers, text, dates
    names = list(SCHOOL_SCHEMA)  # the frame's names for ``fields``, in their order
    frame = pl.DataFrame(rows, schema={name: SCHOOL_SCHEMA[name] for name in names[: len(read)]}, orient="row")
    unread = [pl.lit(None, dtype=SCHOOL_SCHEMA[name]).alias(name) for name in names[len(read) :]]
    return frame.with_columns(unread).sort("id")


def _memberships(wanted: set[int] | None) -> pl.DataFrame:
    """Trust (and federation) memberships: each member school's URN, the group, and when it joined and left.
    With ``wanted``, the memberships of the groups those schools belong to (all their members)."""
    fields = ("establishment__urn", "group_id", "joined_on", "left_on")
    query = GroupMembership.objects.all()
    if wanted is None:
        return pl.DataFrame(list(query.values_list(*fields)), schema=MEMBERSHIP_SCHEMA, orient="row")
    groups = {group for _, group in rows_for(query, "establishment__urn", wanted, ("establishment__urn", "group_id"))}
    rows = rows_for(query, "group_id", groups, fields)
    return pl.DataFrame(rows, schema=MEMBERSHIP_SCHEMA, orient="row")


def _inspections(wanted: set[int] | None) -> pl.DataFrame:
    """Every inspection with its four-point outcome (``grade``: the overall grade, else the worst key
    judgement, else a report card's lowest area read on the four-point scale), whether it judged the school
    (``judging``: a graded inspection with an outcome, or a report card) and whether it found the school
    below good (``below_good``: not good or better as the accountability rules define it; a report card is
    below good when an area needs attention or worse, or safeguarding was not met)."""
    fields = (
        "id",
        "establishment__urn",
        "start_date",
        "publication_date",
        "overall_effectiveness",
        "category_of_concern",
        "framework",
        "kind",
        "safeguarding_met",
    )
    if wanted is None or len(wanted) > WHOLE_TABLE_ABOVE:
        # the inspections a round's standings read too (``every_inspection``: read once within the round)
        urns = stored_frame(Establishment.objects.all(), ("id", "urn"), {"establishment_id": pl.Int64, "urn": pl.Int64})
        if wanted is not None:
            urns = urns.filter(pl.col("urn").is_in(list(wanted)))
        read = (
            every_inspection()
            .join(urns, on="establishment_id", maintain_order="left")
            .select(
                pl.col("id").alias("inspection_id"),
                "urn",
                "start_date",
                "publication_date",
                pl.col("overall_effectiveness").alias("overall"),
                "category_of_concern",
                "framework",
                "kind",
                "safeguarding_met",
            )
        )
    else:
        # as the driver gives them: whole numbers, text, dates and yes or no (see ``rows_for``)
        rows = rows_for(Inspection.objects.all(), "establishment__urn", wanted, fields, as_stored=True)
        read = pl.DataFrame(rows, schema=READ_INSPECTION_SCHEMA, orient="row")
    four_point, report_card = _judgements(read.filter(pl.col("overall").is_null())["inspection_id"].to_list())
    kind, overall, card = pl.col("kind"), pl.col("overall"), pl.col("card")
    graded = kind == InspectionKind.GRADED.value
    read = read.with_columns(
        worst=pl.col("inspection_id").replace_strict(four_point, default=None, return_dtype=pl.Int64),
        card=pl.col("inspection_id").replace_strict(report_card, default=None, return_dtype=pl.Int64),
    ).with_columns(
        report_card=(kind == InspectionKind.REPORT_CARD.value)
        | (graded & (pl.col("framework") == Framework.REPORT_CARD_2025.value) & overall.is_null() & card.is_not_null())
    )
    card_as_four_point = card.replace_strict(
        {int(area_grade): as_four_point for area_grade, as_four_point in REPORT_CARD_AS_FOUR_POINT.items()},
        default=2,
        return_dtype=pl.Int64,
    )
    read = read.with_columns(
        grade=pl.when(overall.is_not_null())
        .then(overall)
        .when(pl.col("report_card"))
        .then(pl.when(card.is_not_null()).then(card_as_four_point))
        .when(graded)
        .then(pl.col("worst"))
    ).with_columns(judging=pl.col("report_card") | (graded & pl.col("grade").is_not_null()))
    # Whether an outcome is below good, worked out once for each kind of outcome (a few dozen among 55,000).
    outcome = ["report_card", "card", "safeguarding_met", "grade"]
    good_or_better = rules_named().good_or_better
    below = []
    for is_report_card, lowest, safeguarding, grade in read.filter("judging").select(outcome).unique().iter_rows():
        if is_report_card:
            facts = {"latest_kind": "report_card", "lowest_area": lowest, "safeguarding_met": safeguarding}
        else:
            facts = {"latest_kind": "graded", "latest_grade": grade}
        below.append((is_report_card, lowest, safeguarding, grade, not matches(good_or_better, facts)))
    below_good = pl.DataFrame(below, schema={**read.select(outcome).schema, "below_good": pl.Boolean}, orient="row")
    return (
        read.join(below_good, on=outcome, how="left", nulls_equal=True, maintain_order="left")
        .select(
            "inspection_id",
            "urn",
            "start_date",
            "publication_date",
            "grade",
            pl.col("category_of_concern")
            .replace_strict(CATEGORY_CODES, default=0, return_dtype=pl.Int64)
            .alias("category"),
            "kind",
            "judging",
            pl.when("judging").then("below_good").alias("below_good"),
        )
        .with_columns(available=inspection_available_expr())
    )


def _judgements(inspection_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """For inspections without an overall grade: the worst key judgement (four-point scale), and the lowest
    report-card area (1 urgent improvement .. 5 exceptional)."""
    worst: dict[int, int] = {}
    lowest: dict[int, int] = {}
    fields = ("inspection_id", "scale", "grade")
    for inspection_id, scale, grade in rows_for(Judgement.objects.all(), "inspection_id", set(inspection_ids), fields):
        if scale == Judgement.Scale.REPORT_CARD:
            lowest[inspection_id] = min(lowest.get(inspection_id, 99), int(grade))
        else:
            worst[inspection_id] = max(worst.get(inspection_id, 0), int(grade))
    return worst, lowest


def _results(wanted: set[int] | None) -> pl.DataFrame:
    fields = ("urn", "measure", "year", "value_f", "lower_f", "upper_f", "pupils")
    query = SchoolResult.objects.filter(measure__in=RESULT_MEASURES).annotate(
        value_f=Cast("value", FloatField()),
        lower_f=Cast("lower", FloatField()),
        upper_f=Cast("upper", FloatField()),
    )
    rows = rows_for(query, "urn", wanted, fields, as_stored=True)  # whole numbers, text and floats
    return (
        pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")
        .with_columns(dataset=pl.col("measure").str.split(".").list.first())
        .with_columns(available=results_available_expr())
        .filter(pl.col("available").is_not_null())
    )
