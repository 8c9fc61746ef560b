"""KPI-set files: one YAML file per set, checked as a whole, every problem reported as ``file:line: problem``.

A file looks like this (``kpi_sets/barnet-302.yaml`` is a full example)::

    local_authority: "302"
    name: Barnet Education Strategy 2017-2020
    version: "2"
    notes: Free text.
    indicators:
      - key: ks4-p8                       # stable name: loading the file again updates this indicator
        label: "KS4: Progress 8 score"    # as the LA writes it
        measure: ks4.p8                   # a catalogue measure; its scope says which pupils
        baseline: {year: 2017, value: 0.47}   # value optional: blank = taken from the data, and the table says so
        target: {kind: rank_at_most, value: 10, year: 2020}

Target kinds: ``value`` (with ``value``), ``top_10_percent``, ``rank_at_most`` (with ``value`` = N),
``at_or_above_national``, ``at_or_above_region`` (with ``region``, e.g. London, Outer London, South East).
"At or above" means "at or better than": for absence, where lower is better, at or below.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from headway.performance.catalogue import catalogue
from headway.strategy.models import KINDS_WITH_VALUE, TargetKind
from headway.strategy.regions import canonical_region, known_regions

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
TOP_LEVEL = {"local_authority", "name", "version", "notes", "indicators"}
INDICATOR_KEYS = {"key", "label", "measure", "baseline", "target", "notes"}
BASELINE_KEYS = {"year", "value"}
TARGET_KEYS = {"kind", "value", "region", "year"}


class KpiSetFileError(ValueError):
    """The file cannot be loaded; ``problems`` says where and why. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class IndicatorDefinition:
    key: str
    order: int
    label: str
    measure: str
    target_kind: str
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    target_value: Decimal | None = None
    target_region: str = ""
    target_year: int | None = None
    notes: str = ""

    def fields(self) -> dict[str, Any]:
        """The indicator's fields as the model names them."""
        return asdict(self)


@dataclass(frozen=True)
class KpiSetDefinition:
    local_authority: str
    name: str
    version: str
    notes: str
    indicators: tuple[IndicatorDefinition, ...]


def check_indicator(definition: IndicatorDefinition) -> list[tuple[str, str]]:
    """What is wrong with an indicator, as (field, problem); empty when nothing is. The loader and the
    indicator-change service both ask here."""
    problems: list[tuple[str, str]] = []
    if not KEY_PATTERN.match(definition.key):
        problems.append(("key", f"key {definition.key!r} must be lower-case letters, digits, - or _ (up to 60)"))
    if not definition.label.strip():
        problems.append(("label", "label is empty"))
    elif len(definition.label) > 300:
        problems.append(("label", "label is longer than 300 characters"))
    measure = catalogue().measures.get(definition.measure)
    if measure is None:
        close = difflib.get_close_matches(definition.measure, list(catalogue().measures), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        problems.append(("measure", f"measure {definition.measure!r} is not in the catalogue{hint}"))
    elif not measure.ranked:
        problems.append(
            ("measure", f"{measure.code} is context (no better or worse: polarity none) and cannot have a target")
        )
    for name in ("baseline_year", "target_year"):
        year = getattr(definition, name)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append((name, f"{year} is not a year such as 2019"))
    if definition.baseline_value is not None and definition.baseline_year is None:
        problems.append(("baseline_value", "a baseline value needs its year"))
    if (
        measure is not None
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
    kind = definition.target_kind
    if kind not in TargetKind.values:
        problems.append(("target_kind", f"target kind {kind!r} is not one of {', '.join(TargetKind.values)}"))
        return problems
    value = definition.target_value
    if kind in KINDS_WITH_VALUE and value is None:
        problems.append(("target_kind", f"a {kind} target needs a value"))
    if kind not in KINDS_WITH_VALUE and value is not None:
        problems.append(("target_value", f"a {kind} target takes no value"))
    if kind == TargetKind.RANK_AT_MOST and value is not None and (value != value.to_integral_value() or value < 1):
        problems.append(("target_value", f"rank {value} must be a whole number, 1 or more"))
    if kind == TargetKind.AT_OR_ABOVE_REGION:
        if not definition.target_region:
            problems.append(("target_kind", "an at_or_above_region target needs a region, e.g. London"))
        elif canonical_region(definition.target_region) != definition.target_region:
            problems.append(
                ("target_region", f"region {definition.target_region!r} is not one of {', '.join(known_regions())}")
            )
    elif definition.target_region:
        problems.append(("target_region", f"a {kind} target takes no region"))
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
    "target_year": ("target", "year"),
}


def _indicator(reader: _Reader, node: yaml.Node, order: int) -> tuple[IndicatorDefinition, dict[str, yaml.Node]]:
    fields = reader.mapping(node, INDICATOR_KEYS, "an indicator") or {}
    where: dict[str, yaml.Node] = dict(fields)
    baseline: dict[str, yaml.Node] = {}
    if "baseline" in fields:
        baseline = reader.mapping(fields["baseline"], BASELINE_KEYS, "baseline") or {}
    target: dict[str, yaml.Node] | None = None
    if "target" in fields:
        target = reader.mapping(fields["target"], TARGET_KEYS, "target")
    else:
        reader.problem(node, "'target' is missing")
    target_given = target is not None  # a target that is not a mapping has been reported already
    target = target or {}
    for field_name, (part, name) in _FIELD_NODES.items():
        found = (baseline if part == "baseline" else target).get(name)
        where[field_name] = found if found is not None else fields.get(part, node)
    definition = IndicatorDefinition(
        key=reader.text(fields, "key", node, required=True),
        order=order,
        label=reader.text(fields, "label", node, required=True),
        measure=reader.text(fields, "measure", node, required=True),
        baseline_year=reader.year(baseline, "year"),
        baseline_value=reader.number(baseline, "value"),
        target_kind=reader.text(target, "kind", fields.get("target", node), required=target_given),
        target_value=reader.number(target, "value"),
        target_region=reader.text(target, "region", node, required=False),
        target_year=reader.year(target, "year"),
        notes=reader.text(fields, "notes", node, required=False),
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
    if len(name) > 200:
        reader.problem(top["name"], "name is longer than 200 characters")
    version = reader.text(top, "version", root, required=False)
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
            if definition.key in keys:
                reader.problem(nodes.get("key", item), f"indicator key {definition.key!r} is used twice")
            keys.add(definition.key)
            indicators.append(definition)
            # A missing or empty key, label, measure or target kind has been reported already.
            missing = {name for name in ("key", "label", "measure", "target_kind") if not getattr(definition, name)}
            for field_name, message in check_indicator(definition):
                if field_name not in missing:
                    reader.problem(nodes.get(field_name, item), message)
    if reader.problems:
        raise KpiSetFileError(reader.problems)
    return KpiSetDefinition(local_authority=code, name=name, version=version, notes=notes, indicators=tuple(indicators))
