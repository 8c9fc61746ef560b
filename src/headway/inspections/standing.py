"""A school's standing: what its inspections say today, in one place that every domain reads (categorisation,
schools causing concern, visits, risk and the pages).

A standing is worked out for many schools at once (two queries for the inspections, one for predecessors;
the facts and the rules as Polars columns: ``headway.inspections.history``) as of any date, under the
accountability rules in ``policies/accountability-2025.yaml``: what "good or better" means, which schools are
stuck or eligible for RISE, and when each school's next inspection is expected. Nothing here is stored; it is
read from the inspections each time.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from headway.inspections.models import (
    CategoryOfConcern,
    Framework,
    Inspection,
    InspectionKind,
    Judgement,
    OverallGrade,
    ReportCardGrade,
)
from headway.policy_files import Condition, NotAsColumns, PolicyError, PolicyFile, compiled
from headway.queries import in_chunks, related, rows_for
from headway.schools.models import Establishment, EstablishmentLink

POLICY_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICY = "accountability-2025"

#: Every fact of a standing that the accountability rules (and categorisation policies) can read.
FACTS: dict[str, str] = {
    "as_of": "the date the standing is for",
    "inspected": "the school (or the predecessor it inherits from) has an inspection that judged it",
    "inherited": "the school's own first inspection is still to come: its predecessor's outcome is used",
    "latest_kind": "report_card or graded: the latest inspection that judged the school",
    "latest_on": "the date of the latest inspection that judged the school",
    "category": "category of concern at the latest inspection that judged the school: SM, SWK, RSI or none",
    "lowest_area": "lowest report-card area grade (1 urgent improvement .. 5 exceptional)",
    "leadership_and_governance": "report-card grade for leadership and governance (1 .. 5)",
    "areas_below_expected": "how many report-card areas are below the expected standard",
    "safeguarding_met": "safeguarding met / effective at the latest inspection that judged the school",
    "latest_grade": "four-point outcome of the latest inspection when it was graded (1 outstanding .. 4 inadequate)",
    "previous_grade": "four-point outcome of the graded inspection before the latest",
    "last_graded_on": "date of the latest graded (four-point) inspection",
    "last_grade": "four-point outcome of the latest graded inspection, whatever came after it",
    "last_inspected_on": "date of the latest inspection of any kind (ungraded and monitoring too)",
    "last_inspection_kind": "graded, report_card, ungraded or monitoring",
    "ungraded_graded_next": "the latest inspection was ungraded and said a graded inspection should follow",
    "ungraded_concerns": "the latest inspection was ungraded and recorded concerns",
    "opened_on": "the date the school opened",
    "months_open": "whole months since the school opened",
    "good_or_better": "good or better as the accountability rules define it",
    "stuck": "stuck as the accountability rules define it",
    "rise_eligible": "eligible for RISE targeted intervention",
}
DATE_FACTS = ("as_of", "latest_on", "last_graded_on", "last_inspected_on", "opened_on")
WORKED_OUT = ("good_or_better", "stuck", "rise_eligible")


# --------------------------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class WindowRule:
    name: str
    when: Condition
    reason: str
    since: str | None = None
    months: tuple[int, int] | None = None
    between: tuple[dt.date, dt.date] | None = None
    exempt: bool = False


@dataclass(frozen=True)
class AccountabilityRules:
    name: str
    title: str
    version: int
    inherit_from_predecessor: bool
    good_or_better: Condition
    stuck: Condition
    rise_eligible: Condition
    rise_grant_limit: int
    windows: tuple[WindowRule, ...]


class _RulesFile(PolicyFile):
    def load(self) -> AccountabilityRules:
        root = self.root()
        top = self.mapping(root, "the accountability rules")
        what = "the accountability rules"
        names = set(FACTS)
        rise_node = self.need(root, top, "rise", what)
        rise = self.mapping(rise_node, "'rise'")
        windows: list[WindowRule] = []
        windows_node = self.need(root, top, "windows", what)
        if not isinstance(windows_node, yaml.SequenceNode) or not windows_node.value:
            raise self.fail(windows_node, "'windows' must list one or more rules")
        for item in windows_node.value:
            entry = self.mapping(item, "a window rule")
            name = str(self.value(self.need(item, entry, "name", "a window rule")))
            kinds = [key for key in ("months", "between", "exempt") if key in entry]
            if len(kinds) != 1:
                raise self.fail(item, f"window rule {name!r} needs exactly one of months, between or exempt")
            months: tuple[int, int] | None = None
            between: tuple[dt.date, dt.date] | None = None
            since: str | None = None
            if "months" in entry:
                value = self.value(entry["months"])
                if (
                    not isinstance(value, list)
                    or len(value) != 2
                    or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
                    or value[0] > value[1]
                ):
                    raise self.fail(entry["months"], "'months' is [FROM, TO]: two whole numbers, FROM no more than TO")
                months = (value[0], value[1])
                since = str(self.value(self.need(item, entry, "since", f"window rule {name!r}")))
                if since not in DATE_FACTS:
                    raise self.fail(entry["since"], f"'since' names a date: one of {', '.join(DATE_FACTS)}")
            if "between" in entry:
                value = self.value(entry["between"])
                if (
                    not isinstance(value, list)
                    or len(value) != 2
                    or not all(isinstance(v, dt.date) for v in value)
                    or value[0] > value[1]
                ):
                    raise self.fail(entry["between"], "'between' is [FROM, TO]: two dates, FROM no later than TO")
                between = (value[0], value[1])
            exempt = bool(self.value(entry["exempt"])) if "exempt" in entry else False
            windows.append(
                WindowRule(
                    name=name,
                    when=self.condition(self.need(item, entry, "when", f"window rule {name!r}"), names),
                    reason=str(self.value(self.need(item, entry, "reason", f"window rule {name!r}"))),
                    since=since,
                    months=months,
                    between=between,
                    exempt=exempt,
                )
            )
        inherit = self.value(top["inherit_from_predecessor"]) if "inherit_from_predecessor" in top else False
        if not isinstance(inherit, bool):
            raise self.fail(top["inherit_from_predecessor"], "'inherit_from_predecessor' must be true or false")
        return AccountabilityRules(
            name=str(self.value(self.need(root, top, "name", what))),
            title=str(self.value(self.need(root, top, "title", what))),
            version=self.whole(self.need(root, top, "version", what), 1),
            inherit_from_predecessor=inherit,
            good_or_better=self.condition(self.need(root, top, "good_or_better", what), names),
            stuck=self.condition(self.need(root, top, "stuck", what), names),
            rise_eligible=self.condition(self.need(rise_node, rise, "eligible", "'rise'"), names),
            rise_grant_limit=self.whole(self.need(rise_node, rise, "grant_limit", "'rise'"), 0),
            windows=tuple(windows),
        )


def load_rules(path: Path) -> AccountabilityRules:
    """The accountability rules in a file, validated (``PolicyError`` says ``file:line: problem``)."""
    return _RulesFile(path).load()


@cache
def _rules_at(path: Path, modified: float) -> AccountabilityRules:
    return load_rules(path)


def rules_named(name: str = DEFAULT_POLICY) -> AccountabilityRules:
    """The accountability rules of that name: the LA's own (``config/accountability/``) or the shipped ones.
    A file is read again when it changes."""
    from headway import configuration

    path = configuration.find("accountability", name)
    if path is None:
        raise PolicyError(configuration.missing("accountability", name))
    return _rules_at(path, path.stat().st_mtime)


# ------------------------------------------------------------------------------------------ the standing


@dataclass(frozen=True)
class Window:
    """When the next inspection is expected, and why; ``opens`` and ``closes`` are None when the school is
    exempt or no rule gives a window."""

    opens: dt.date | None
    closes: dt.date | None
    reason: str
    rule: str

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.opens.isoformat() if self.opens else None,
            "to": self.closes.isoformat() if self.closes else None,
            "reason": self.reason,
        }


#: The window of a school no rule gives one: never inspected, or no rule's condition met.
NOT_INSPECTED_WINDOW = Window(
    None, None, "No inspection on record: import Ofsted's inspections for this school", "none"
)
NO_RULE_WINDOW = Window(None, None, "No rule gives a window for this school", "none")


@dataclass
class Standing:
    establishment_id: int
    urn: int
    name: str
    as_of: dt.date
    latest: Inspection | None = None  # the latest inspection that judged the school (report card or graded)
    latest_report_card: Inspection | None = None
    latest_graded: Inspection | None = None  # the latest four-point graded inspection
    latest_ungraded: Inspection | None = None
    last_inspection: Inspection | None = None  # of any kind
    inherited_from_urn: int | None = None
    areas: dict[str, str] = field(default_factory=dict)  # the latest judging inspection's areas, in words
    facts: dict[str, Any] = field(default_factory=dict)
    window: Window | None = None

    @property
    def category_of_concern(self) -> str:
        return str(self.facts.get("category") or "")

    @property
    def category_label(self) -> str:
        code = self.category_of_concern
        return str(CategoryOfConcern(code).label) if code else ""

    @property
    def safeguarding_met(self) -> bool | None:
        value = self.facts.get("safeguarding_met")
        return value if isinstance(value, bool) else None

    @property
    def previous_grade(self) -> int | None:
        value = self.facts.get("previous_grade")
        return int(value) if value is not None else None

    @property
    def previous_grade_label(self) -> str:
        grade = self.previous_grade
        return str(OverallGrade(grade).label) if grade in OverallGrade.values else ""

    @property
    def stuck(self) -> bool:
        return bool(self.facts.get("stuck"))

    @property
    def rise_eligible(self) -> bool:
        return bool(self.facts.get("rise_eligible"))

    @property
    def good_or_better(self) -> bool:
        return bool(self.facts.get("good_or_better"))

    @property
    def in_window(self) -> bool:
        """The next inspection's window has opened (and the inspection has not happened): overdue counts."""
        return self.window is not None and self.window.opens is not None and self.window.opens <= self.as_of

    @property
    def overdue(self) -> bool:
        return self.window is not None and self.window.closes is not None and self.window.closes < self.as_of

    @property
    def summary(self) -> str:
        """The latest outcome in a headteacher's words."""
        return describe(self.latest) if self.latest is not None else "Not yet inspected"

    def as_json(self) -> dict[str, Any]:
        latest = self.latest
        return {
            "urn": self.urn,
            "name": self.name,
            "latest": None
            if latest is None
            else {
                "framework": latest.framework,
                "kind": latest.kind,
                "start_date": latest.start_date.isoformat(),
                "areas": self.areas,
                "safeguarding_met": latest.safeguarding_met,
                "inherited_from_urn": self.inherited_from_urn,
            },
            "category_of_concern": self.category_of_concern or None,
            "safeguarding_met": self.safeguarding_met,
            "previous_grade": self.previous_grade,
            "good_or_better": self.good_or_better,
            "stuck": self.stuck,
            "rise_eligible": self.rise_eligible,
            "next_inspection_window": self.window.as_json() if self.window else None,
            "in_window": self.in_window,
            "overdue": self.overdue,
        }


GRADE_WORDS = {int(g): str(g.label).lower() for g in OverallGrade}


def four_point_outcome(inspection: Inspection) -> int | None:
    """A graded inspection's outcome on the four-point scale: the overall grade, or its worst key judgement
    where it had none (September 2024 framework, or an overall "Not judged")."""
    if inspection.overall_effectiveness is not None:
        return int(inspection.overall_effectiveness)
    grades = [j.grade for j in related(inspection, "judgements") if j.scale == Judgement.Scale.FOUR_POINT]
    return max(grades) if grades else None


def describe(inspection: Inspection) -> str:
    """An inspection's outcome in words, e.g. 'Report card: leadership and governance needs attention'."""
    when = f"{inspection.start_date.day} {inspection.start_date:%B %Y}"
    if kind_of(inspection) == InspectionKind.REPORT_CARD:
        grades = {j.area: j.grade for j in related(inspection, "judgements") if j.scale == Judgement.Scale.REPORT_CARD}
        parts = []
        if grades:
            lowest = min(grades.values())
            parts.append(f"lowest area {str(ReportCardGrade(lowest).label).lower()}")
        if inspection.safeguarding_met is False:
            parts.append("safeguarding not met")
        elif inspection.safeguarding_met is None:
            parts.append("safeguarding not recorded")
        text = f"Report card ({when})" + (": " + ", ".join(parts) if parts else "")
    elif inspection.kind in {InspectionKind.UNGRADED, InspectionKind.MONITORING}:
        text = f"{inspection.get_kind_display()} ({when})" + (
            f": {inspection.overall_label}" if inspection.overall_label else ""
        )
    else:
        outcome = four_point_outcome(inspection)
        label = inspection.overall_label or (GRADE_WORDS.get(outcome, "") if outcome else "")
        if inspection.overall_effectiveness is None and outcome is not None:
            label = f"weakest key judgement {GRADE_WORDS[outcome]}"
        text = f"{label[:1].upper()}{label[1:]} ({when})" if label else f"Graded inspection ({when})"
    if inspection.category_of_concern:
        text += f", {inspection.get_category_of_concern_display().lower()}"
    return text


#: The fields of an inspection that a school's facts, window and areas read: all that a standing for its
#: facts alone (``standings(..., facts_only=True)``) reads of its inspections.
FACT_FIELDS = (
    "id",
    "establishment_id",
    "framework",
    "kind",
    "start_date",
    "overall_effectiveness",
    "overall_label",
    "category_of_concern",
    "safeguarding_met",
)


def _predecessors(urns: Sequence[int]) -> dict[int, list[int]]:
    """Each URN's predecessors' URNs, as GIAS links record them (either direction)."""
    found: dict[int, list[int]] = {}
    for chunk in in_chunks(sorted(set(urns))):
        for urn, linked, link_type in EstablishmentLink.objects.filter(urn__any_of=chunk).values_list(
            "urn", "linked_urn", "link_type"
        ):
            if link_type.lower().startswith("predecessor"):
                found.setdefault(urn, []).append(linked)
        for urn, linked, link_type in EstablishmentLink.objects.filter(linked_urn__any_of=chunk).values_list(
            "urn", "linked_urn", "link_type"
        ):
            if link_type.lower().startswith("successor"):
                found.setdefault(linked, []).append(urn)
    return found


def kind_of(inspection: Inspection) -> str:
    """The inspection's kind; a report-card framework inspection recorded as "graded" (by hand, before kinds
    were kept) with report-card areas is a report card."""
    if (
        inspection.kind == InspectionKind.GRADED
        and inspection.framework == Framework.REPORT_CARD_2025
        and inspection.overall_effectiveness is None
        and any(j.scale == Judgement.Scale.REPORT_CARD for j in related(inspection, "judgements"))
    ):
        return InspectionKind.REPORT_CARD
    return str(inspection.kind)


#: The kinds as plain text, compared tens of thousands of times in a national round.
_GRADED, _REPORT_CARD, _UNGRADED = (
    str(kind.value) for kind in (InspectionKind.GRADED, InspectionKind.REPORT_CARD, InspectionKind.UNGRADED)
)


@lru_cache(maxsize=65536)  # a national round asks for the same few thousand dates over and over
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _window(
    rules: AccountabilityRules, facts: Mapping[str, Any], tests: Sequence[Callable[[Mapping[str, Any]], bool]]
) -> Window:
    """The school's inspection window: the first rule whose condition its facts meet (``tests``: the rules'
    conditions compiled, in the rules' order, made once for many schools)."""
    for rule, test in zip(rules.windows, tests, strict=True):
        if not test(facts):
            continue
        if rule.exempt:
            return Window(None, None, rule.reason, rule.name)
        if rule.between is not None:
            return Window(rule.between[0], rule.between[1], rule.reason, rule.name)
        since = facts.get(rule.since or "")
        if not isinstance(since, dt.date) or rule.months is None:
            continue  # the date the rule counts from is not known: try the next rule
        return Window(
            add_months(since, rule.months[0]),
            add_months(since, rule.months[1]),
            rule.reason,
            rule.name,
        )
    return NO_RULE_WINDOW if facts.get("inspected") else NOT_INSPECTED_WINDOW


@dataclass
class _WorkedOut:
    """The schools' standings as columns (``facts``: ``id`` and every fact, and, ``by_rules``, what the rules
    decide: see ``history.decided``), each school's latest inspections (``history.latest_of_each``), the
    predecessors' URNs carried, and the inspections read whole (for pages) by id."""

    facts: Any
    by_rules: bool
    latest: Any
    inherited: dict[int, int]
    objects: dict[int, Inspection]


def _worked_out(
    establishments: Sequence[Establishment], as_of: dt.date, rules: AccountabilityRules, *, facts_only: bool
) -> _WorkedOut:
    import polars as pl

    from headway.inspections.history import decided, facts_of, latest_of_each, outcomes_of, read_seen

    ids = [e.id for e in establishments]
    seen = read_seen(ids, as_of, facts_only=facts_only)
    outcomes = outcomes_of(seen)
    objects = dict(seen.objects)
    parts = [outcomes.with_columns(school=pl.col("establishment_id"), source=pl.lit(1, dtype=pl.Int64))]
    inherited: dict[int, int] = {}  # school id: the predecessor's URN whose outcome it carries
    if rules.inherit_from_predecessor:
        judged = set(outcomes.filter("judges")["establishment_id"].to_list())
        waiting = [e for e in establishments if e.id not in judged]
        if waiting:
            links = _predecessors([e.urn for e in waiting])
            predecessor_urns = sorted({urn for e in waiting for urn in links.get(e.urn, [])})
            predecessor_ids: dict[int, int] = dict(
                rows_for(Establishment.objects.all(), "urn", set(predecessor_urns), ("urn", "id"))
            )
            theirs_seen = read_seen(list(predecessor_ids.values()), as_of, facts_only=facts_only)
            objects.update(theirs_seen.objects)
            theirs = outcomes_of(theirs_seen)
            # each predecessor's latest judging inspection
            judged_on: dict[int, dt.date] = dict(
                theirs.filter("judges").group_by("establishment_id").agg(pl.col("start_date").max()).iter_rows()
            )
            carried: list[tuple[int, int]] = []  # (school id, predecessor id)
            for school in waiting:
                candidates = [
                    (urn, predecessor_ids[urn])
                    for urn in links.get(school.urn, [])
                    if predecessor_ids.get(urn) in judged_on
                ]
                if candidates:
                    # the predecessor judged most recently (the first listed, of two judged the same day)
                    urn, predecessor = max(candidates, key=lambda item: judged_on[item[1]])
                    inherited[school.id] = urn
                    carried.append((school.id, predecessor))
            if carried:
                pairs = pl.DataFrame(carried, schema={"school": pl.Int64, "establishment_id": pl.Int64}, orient="row")
                parts.append(theirs.join(pairs, on="establishment_id").with_columns(source=pl.lit(0, dtype=pl.Int64)))
    columns = parts[0].columns
    latest = latest_of_each(pl.concat([p.select(columns) for p in parts]))
    schools = pl.DataFrame(
        [(e.id, e.open_date) for e in establishments], schema={"id": pl.Int64, "open_date": pl.Date}, orient="row"
    )
    facts_frame = facts_of(schools, latest, inherited, as_of)
    try:
        return _WorkedOut(decided(facts_frame, rules), True, latest, inherited, objects)
    except NotAsColumns:  # a rule these columns cannot decide exactly: each school is decided on its own
        return _WorkedOut(facts_frame, False, latest, inherited, objects)


def standings(
    establishments: Sequence[Establishment],
    *,
    as_of: dt.date,
    rules: AccountabilityRules | None = None,
    facts_only: bool = False,
) -> dict[int, Standing]:
    """The standing of every school given, keyed by establishment id, as it was on ``as_of``. With
    ``facts_only`` (a round's evidence, the risk model's timing features: tens of thousands of schools), only
    the facts and the window are given (the inspections are read as plain rows with the fields those need,
    ``FACT_FIELDS``, and the standing holds none of them: no ``latest``, ``areas`` and so on). The facts are
    worked out for every school at once (``headway.inspections.history``)."""
    rules = rules or rules_named()
    worked = _worked_out(establishments, as_of, rules, facts_only=facts_only)
    by_rules, inherited, objects = worked.by_rules, worked.inherited, worked.objects
    names = list(FACTS)
    inspections: dict[int, tuple[Any, ...]] = {}
    if not facts_only:
        inspections = {
            row[0]: row[1:]
            for row in worked.latest.select(
                "school", "last_id", "latest_id", "latest_graded_id", "latest_card_id", "latest_ungraded_id"
            ).iter_rows()
        }
    good_or_better, stuck, rise_eligible = (
        compiled(c) for c in (rules.good_or_better, rules.stuck, rules.rise_eligible)
    )
    window_tests = [compiled(rule.when) for rule in rules.windows]
    result: dict[int, Standing] = {}
    read = worked.facts.select(*names, *(("window", "opens", "closes") if by_rules else ())).iter_rows()
    for school, row in zip(establishments, read, strict=True):
        pk = school.id
        facts = dict(zip(names, row, strict=False))
        if by_rules:
            number, opens, closes = row[-3:]
            if number is None:
                window = NO_RULE_WINDOW if facts["inspected"] else NOT_INSPECTED_WINDOW
            else:
                rule = rules.windows[number]
                window = Window(opens, closes, rule.reason, rule.name)
        else:
            facts["good_or_better"] = good_or_better(facts)
            facts["stuck"] = stuck(facts)
            facts["rise_eligible"] = rise_eligible(facts)
            window = _window(rules, facts, window_tests)
        standing = Standing(
            establishment_id=pk,
            urn=school.urn,
            name=school.name,
            as_of=as_of,
            inherited_from_urn=inherited.get(pk) if facts["inherited"] else None,
            facts=facts,
            window=window,
        )
        found = inspections.get(pk)
        if found is not None:
            last_id, latest_id, graded_id, card_id, ungraded_id = found
            judged_by = objects.get(latest_id) if latest_id is not None else None
            standing.latest = judged_by
            standing.latest_report_card = objects.get(card_id) if card_id is not None else None
            standing.latest_graded = objects.get(graded_id) if graded_id is not None else None
            standing.latest_ungraded = objects.get(ungraded_id) if ungraded_id is not None else None
            standing.last_inspection = objects.get(last_id)
            if judged_by is not None:
                standing.areas = {j.area: j.grade_label for j in related(judged_by, "judgements")}
        result[pk] = standing
    return result


def standings_frame(
    establishments: Sequence[Establishment], *, as_of: dt.date, rules: AccountabilityRules | None = None
) -> Any:
    """The standings of ``standings(..., facts_only=True)`` as one Polars frame, a row for each school in the
    order given: ``id``, every fact (``FACTS``), and the window: ``window`` (its rule's name, ``none`` where no
    rule gives one), ``opens`` and ``closes``. For a round's evidence over tens of thousands of schools, which
    reads the facts as columns and needs no ``Standing`` for each school."""
    import polars as pl

    rules = rules or rules_named()
    worked = _worked_out(establishments, as_of, rules, facts_only=True)
    if worked.by_rules:
        names = {number: rule.name for number, rule in enumerate(rules.windows)}
        return worked.facts.with_columns(
            pl.col("window").replace_strict(names, default="none", return_dtype=pl.Utf8)
        ).select("id", *FACTS, "window", "opens", "closes")
    # a rule the columns cannot decide exactly: each school's standing on its own
    found = standings(establishments, as_of=as_of, rules=rules, facts_only=True)
    schema = {**worked.facts.select("id", *FACTS).schema, "window": pl.Utf8, "opens": pl.Date, "closes": pl.Date}
    rows = []
    for school in establishments:
        standing = found[school.id]
        window = standing.window or NO_RULE_WINDOW
        rows.append((school.id, *(standing.facts[name] for name in FACTS), window.rule, window.opens, window.closes))
    return pl.DataFrame(rows, schema=schema, orient="row")


def standing_of(establishment: Establishment, *, as_of: dt.date) -> Standing:
    return standings([establishment], as_of=as_of)[establishment.pk]


def framework_label(code: str) -> str:
    return str(Framework(code).label) if code in Framework.values else code
