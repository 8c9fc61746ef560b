"""When a school's next inspection is due, as features: read from the school's standing under the accountability
rules (``headway.inspections.standing``), never worked out again here.

A below-good graded inspection within a window is "inspected in the window" and "below good if inspected".
The first is mostly policy: re-inspection of a school that requires improvement within 30 months, good
schools about every four years, the outstanding exemption until 2020, a new school's first inspection in its
third year, monitoring of schools in a category of concern, report-card intervals. The accountability rules
say all of that as data, and ``standings()`` applies them; this module turns each school's window into
numbers the model can learn from (months until the window opens and closes, exempt or not, which rule gave
it) and adds the facts of the standing that bear on timing (stuck, inherited, an ungraded inspection that
said "S5 next" or recorded concerns, a report card and its safeguarding).

**No leakage.** ``standings(as_of=D)`` reads every inspection that *started* on or before D. The model may
only use what was *public* before D, so each query's standing is taken as of the last day before any of its
own (or its predecessors') inspections that started before D but were published on or after D: the day
before the earliest such inspection, or D less one day when there is none. The window's dates are then
compared with D itself.

**Opening dates.** The register often lacks a school's opening date (the national spine has it only for
schools opened from 2017). A converter or sponsored academy's URN opens on the day of its GIAS predecessor
link, so where the register has no opening date, that day is given to the standing (on a copy: nothing is
saved), and the rules' "new school" window can apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from headway.inspections.standing import Standing, rules_named, standings
from headway.schools.models import Establishment

if TYPE_CHECKING:
    from headway.risk.sources import Evidence

#: The features this module adds, with their labels and kinds (see ``features.Feature``).
TIMING_FEATURES: tuple[tuple[str, str, str], ...] = (
    ("window_rule", "Next inspection expected because", "window"),
    ("months_to_window_opens", "Months until the next inspection's window opens (negative: opened)", "months"),
    ("months_to_window_closes", "Months until the next inspection's window closes (negative: overdue)", "months"),
    ("window_exempt", "Exempt from routine inspection", "flag"),
    ("stuck", "Stuck: below good at the latest two inspections", "flag"),
    ("inherited_outcome", "First inspection still to come: the predecessor's outcome stands", "flag"),
    ("months_open", "Months since this school (URN) opened", "number"),
    ("latest_is_ungraded", "The latest inspection was ungraded", "flag"),
    ("ungraded_graded_next", "The latest ungraded inspection said a graded inspection should follow", "flag"),
    ("ungraded_concerns", "The latest ungraded inspection recorded concerns", "flag"),
    ("latest_is_report_card", "The latest inspection was a report card", "flag"),
    ("report_card_lowest_area", "Lowest report-card area (1 urgent improvement .. 5 exceptional)", "number"),
    ("safeguarding_not_met", "Safeguarding not met at the latest inspection", "flag"),
)
TIMING_FEATURE_NAMES: tuple[str, ...] = tuple(name for name, _, _ in TIMING_FEATURES)


def window_rule_codes() -> dict[str, int]:
    """Each window rule of the accountability rules, numbered in the file's order from 1 (0: no rule)."""
    return {"none": 0, **{rule.name: number for number, rule in enumerate(rules_named().windows, start=1)}}


def window_rule_reason(code: int) -> str:
    """The accountability rules' reason for a window rule's number, as officers read it."""
    rules = rules_named().windows
    if 1 <= code <= len(rules):
        return rules[code - 1].reason
    return "no rule gives a window"


def _months(later: dt.date | None, earlier: dt.date) -> float | None:
    if later is None:
        return None
    return round((later - earlier).days / (365.25 / 12), 2)


def standing_as_of(evidence: Evidence, lineage: pl.DataFrame) -> pl.DataFrame:
    """For each query (``qid``, ``as_of``), the day its standing may be taken as of without reading an
    inspection that was not yet public: ``standing_on``. ``lineage`` is the queries' own URNs and their
    predecessors' (``qid``, ``as_of``, ``source_urn``)."""
    unpublished = (
        lineage.join(
            evidence.inspections.select("urn", "start_date", "available"), left_on="source_urn", right_on="urn"
        )
        .filter((pl.col("start_date") < pl.col("as_of")) & (pl.col("available") >= pl.col("as_of")))
        .group_by("qid")
        .agg(pl.col("start_date").min().alias("first_unpublished"))
    )
    return (
        lineage.select("qid", "as_of")
        .unique("qid")
        .join(unpublished, on="qid", how="left")
        .select(
            "qid",
            "as_of",
            pl.min_horizontal(
                pl.col("as_of") - pl.duration(days=1), pl.col("first_unpublished") - pl.duration(days=1)
            ).alias("standing_on"),
        )
    )


@dataclass(frozen=True)
class _Summary:
    """What the model reads from one school's standing on one day (kept small: many are cached)."""

    rule: int
    opens: dt.date | None
    closes: dt.date | None
    exempt: bool
    stuck: bool
    inherited: bool
    opened_on: dt.date | None
    latest_ungraded: bool
    graded_next: bool
    concerns: bool
    report_card: bool
    lowest_area: int | None
    safeguarding_not_met: bool


def _summary(standing: Standing, codes: dict[str, int]) -> _Summary:
    facts = standing.facts
    window = standing.window
    rule = window.rule if window is not None else "none"
    report_card = facts.get("latest_kind") == "report_card"
    opened_on = facts.get("opened_on")
    return _Summary(
        rule=codes.get(rule, 0),
        opens=window.opens if window is not None else None,
        closes=window.closes if window is not None else None,
        exempt=window is not None and window.opens is None and rule != "none",
        stuck=bool(facts.get("stuck")),
        inherited=bool(facts.get("inherited")),
        opened_on=opened_on if isinstance(opened_on, dt.date) else None,
        latest_ungraded=facts.get("last_inspection_kind") == "ungraded",
        graded_next=bool(facts.get("ungraded_graded_next")),
        concerns=bool(facts.get("ungraded_concerns")),
        report_card=report_card,
        lowest_area=int(facts["lowest_area"]) if report_card and facts.get("lowest_area") else None,
        safeguarding_not_met=facts.get("safeguarding_met") is False,
    )


def _row(summary: _Summary, as_of: dt.date) -> dict[str, Any]:
    opened = summary.opened_on
    return {
        "window_rule": float(summary.rule),
        "months_to_window_opens": _months(summary.opens, as_of),
        "months_to_window_closes": _months(summary.closes, as_of),
        "window_exempt": float(summary.exempt),
        "stuck": float(summary.stuck),
        "inherited_outcome": float(summary.inherited),
        "months_open": _months(as_of, opened) if opened is not None and opened <= as_of else None,
        "latest_is_ungraded": float(summary.latest_ungraded),
        "ungraded_graded_next": float(summary.graded_next),
        "ungraded_concerns": float(summary.concerns),
        "latest_is_report_card": float(summary.report_card),
        "report_card_lowest_area": float(summary.lowest_area) if summary.lowest_area is not None else None,
        "safeguarding_not_met": float(summary.safeguarding_not_met),
    }


def _establishments(ids: Iterable[int], started: dict[int, dt.date]) -> dict[int, Establishment]:
    """The register's schools, with the opening date of a URN that has none taken from its first predecessor
    link (in memory only)."""
    found: dict[int, Establishment] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), 2000):
        for school in Establishment.objects.filter(id__in=ordered[start : start + 2000]):
            if school.open_date is None and school.urn in started:
                school.open_date = started[school.urn]
            found[school.pk] = school
    return found


def timing_features(evidence: Evidence, queries: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """``qid`` and ``TIMING_FEATURE_NAMES`` for each query (``qid``, ``establishment_id``, ``as_of``)."""
    schema: dict[str, Any] = {"qid": pl.Int64, **dict.fromkeys(TIMING_FEATURE_NAMES, pl.Float64)}
    if queries.is_empty():
        return pl.DataFrame(schema=schema)
    days = standing_as_of(evidence, lineage).join(queries.select("qid", "establishment_id"), on="qid")
    started = dict(evidence.started.select("urn", "started_on").iter_rows())
    schools = _establishments(days["establishment_id"].to_list(), started)
    codes = window_rule_codes()
    cache = evidence.standing_cache
    rows: list[dict[str, Any]] = []
    for (standing_on,), group in days.group_by(["standing_on"], maintain_order=True):
        assert isinstance(standing_on, dt.date)
        wanted = [pk for pk in dict.fromkeys(group["establishment_id"].to_list()) if pk in schools]
        missing = [schools[pk] for pk in wanted if (pk, standing_on) not in cache]
        if missing:
            for pk, standing in standings(missing, as_of=standing_on, facts_only=True).items():
                cache[(pk, standing_on)] = _summary(standing, codes)
        for qid, pk, as_of in group.select("qid", "establishment_id", "as_of").iter_rows():
            summary = cache.get((pk, standing_on))
            if summary is not None:
                rows.append({"qid": qid, **_row(summary, as_of)})
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def describe_window(code: float) -> str:
    return window_rule_reason(round(code))
