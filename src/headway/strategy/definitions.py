"""KPI-set files: one YAML file per set, checked as a whole, every problem reported as ``file:line: problem``.

A file looks like this (``kpi_sets/barnet-2017-20.yaml`` is a full example, ``docs/kpis.md`` the reference)::

    local_authority: "302"
    name: Barnet Education Strategy 2017-2020
    version: "2"
    notes: Free text.
    indicators:
      - key: ks4-p8                       # stable name: loading the file again updates this indicator
        label: "KS4: Progress 8 score"    # as the LA writes it
        group: School Standards Partnership Board   # the sub-board that oversees it (or sub_board:)
        owner: Assistant Director, School Improvement
        measure: ks4.p8                   # a catalogue measure; its scope says which pupils
        baseline: {year: 2016, value: 0.33}   # value optional: blank = taken from the data, and the table says so
        targets:                          # one a year (or one `target:` for every year)
          - {year: 2018, kind: rank_at_most, value: 15}
          - {year: 2019, kind: top_10_percent}
      - key: reception-offers
        label: "% offered a Reception place on national offer day"
        local: {unit: percent, polarity: higher, decimals: 1}   # no public figure: the LA enters it
        target: {kind: value, value: 99.9}
        actuals:                          # figures the LA has reported, with their source
          - {year: 2018, value: 100, source: "Education Strategy, Appendix 1b (March 2019)"}

Target kinds: ``value`` (with ``value``), ``top_10_percent``, ``top_quartile``, ``rank_at_most`` (with
``value`` = N), ``at_or_above_national``, ``at_or_above_region`` (with ``region``, e.g. London, Outer London,
South East), ``above_national_by`` (with ``value``: points better than national), ``higher_of`` (with
``value`` and ``of``: national (default), region or region_top_quartile, with ``region``), ``reduce_year_on_year``
(lower than the year before; a measure where lower is better) and ``none`` (monitored, no target).
"At or above" means "at or better than": for absence, where lower is better, at or below.

Named sets are found by ``kpi_set_path``: the LA's configuration folder first, then those Headway ships.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from headway import configuration
from headway.performance.catalogue import Measure, catalogue
from headway.strategy.models import (
    KINDS_NEEDING_PUBLIC_DATA,
    KINDS_WITH_VALUE,
    LOCAL_UNITS,
    Comparator,
    TargetKind,
)
from headway.strategy.regions import canonical_region, known_regions

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
TOP_LEVEL = {"local_authority", "name", "version", "notes", "indicators"}
INDICATOR_KEYS = {
    "key",
    "label",
    "group",
    "sub_board",
    "owner",
    "measure",
    "local",
    "baseline",
    "target",
    "targets",
    "actuals",
    "notes",
}
BASELINE_KEYS = {"year", "value"}
TARGET_KEYS = {"kind", "value", "region", "year", "of"}
LOCAL_KEYS = {"unit", "polarity", "decimals"}
ACTUAL_KEYS = {"year", "value", "source"}
LOCAL_POLARITIES = ("higher", "lower", "none")
#: The folder of the KPI sets Headway ships (an LA's own folder is looked in first: ``kpi_set_path``).
KPI_SETS_DIR = Path(__file__).resolve().parent / "kpi_sets"


class KpiSetFileError(ValueError):
    """The file cannot be loaded; ``problems`` says where and why. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class KpiSetNotFound(LookupError):
    """No KPI set has that name."""


def kpi_set_path(name: str) -> Path:
    """The file of the KPI set called ``name`` (e.g. ``barnet-2017-20``): the LA's own configuration folder
    first (``HEADWAY_CONFIG_DIR``/kpi_sets/NAME.yaml), then those Headway ships. The one place that says where
    named sets live. Raises ``KpiSetNotFound`` naming the sets there are."""
    found = configuration.find("kpi_sets", name)
    if found is None:
        raise KpiSetNotFound(configuration.missing("kpi_sets", name))
    return found


def kpi_set_names() -> list[str]:
    """Every KPI set that can be loaded by name."""
    return configuration.names("kpi_sets")


@dataclass(frozen=True)
class TargetDefinition:
    """A target: for every year (an indicator's ``target``) or for one (``targets``, with ``year``)."""

    kind: str
    value: Decimal | None = None
    region: str = ""
    comparator: str = ""
    year: int | None = None


@dataclass(frozen=True)
class ActualDefinition:
    """A figure the LA reports itself for a year, with its source."""

    year: int
    value: Decimal
    source: str


@dataclass(frozen=True)
class IndicatorDefinition:
    key: str
    order: int
    label: str
    measure: str
    target_kind: str
    group: str = ""
    owner: str = ""
    local_unit: str = ""
    local_polarity: str = ""
    local_decimals: int | None = None
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    target_value: Decimal | None = None
    target_region: str = ""
    target_comparator: str = ""
    target_year: int | None = None
    notes: str = ""
    targets: tuple[TargetDefinition, ...] = ()
    actuals: tuple[ActualDefinition, ...] = ()

    def fields(self) -> dict[str, Any]:
        """The indicator's fields as the model names them (not its year targets or actuals)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("targets", "actuals")}


@dataclass(frozen=True)
class KpiSetDefinition:
    local_authority: str
    name: str
    version: str
    notes: str
    indicators: tuple[IndicatorDefinition, ...]


def local_measure(*, label: str, unit: str, polarity: str, decimals: int | None) -> Measure:
    """What a locally entered indicator is measured in, as a catalogue measure would say it (no code, no data)."""
    places = decimals if decimals is not None else (0 if unit == "count" else 1)
    return Measure(
        code="",
        label=label,
        dataset="local",
        key_stage="context",
        unit=unit,
        polarity=polarity,
        decimals=places,
        columns=(),
        years=(),
    )


def indicator_measure(definition: IndicatorDefinition) -> Measure | None:
    """The catalogue measure an indicator reads, or its local measure; None when it names neither properly."""
    if definition.measure:
        return catalogue().measures.get(definition.measure)
    if definition.local_unit in LOCAL_UNITS and definition.local_polarity in LOCAL_POLARITIES:
        return local_measure(
            label=definition.label,
            unit=definition.local_unit,
            polarity=definition.local_polarity,
            decimals=definition.local_decimals,
        )
    return None


NAME_LIMIT, VERSION_LIMIT = 200, 40


def check_kpi_set(*, name: str, version: str) -> list[tuple[str, str]]:
    """What is wrong with a set's name and version, as (field, problem); empty when nothing is. The loader and
    the KPI-set pages both ask here."""
    problems: list[tuple[str, str]] = []
    if not name.strip():
        problems.append(("name", "the set needs a name"))
    elif len(name) > NAME_LIMIT:
        problems.append(("name", f"name is longer than {NAME_LIMIT} characters"))
    if len(version) > VERSION_LIMIT:
        problems.append(("version", f"version is longer than {VERSION_LIMIT} characters"))
    return problems


def check_key_free(key: str, taken: set[str]) -> list[tuple[str, str]]:
    """An indicator's key must be new in its set (the loader, and the pages adding an indicator)."""
    return [("key", f"indicator key {key!r} is used twice")] if key in taken else []


def check_target(target: TargetDefinition, *, measure: Measure | None, local: bool) -> list[tuple[str, str]]:
    """What is wrong with a target, as (part, problem), part one of kind, value, region, comparator."""
    problems: list[tuple[str, str]] = []
    kind = target.kind
    if kind not in TargetKind.values:
        return [("kind", f"target kind {kind!r} is not one of {', '.join(TargetKind.values)}")]
    value = target.value
    if kind in KINDS_WITH_VALUE and value is None:
        problems.append(("kind", f"a {kind} target needs a value"))
    if kind not in KINDS_WITH_VALUE and value is not None:
        problems.append(("value", f"a {kind} target takes no value"))
    if kind == TargetKind.RANK_AT_MOST and value is not None and (value != value.to_integral_value() or value < 1):
        problems.append(("value", f"rank {value} must be a whole number, 1 or more"))
    if kind == TargetKind.ABOVE_NATIONAL_BY and value is not None and value < 0:
        problems.append(("value", f"{value} points above national must be 0 or more"))
    if local and kind in KINDS_NEEDING_PUBLIC_DATA:
        problems.append(
            (
                "kind",
                f"a {kind} target compares the LA with others or with England, and a locally entered indicator "
                "has only the LA's own figure (use value, reduce_year_on_year or none)",
            )
        )
    if (
        kind == TargetKind.REDUCE_YEAR_ON_YEAR
        and measure is not None
        and measure.polarity != "lower"
        and measure.ranked
    ):
        problems.append(("kind", "a reduce_year_on_year target needs a measure where lower is better"))
    comparator = target.comparator
    if kind == TargetKind.HIGHER_OF:
        if comparator and comparator not in Comparator.values:
            problems.append(("comparator", f"'of' {comparator!r} is not one of {', '.join(Comparator.values)}"))
    elif comparator:
        problems.append(("comparator", f"a {kind} target takes no 'of'"))
    needs_region = kind == TargetKind.AT_OR_ABOVE_REGION or (
        kind == TargetKind.HIGHER_OF and comparator in (Comparator.REGION, Comparator.REGION_TOP_QUARTILE)
    )
    if needs_region:
        if not target.region:
            problems.append(("kind", f"a {kind} target needs a region, e.g. London"))
        elif canonical_region(target.region) != target.region:
            problems.append(("region", f"region {target.region!r} is not one of {', '.join(known_regions())}"))
    elif target.region:
        problems.append(("region", f"a {kind} target takes no region"))
    return problems


def _year_problem(year: int | None, name: str) -> list[tuple[str, str]]:
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        return [(name, f"{year} is not a year such as 2019")]
    return []


def check_indicator(definition: IndicatorDefinition) -> list[tuple[str, str]]:
    """What is wrong with an indicator, as (field, problem); empty when nothing is. The loader and the
    indicator-change service both ask here. Year targets are reported as ``targets.N.part`` (N from 0) and
    actuals as ``actuals.N.part``."""
    problems: list[tuple[str, str]] = []
    if not KEY_PATTERN.match(definition.key):
        problems.append(("key", f"key {definition.key!r} must be lower-case letters, digits, - or _ (up to 60)"))
    if not definition.label.strip():
        problems.append(("label", "label is empty"))
    elif len(definition.label) > 300:
        problems.append(("label", "label is longer than 300 characters"))
    for name, limit in (("group", 150), ("owner", 200)):
        if len(getattr(definition, name)) > limit:
            problems.append((name, f"{name} is longer than {limit} characters"))
    local = not definition.measure
    measure: Measure | None = None
    if definition.measure and definition.local_unit:
        problems.append(("measure", "give a catalogue 'measure' or 'local' (a figure the LA enters), not both"))
    elif definition.measure:
        measure = catalogue().measures.get(definition.measure)
        if measure is None:
            close = difflib.get_close_matches(definition.measure, list(catalogue().measures), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(("measure", f"measure {definition.measure!r} is not in the catalogue{hint}"))
        elif not measure.ranked and (
            definition.target_kind != TargetKind.NONE or any(t.kind != TargetKind.NONE for t in definition.targets)
        ):
            problems.append(
                (
                    "measure",
                    f"{measure.code} is context (no better or worse: polarity none) and cannot have a target "
                    "(kind: none monitors it)",
                )
            )
    elif not definition.local_unit:
        problems.append(("measure", "'measure' (a catalogue measure) or 'local' (a figure the LA enters) is missing"))
    else:
        if definition.local_unit not in LOCAL_UNITS:
            problems.append(("local_unit", f"unit {definition.local_unit!r} is not one of {', '.join(LOCAL_UNITS)}"))
        if definition.local_polarity not in LOCAL_POLARITIES:
            problems.append(
                ("local_polarity", f"polarity {definition.local_polarity!r} is not one of higher, lower, none")
            )
        if definition.local_decimals is not None and not 0 <= definition.local_decimals <= 4:
            problems.append(("local_decimals", "decimals must be 0 to 4"))
        measure = indicator_measure(definition)
        if measure is not None and not measure.ranked and definition.target_kind != TargetKind.NONE:
            problems.append(("local_polarity", "an indicator with polarity none cannot have a target"))
    for name in ("baseline_year", "target_year"):
        problems.extend(_year_problem(getattr(definition, name), name))
    if definition.baseline_value is not None and definition.baseline_year is None:
        problems.append(("baseline_value", "a baseline value needs its year"))
    if (
        measure is not None
        and not local
        and definition.baseline_year is not None
        and definition.baseline_value is None
        and definition.baseline_year not in measure.years
    ):
        problems.append(
            (
                "baseline_year",
                f"no baseline value is given and {measure.code} is not published for {definition.baseline_year} "
                f"(years: {', '.join(map(str, measure.years))}), so it cannot be taken from the data: give the value",
            )
        )
    if (
        definition.baseline_year is not None
        and definition.target_year is not None
        and definition.target_year < definition.baseline_year
    ):
        problems.append(("target_year", f"target year {definition.target_year} is before the baseline year"))
    if definition.targets and definition.target_kind != TargetKind.NONE:
        problems.append(("target_kind", "give a target for every year or targets year by year, not both"))
    default = TargetDefinition(
        kind=definition.target_kind,
        value=definition.target_value,
        region=definition.target_region,
        comparator=definition.target_comparator,
    )
    problems.extend(
        (f"target_{part}", message) for part, message in check_target(default, measure=measure, local=local)
    )
    seen: set[int] = set()
    for number, target in enumerate(definition.targets):
        if target.year is None:
            problems.append((f"targets.{number}.year", "a target in 'targets' needs its year"))
        elif target.year in seen:
            problems.append((f"targets.{number}.year", f"there are two targets for {target.year}"))
        else:
            seen.add(target.year)
            problems.extend(_year_problem(target.year, f"targets.{number}.year"))
        problems.extend(
            (f"targets.{number}.{part}", message)
            for part, message in check_target(target, measure=measure, local=local)
        )
    years: set[int] = set()
    for number, actual in enumerate(definition.actuals):
        if actual.year in years:
            problems.append((f"actuals.{number}.year", f"there are two actuals for {actual.year}"))
        years.add(actual.year)
        problems.extend(_year_problem(actual.year, f"actuals.{number}.year"))
        if not actual.source.strip():
            problems.append((f"actuals.{number}.source", "an actual needs its source"))
        elif len(actual.source) > 300:
            problems.append((f"actuals.{number}.source", "source is longer than 300 characters"))
    return problems


# --- reading the file ---------------------------------------------------------------------------------------


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    """Walks the composed YAML so that every problem can name its line."""

    def __init__(self, where: str) -> None:
        self.where = where
        self._found: list[tuple[int, str]] = []

    def problem(self, node: yaml.Node, message: str) -> None:
        self._found.append((_line(node), message))

    @property
    def problems(self) -> list[str]:
        """Every problem as ``file:line: problem``, in the order of the file."""
        return [f"{self.where}:{line}: {message}" for line, message in sorted(self._found, key=lambda p: p[0])]

    def mapping(self, node: yaml.Node, allowed: set[str], what: str) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping (name: value)")
            return None
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if name in found:
                self.problem(key_node, f"'{name}' is given twice in {what}")
            elif name not in allowed:
                self.problem(key_node, f"unknown field '{name}' in {what} (expected: {', '.join(sorted(allowed))})")
            else:
                found[name] = value_node
        return found

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"'{what}' must be a list")
            return []
        return list(node.value)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return node  # the caller reports the wrong shape
        return yaml.constructor.SafeConstructor().construct_object(node)

    def text(self, fields: dict[str, yaml.Node], name: str, parent: yaml.Node, *, required: bool) -> str:
        node = fields.get(name)
        if node is None:
            if required:
                self.problem(parent, f"'{name}' is missing")
            return ""
        value = self.scalar(node)
        if value is None:
            if required:
                self.problem(node, f"'{name}' is empty")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(node, f"'{name}' must be text")
            return ""
        return str(value).strip()

    def year(self, fields: dict[str, yaml.Node], name: str) -> int | None:
        node = fields.get(name)
        if node is None:
            return None
        value = self.scalar(node)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(node, f"'{name}' must be a year such as 2019")
            return None
        return int(value)

    def whole(self, fields: dict[str, yaml.Node], name: str) -> int | None:
        node = fields.get(name)
        if node is None:
            return None
        value = self.scalar(node)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(node, f"'{name}' must be a whole number")
            return None
        return int(value)

    def number(self, fields: dict[str, yaml.Node], name: str) -> Decimal | None:
        node = fields.get(name)
        if node is None:
            return None
        value = self.scalar(node)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown = f", not {value!r}" if isinstance(node, yaml.ScalarNode) else ""
            self.problem(node, f"'{name}' must be a number (no % sign){shown}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - YAML numbers are always valid decimals
            self.problem(node, f"'{name}' is not a number")
            return None
        if not number.is_finite():
            self.problem(node, f"'{name}' is not a number")
            return None
        return number


_FIELD_NODES = {
    "baseline_year": ("baseline", "year"),
    "baseline_value": ("baseline", "value"),
    "target_kind": ("target", "kind"),
    "target_value": ("target", "value"),
    "target_region": ("target", "region"),
    "target_comparator": ("target", "of"),
    "target_year": ("target", "year"),
    "local_unit": ("local", "unit"),
    "local_polarity": ("local", "polarity"),
    "local_decimals": ("local", "decimals"),
}
#: A target's part as ``check_target`` names it -> its field in the file.
_TARGET_PARTS = {"kind": "kind", "value": "value", "region": "region", "comparator": "of", "year": "year"}


def _target(reader: _Reader, fields: dict[str, yaml.Node], node: yaml.Node, *, year: bool) -> TargetDefinition:
    return TargetDefinition(
        kind=reader.text(fields, "kind", node, required=True),
        value=reader.number(fields, "value"),
        region=reader.text(fields, "region", node, required=False),
        comparator=reader.text(fields, "of", node, required=False),
        year=reader.year(fields, "year") if year else None,
    )


def _indicator(reader: _Reader, node: yaml.Node, order: int) -> tuple[IndicatorDefinition, dict[str, yaml.Node]]:
    fields = reader.mapping(node, INDICATOR_KEYS, "an indicator") or {}
    where: dict[str, yaml.Node] = dict(fields)
    parts: dict[str, dict[str, yaml.Node]] = {"baseline": {}, "target": {}, "local": {}}
    if "baseline" in fields:
        parts["baseline"] = reader.mapping(fields["baseline"], BASELINE_KEYS, "baseline") or {}
    if "local" in fields:
        parts["local"] = reader.mapping(fields["local"], LOCAL_KEYS, "local") or {}
    target_given = False
    if "target" in fields and "targets" in fields:
        reader.problem(fields["targets"], "give 'target' (every year) or 'targets' (one a year), not both")
    elif "target" in fields:
        found = reader.mapping(fields["target"], TARGET_KEYS, "target")
        target_given = found is not None  # a target that is not a mapping has been reported already
        parts["target"] = found or {}
    elif "targets" not in fields:
        reader.problem(node, "'target' is missing (or 'targets', one a year)")
    for field_name, (part, name) in _FIELD_NODES.items():
        found_node = parts[part].get(name)
        where[field_name] = found_node if found_node is not None else fields.get(part, node)
    targets: list[TargetDefinition] = []
    for number, item in enumerate(reader.sequence(fields["targets"], "targets") if "targets" in fields else []):
        entry = reader.mapping(item, TARGET_KEYS, "a target") or {}
        targets.append(_target(reader, entry, item, year=True))
        for part, name in _TARGET_PARTS.items():
            where[f"targets.{number}.{part}"] = entry.get(name, item)
    actuals: list[ActualDefinition] = []
    for item in reader.sequence(fields["actuals"], "actuals") if "actuals" in fields else []:
        entry = reader.mapping(item, ACTUAL_KEYS, "an actual") or {}
        actual_year = reader.year(entry, "year")
        value = reader.number(entry, "value")
        if actual_year is None and entry:
            reader.problem(entry.get("year", item), "an actual needs its year")
        if value is None and entry and "value" not in entry:
            reader.problem(item, "an actual needs its value")
        source = reader.text(entry, "source", item, required=bool(entry))  # reported here when missing
        if actual_year is not None and value is not None:
            actuals.append(ActualDefinition(year=actual_year, value=value, source=source))
            for part in ("year", "value", "source"):
                where[f"actuals.{len(actuals) - 1}.{part}"] = entry.get(part, item)
    target = _target(reader, parts["target"], fields.get("target", node), year=False) if target_given else None
    if "group" in fields and "sub_board" in fields:
        reader.problem(fields["sub_board"], "give 'group' or 'sub_board' (the same thing), not both")
    group_field = "sub_board" if "sub_board" in fields else "group"
    where["group"] = fields.get(group_field, node)
    definition = IndicatorDefinition(
        key=reader.text(fields, "key", node, required=True),
        order=order,
        label=reader.text(fields, "label", node, required=True),
        group=reader.text(fields, group_field, node, required=False),
        owner=reader.text(fields, "owner", node, required=False),
        measure=reader.text(fields, "measure", node, required=False),
        local_unit=reader.text(parts["local"], "unit", fields.get("local", node), required="local" in fields),
        local_polarity=reader.text(parts["local"], "polarity", fields.get("local", node), required="local" in fields),
        local_decimals=reader.whole(parts["local"], "decimals"),
        baseline_year=reader.year(parts["baseline"], "year"),
        baseline_value=reader.number(parts["baseline"], "value"),
        target_kind=target.kind if target is not None else TargetKind.NONE,
        target_value=target.value if target is not None else None,
        target_region=target.region if target is not None else "",
        target_comparator=target.comparator if target is not None else "",
        target_year=reader.year(parts["target"], "year"),
        notes=reader.text(fields, "notes", node, required=False),
        targets=tuple(targets),
        actuals=tuple(actuals),
    )
    return definition, where


def parse_kpi_set_file(path: Path, *, display_name: str | None = None) -> KpiSetDefinition:
    """Read and check a KPI-set file. Raises ``KpiSetFileError`` listing every problem found."""
    from headway.schools.models import LocalAuthority
    from headway.schools.register import reference_local_authorities

    where = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KpiSetFileError([f"{where}:0: cannot read the file: {exc}"]) from exc
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise KpiSetFileError([f"{where}:{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from exc
    if root is None:
        raise KpiSetFileError([f"{where}:1: the file is empty"])
    reader = _Reader(where)
    top = reader.mapping(root, TOP_LEVEL, "the file")
    if top is None:
        raise KpiSetFileError(reader.problems)
    code = reader.text(top, "local_authority", root, required=True)
    if code and code not in reference_local_authorities() and not LocalAuthority.objects.filter(code=code).exists():
        reader.problem(top["local_authority"], f"{code!r} is not an LA code (three digits, e.g. 302 for Barnet)")
    name = reader.text(top, "name", root, required=True)
    version = reader.text(top, "version", root, required=False)
    for field_name, message in check_kpi_set(name=name, version=version):
        if field_name != "name" or name:  # a missing or empty name has been reported already
            reader.problem(top.get(field_name, root), message)
    notes = reader.text(top, "notes", root, required=False)
    indicators: list[IndicatorDefinition] = []
    items = top.get("indicators")
    if items is None:
        reader.problem(root, "'indicators' is missing")
    elif not isinstance(items, yaml.SequenceNode) or not items.value:
        reader.problem(items, "'indicators' must list at least one indicator")
    else:
        keys: set[str] = set()
        for order, item in enumerate(items.value, start=1):
            definition, nodes = _indicator(reader, item, order)
            for _, message in check_key_free(definition.key, keys):
                reader.problem(nodes.get("key", item), message)
            keys.add(definition.key)
            indicators.append(definition)
            # A missing or empty key, label or target kind has been reported already.
            missing = {name for name in ("key", "label") if not getattr(definition, name)}
            if not definition.target_kind:
                missing.add("target_kind")
            missing |= {f"targets.{n}.kind" for n, t in enumerate(definition.targets) if not t.kind}
            missing |= {f"actuals.{n}.source" for n, a in enumerate(definition.actuals) if not a.source}
            for field_name, message in check_indicator(definition):
                if field_name not in missing:
                    reader.problem(nodes.get(field_name, item), message)
    if reader.problems:
        raise KpiSetFileError(reader.problems)
    return KpiSetDefinition(local_authority=code, name=name, version=version, notes=notes, indicators=tuple(indicators))
