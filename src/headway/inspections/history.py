"""A school's inspections as its standing reads them, worked out for many schools at once with Polars: what
each inspection was (its kind as read, its four-point outcome, whether it judged the school, its report-card
areas), and, for each school, its latest inspections of each kind (``headway.inspections.standing`` turns
them into the standing's facts). Kept apart from ``standing`` so that Polars is imported only when a standing is
worked out, not by every command and page that imports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from headway.inspections.models import Framework, Inspection, Judgement, ReportCardGrade
from headway.inspections.standing import _GRADED, _REPORT_CARD, _UNGRADED, FACT_FIELDS
from headway.queries import (
    WHOLE_TABLE_ABOVE,
    built_plainly,
    in_chunks,
    known_related,
    read_once,
    related,
    rows_for,
    stored_frame,
    stored_frame_for,
)

#: An inspection as a standing reads it (``FACT_FIELDS``, in their order), and a judgement.
SEEN_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "establishment_id": pl.Int64,
    "framework": pl.Utf8,
    "kind": pl.Utf8,
    "start_date": pl.Date,
    "overall_effectiveness": pl.Int64,
    "overall_label": pl.Utf8,
    "category_of_concern": pl.Utf8,
    "safeguarding_met": pl.Boolean,
}
JUDGEMENT_SCHEMA: dict[str, Any] = {"inspection_id": pl.Int64, "area": pl.Utf8, "scale": pl.Utf8, "grade": pl.Int64}


@dataclass
class Seen:
    """Schools' inspections up to a date as frames (``SEEN_SCHEMA``, ``JUDGEMENT_SCHEMA``) and, when they were
    read whole (for pages), the inspections themselves by id, each with its judgements."""

    inspections: pl.DataFrame
    judgements: pl.DataFrame
    objects: dict[int, Inspection] = field(default_factory=dict)


#: Every inspection as ``every_inspection`` reads it: what a standing reads (``SEEN_SCHEMA``) and the day its
#: report was published (what the risk model reads).
EVERY_INSPECTION_SCHEMA: dict[str, Any] = {**SEEN_SCHEMA, "publication_date": pl.Date}


def every_inspection() -> pl.DataFrame:
    """Every inspection in the database (``EVERY_INSPECTION_SCHEMA``), in no particular order, as the database
    driver gives its values: read once within a ``reads_shared`` block (a national round's standings and risk
    model both read it)."""
    return read_once(
        "every inspection",
        lambda: stored_frame(Inspection.objects.all(), tuple(EVERY_INSPECTION_SCHEMA), EVERY_INSPECTION_SCHEMA),
    )


def read_seen(ids: Collection[int], as_of: dt.date, *, facts_only: bool) -> Seen:
    """The schools' inspections that started on or before ``as_of``, with their judgements. With
    ``facts_only``, only the fields the facts and window read, as the database driver gives them (a national
    round's 55,000 inspections, read as plain rows: see ``rows_for``); otherwise every field, as instances."""
    wanted = set(ids)
    if facts_only:
        if len(wanted) > WHOLE_TABLE_ABOVE:
            inspections = every_inspection().filter(pl.col("establishment_id").is_in(list(wanted)))
        else:
            inspections = stored_frame_for(
                Inspection.objects.all(), "establishment_id", wanted, FACT_FIELDS, SEEN_SCHEMA
            )
        # Those after ``as_of`` are left out here: asked of the database, SQLite would read the inspections
        # through their date index, twice as slow as reading the table straight.
        inspections = inspections.select(list(SEEN_SCHEMA)).filter(pl.col("start_date") <= as_of)
        judged = rows_for(
            Judgement.objects.all(),
            "inspection__establishment_id",
            wanted,
            ("inspection__establishment_id", *JUDGEMENT_SCHEMA),
            as_stored=True,
        )
        areas = pl.DataFrame([row[1:] for row in judged], schema=JUDGEMENT_SCHEMA, orient="row")
        return Seen(inspections, areas.filter(pl.col("inspection_id").is_in(inspections["id"].implode())))
    objects: dict[int, Inspection] = {}
    for chunk in in_chunks(sorted(wanted)):
        judgements: dict[int, list[Judgement]] = {}
        for judgement in built_plainly(
            Judgement.objects.filter(
                inspection__establishment_id__any_of=chunk, inspection__start_date__lte=as_of
            ).order_by("id")
        ):
            judgements.setdefault(judgement.inspection_id, []).append(judgement)
        for inspection in built_plainly(
            Inspection.objects.filter(establishment_id__any_of=chunk, start_date__lte=as_of).order_by()
        ):
            own = judgements.get(inspection.id, [])
            for judgement in own:
                judgement._state.fields_cache["inspection"] = inspection
            known_related(inspection, "judgements", own)
            objects[inspection.id] = inspection
    return Seen(
        pl.DataFrame(
            [tuple(getattr(i, name) for name in FACT_FIELDS) for i in objects.values()],
            schema=SEEN_SCHEMA,
            orient="row",
        ),
        pl.DataFrame(
            [(j.inspection_id, j.area, j.scale, j.grade) for i in objects.values() for j in related(i, "judgements")],
            schema=JUDGEMENT_SCHEMA,
            orient="row",
        ),
        objects,
    )


def outcomes_of(seen: Seen) -> pl.DataFrame:
    """Each inspection with what a standing reads of it: its kind as read (a report-card framework inspection
    recorded as "graded" with report-card areas is a report card: ``kind_of``), its four-point outcome
    (``four_point_outcome``), whether it judged the school (``_judges``), and its report-card areas' lowest
    grade, how many are below the expected standard and the grade for leadership and governance."""
    judgements = seen.judgements
    worst = (
        judgements.filter(pl.col("scale") == Judgement.Scale.FOUR_POINT.value)
        .group_by("inspection_id")
        .agg(pl.col("grade").max().alias("worst"))
    )
    cards = (
        judgements.filter(pl.col("scale") == Judgement.Scale.REPORT_CARD.value)
        .group_by("inspection_id")
        .agg(
            pl.col("grade").min().alias("lowest_area"),
            (pl.col("grade") < int(ReportCardGrade.EXPECTED_STANDARD)).sum().cast(pl.Int64).alias("areas_below"),
            pl.col("grade").filter(pl.col("area") == "Leadership and governance").first().alias("leadership"),
        )
    )
    kind = pl.col("kind")
    frame = (
        seen.inspections.join(worst, left_on="id", right_on="inspection_id", how="left")
        .join(cards, left_on="id", right_on="inspection_id", how="left")
        .with_columns(
            kind_as_read=pl.when(
                (kind == _GRADED)
                & (pl.col("framework") == Framework.REPORT_CARD_2025.value)
                & pl.col("overall_effectiveness").is_null()
                & pl.col("lowest_area").is_not_null()
            )
            .then(pl.lit(_REPORT_CARD))
            .otherwise(kind),
            four_point=pl.coalesce("overall_effectiveness", "worst"),
        )
    )
    return frame.with_columns(
        judges=(pl.col("kind_as_read") == _REPORT_CARD)
        | ((pl.col("kind_as_read") == _GRADED) & pl.col("four_point").is_not_null())
    )


def latest_of_each(seen: pl.DataFrame) -> pl.DataFrame:
    """For each school (``school``), from the inspections it is judged by (``outcomes``, with ``source``: 0 an
    inherited predecessor's, 1 its own), oldest first, the parts of its standing: the latest inspection that
    judged it and what it said, the latest graded one and the one before the latest, the latest report card and
    ungraded inspection, and the last inspection of any kind (an own inspection after a predecessor's)."""
    judges = pl.col("judges")
    graded = judges & (pl.col("kind_as_read") == _GRADED)
    latest_on = pl.col("start_date").filter(judges).last()

    def latest(name: str) -> pl.Expr:
        return pl.col(name).filter(judges).last()

    return (
        seen.sort("school", "source", "start_date", "id")
        .group_by("school")
        .agg(
            pl.col("id").last().alias("last_id"),
            pl.col("start_date").last().alias("last_inspected_on"),
            pl.col("kind").last().alias("last_inspection_kind"),
            pl.col("overall_label").last().alias("last_label"),
            latest("id").alias("latest_id"),
            latest_on.alias("latest_on"),
            latest("kind_as_read").alias("latest_kind"),
            latest("category_of_concern").alias("category"),
            latest("safeguarding_met").alias("safeguarding_met"),
            latest("four_point").alias("latest_four_point"),
            latest("lowest_area").alias("lowest_area"),
            latest("areas_below").alias("areas_below"),
            latest("leadership").alias("leadership"),
            pl.col("id").filter(graded).last().alias("latest_graded_id"),
            pl.col("start_date").filter(graded).last().alias("last_graded_on"),
            pl.col("four_point").filter(graded).last().alias("last_grade"),
            pl.col("four_point").filter(graded & (pl.col("start_date") < latest_on)).last().alias("previous_grade"),
            pl.col("id").filter(judges & (pl.col("kind_as_read") == _REPORT_CARD)).last().alias("latest_card_id"),
            pl.col("id").filter(pl.col("kind") == _UNGRADED).last().alias("latest_ungraded_id"),
        )
    )


def facts_of(schools: pl.DataFrame, latest: pl.DataFrame, inherited: Collection[int], as_of: dt.date) -> pl.DataFrame:
    """Each school's facts (``standing.FACTS``; the three the rules work out, ``WORKED_OUT``, still null), a row
    for each school of ``schools`` (``id``, ``open_date``) in their order, from its row of ``latest_of_each``
    (none: never inspected); ``inherited``: the schools that carry a predecessor's outcome."""
    from headway.inspections.frameworks import ungraded_outcome
    from headway.inspections.standing import FACTS, WORKED_OUT

    ungraded = pl.col("last_inspection_kind") == _UNGRADED
    said = {label: ungraded_outcome(label) for label in latest.filter(ungraded)["last_label"].unique().to_list()}
    frame = schools.join(latest, left_on="id", right_on="school", how="left", maintain_order="left")
    inspected = pl.col("latest_id").is_not_null()
    card = inspected & (pl.col("latest_kind") == _REPORT_CARD)
    opened = pl.col("open_date")
    months_open = (as_of.year - opened.dt.year().cast(pl.Int64)) * 12 + (as_of.month - opened.dt.month().cast(pl.Int64))
    months_open = months_open - (opened.dt.day().cast(pl.Int64) > as_of.day).cast(pl.Int64)

    def ungraded_said(part: str) -> pl.Expr:
        told = {label: getattr(outcome, part) for label, outcome in said.items()}
        return (ungraded & pl.col("last_label").replace_strict(told, default=False, return_dtype=pl.Boolean)).fill_null(
            False
        )

    facts = frame.select(
        "id",
        pl.lit(as_of, dtype=pl.Date).alias("as_of"),
        inspected.alias("inspected"),
        (inspected & pl.col("id").is_in(list(inherited))).alias("inherited"),
        pl.when(card)
        .then(pl.lit("report_card"))
        .when(inspected)
        .then(pl.lit("graded"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
        .alias("latest_kind"),
        "latest_on",
        pl.when(inspected).then(pl.col("category")).otherwise(pl.lit("")).alias("category"),
        pl.when(card).then(pl.col("lowest_area")).alias("lowest_area"),
        pl.when(card).then(pl.col("leadership")).alias("leadership_and_governance"),
        pl.when(card)
        .then(pl.col("areas_below").fill_null(0))
        .otherwise(0)
        .cast(pl.Int64)
        .alias("areas_below_expected"),
        pl.when(inspected).then(pl.col("safeguarding_met")).alias("safeguarding_met"),
        pl.when(inspected & ~card).then(pl.col("latest_four_point")).alias("latest_grade"),
        pl.when(inspected).then(pl.col("previous_grade")).alias("previous_grade"),
        "last_graded_on",
        "last_grade",
        "last_inspected_on",
        "last_inspection_kind",
        ungraded_said("graded_next").alias("ungraded_graded_next"),
        ungraded_said("concerns").alias("ungraded_concerns"),
        opened.alias("opened_on"),
        pl.when(opened <= as_of).then(months_open.clip(lower_bound=0)).alias("months_open"),
        *(pl.lit(None, dtype=pl.Boolean).alias(name) for name in WORKED_OUT),
    )
    return facts.select("id", *FACTS)


def decided(facts: pl.DataFrame, rules: Any) -> pl.DataFrame:
    """The facts with what the accountability rules work out from them, as ``standings`` works it out one
    school at a time: good or better, stuck and eligible for RISE (in that order, each reading those before
    it), and the inspection window (``window``: the number of the first window rule that gives one, null where
    none does; ``opens`` and ``closes``). Raises ``policy_files.NotAsColumns`` where a rule cannot be decided
    so (the caller decides one school at a time)."""
    from headway.policy_files import as_expression

    for name, condition in (
        ("good_or_better", rules.good_or_better),
        ("stuck", rules.stuck),
        ("rise_eligible", rules.rise_eligible),
    ):
        facts = facts.with_columns(as_expression(condition, facts.schema).alias(name))
    chosen: Any = None
    opens: Any = None
    closes: Any = None
    for number, rule in enumerate(rules.windows):
        holds = as_expression(rule.when, facts.schema)
        if rule.exempt:
            window = (pl.lit(None, dtype=pl.Date), pl.lit(None, dtype=pl.Date))
        elif rule.between is not None:
            window = (pl.lit(rule.between[0], dtype=pl.Date), pl.lit(rule.between[1], dtype=pl.Date))
        elif rule.months is not None and rule.since is not None:
            since = pl.col(rule.since)
            holds = holds & since.is_not_null()  # the date the rule counts from is not known: the next rule
            window = (since.dt.offset_by(f"{rule.months[0]}mo"), since.dt.offset_by(f"{rule.months[1]}mo"))
        else:
            continue
        if chosen is None:
            chosen, opens, closes = (pl.when(holds).then(value) for value in (pl.lit(number), *window))
        else:
            chosen, opens, closes = (
                part.when(holds).then(value)
                for part, value in zip((chosen, opens, closes), (pl.lit(number), *window), strict=True)
            )
    if chosen is None:
        return facts.with_columns(
            window=pl.lit(None, dtype=pl.Int64), opens=pl.lit(None, dtype=pl.Date), closes=pl.lit(None, dtype=pl.Date)
        )
    return facts.with_columns(
        chosen.otherwise(None).cast(pl.Int64).alias("window"),
        opens.otherwise(None).cast(pl.Date).alias("opens"),
        closes.otherwise(None).cast(pl.Date).alias("closes"),
    )
