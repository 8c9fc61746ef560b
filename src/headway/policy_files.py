"""The language every policy file is written in: YAML read with line numbers, so that any problem is
reported as ``file:line: problem``, and conditions that read named evidence:

    {evidence: NAME, equals: V} | in: [..] | at_least: X | at_most: X | below: X | above: X
    {all: [conditions]} | {any: [conditions]} | {not: condition}

``X`` is a number or a date (YYYY-MM-DD). Categorisation policies, visit entitlements, the schools-causing-
concern rules, partnership rules and the accountability rules (a school's standing) are all read with it.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

COMPARISONS = ("equals", "in", "at_least", "at_most", "below", "above")


class PolicyError(ValueError):
    """The policy file is wrong; the message says where."""


Condition = Mapping[str, Any]


class PolicyFile:
    """A policy file being read: helpers that fail with the file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, message: str) -> PolicyError:
        line = node.start_mark.line + 1 if node is not None else 1
        return PolicyError(f"{self.path}:{line}: {message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        entries: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if str(key.value) in entries:
                raise self.fail(key, f"{key.value!r} is given twice in {what}")
            entries[str(key.value)] = value
        return entries

    def value(self, node: yaml.Node) -> Any:
        return node_value(node)

    def root(self) -> yaml.Node:
        """The file's YAML, composed with line numbers; unreadable, invalid or empty files are a PolicyError."""
        try:
            root = yaml.compose(self.path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PolicyError(f"{self.path}:1: cannot read the policy: {exc}") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            raise PolicyError(f"{self.path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        if root is None:
            raise PolicyError(f"{self.path}:1: the policy is empty")
        return root

    def need(self, node: yaml.Node, entries: dict[str, yaml.Node], key: str, what: str) -> yaml.Node:
        if key not in entries:
            raise self.fail(node, f"{what} needs '{key}'")
        return entries[key]

    def whole(self, node: yaml.Node, minimum: int = 0) -> int:
        value = self.value(node)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(node, f"expected a whole number, {minimum} or more, not {value!r}")
        return value

    def condition(self, node: yaml.Node, names: set[str]) -> Condition:
        entries = self.mapping(node, "a condition")
        if "all" in entries or "any" in entries:
            key = "all" if "all" in entries else "any"
            parts = entries[key]
            if not isinstance(parts, yaml.SequenceNode) or not parts.value:
                raise self.fail(parts, f"'{key}' must list one or more conditions")
            return {key: [self.condition(part, names) for part in parts.value]}
        if "not" in entries:
            return {"not": self.condition(entries["not"], names)}
        if "evidence" not in entries:
            raise self.fail(node, "a condition needs 'evidence' (or all / any / not)")
        name = str(self.value(entries["evidence"]))
        if name not in names:
            raise self.fail(entries["evidence"], f"unknown evidence {name!r}; known: {', '.join(sorted(names))}")
        comparisons = [key for key in entries if key != "evidence"]
        if len(comparisons) != 1 or comparisons[0] not in COMPARISONS:
            raise self.fail(node, f"a condition needs exactly one of {', '.join(COMPARISONS)}")
        operator = comparisons[0]
        operand = self.value(entries[operator])
        if operator == "in" and not isinstance(operand, list):
            raise self.fail(entries[operator], "'in' needs a list")
        if operator in {"at_least", "at_most", "below", "above"} and (
            isinstance(operand, bool) or not isinstance(operand, int | float | dt.date)
        ):
            raise self.fail(entries[operator], f"'{operator}' needs a number or a date")
        return {"evidence": name, operator: operand}


def node_value(node: yaml.Node) -> Any:
    """The Python value of a composed YAML node, as ``yaml.safe_load`` would give it: built from the node itself
    (a few milliseconds for the catalogue, where writing each node out as YAML and reading it again took a
    quarter of a second)."""
    return yaml.SafeLoader("").construct_document(node)


def _read(condition: Condition, evidence: Mapping[str, Any], used: dict[str, Any]) -> bool:
    if "all" in condition:
        return all([_read(part, evidence, used) for part in condition["all"]])
    if "any" in condition:
        return any([_read(part, evidence, used) for part in condition["any"]])
    if "not" in condition:
        return not _read(condition["not"], evidence, used)
    name = condition["evidence"]
    value = evidence.get(name)
    used[name] = value
    if "equals" in condition:
        return bool(value == condition["equals"])
    if "in" in condition:
        return value in condition["in"]
    if value is None or isinstance(value, bool):
        return False
    operand = next(condition[key] for key in ("at_least", "at_most", "below", "above") if key in condition)
    if isinstance(value, dt.date) != isinstance(operand, dt.date):
        return False  # a date is never compared with a number
    if "at_least" in condition:
        return bool(value >= condition["at_least"])
    if "at_most" in condition:
        return bool(value <= condition["at_most"])
    if "below" in condition:
        return bool(value < condition["below"])
    return bool(value > condition["above"])


def holds(condition: Condition, evidence: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Whether the condition holds, and every evidence value it read."""
    used: dict[str, Any] = {}
    return _read(condition, evidence, used), used


def condition_leaves(condition: Condition) -> Iterator[Condition]:
    """Every comparison of one evidence value in the condition (``{evidence: NAME, at_least: 3}``...), however
    deep under ``all``, ``any`` and ``not``."""
    if "all" in condition or "any" in condition:
        for part in condition.get("all", condition.get("any", [])):
            yield from condition_leaves(part)
    elif "not" in condition:
        yield from condition_leaves(condition["not"])
    else:
        yield condition


def condition_names(condition: Condition) -> set[str]:
    """Every evidence name the condition reads."""
    return {str(leaf["evidence"]) for leaf in condition_leaves(condition)}


_COMPILED: dict[int, tuple[Condition, Callable[[Mapping[str, Any]], bool]]] = {}


#: How each comparison is made, by its name in a policy.
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "at_least": operator.ge,
    "at_most": operator.le,
    "below": operator.lt,
    "above": operator.gt,
}


def _compile(condition: Condition) -> Callable[[Mapping[str, Any]], bool]:
    # Plain loops and closures rather than all()/any() over generators: a national round calls these a few
    # hundred thousand times.
    if "all" in condition or "any" in condition:
        parts = tuple(_compile(part) for part in condition.get("all", condition.get("any", [])))
        if "all" in condition:

            def every(evidence: Mapping[str, Any]) -> bool:
                for part in parts:  # noqa: SIM110 (faster than all() over a generator)
                    if not part(evidence):
                        return False
                return True

            return every

        def some(evidence: Mapping[str, Any]) -> bool:
            for part in parts:  # noqa: SIM110 (faster than any() over a generator)
                if part(evidence):
                    return True
            return False

        return some
    if "not" in condition:
        inner = _compile(condition["not"])
        return lambda evidence: not inner(evidence)
    name = condition["evidence"]
    if "equals" in condition:
        wanted = condition["equals"]
        return lambda evidence: bool(evidence.get(name) == wanted)
    if "in" in condition:
        values = condition["in"]
        return lambda evidence: evidence.get(name) in values
    comparison = next(key for key in ("at_least", "at_most", "below", "above") if key in condition)
    operand = condition[comparison]
    is_date = isinstance(operand, dt.date)
    compared = _COMPARE[comparison]

    def compare(evidence: Mapping[str, Any]) -> bool:
        value = evidence.get(name)
        if value is None or value is True or value is False or isinstance(value, dt.date) != is_date:
            return False
        return bool(compared(value, operand))

    return compare


class NotAsColumns(ValueError):
    """A condition that ``as_expression`` cannot decide exactly as ``compiled`` does (the caller decides it one
    row at a time instead)."""


def _family(value: Any) -> str:
    if value is None:
        return "none"
    if value is True or value is False:
        return "yes or no"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "text" if isinstance(value, str) else "other"


def as_expression(condition: Condition, dtypes: Mapping[str, Any]) -> Any:
    """The condition as a Polars expression over columns named for the evidence (``dtypes``: their Polars
    types), deciding every row as ``compiled`` decides it: true or false, never null. A missing value, a yes or
    no compared with a threshold, and a date compared with a number (or the reverse) make a comparison false; a
    yes or no equals 1 or 0 as Python's do. Raises ``NotAsColumns`` where a row could be decided otherwise (an
    evidence name with no column, a column of floats (a NaN orders differently), text compared with a
    threshold)."""
    import polars as pl

    if "all" in condition or "any" in condition:
        parts = [as_expression(part, dtypes) for part in condition.get("all", condition.get("any", []))]
        if "all" in condition:
            return pl.all_horizontal(parts) if parts else pl.lit(True)
        return pl.any_horizontal(parts) if parts else pl.lit(False)
    if "not" in condition:
        return ~as_expression(condition["not"], dtypes)
    name = str(condition["evidence"])
    dtype = dtypes.get(name)
    if dtype is None:
        raise NotAsColumns(f"no column for {name!r}")
    if dtype == pl.Boolean:
        column_family = "yes or no"
    elif dtype.is_integer():
        column_family = "number"
    elif dtype == pl.Date:
        column_family = "date"
    elif dtype == pl.Utf8:
        column_family = "text"
    else:
        raise NotAsColumns(f"{name!r} is a column of {dtype}")
    column = pl.col(name)

    def equal_to(wanted: Any) -> Any:
        family = _family(wanted)
        if family == "none":
            return column.is_null()
        if family == column_family:
            return (column == pl.lit(wanted)).fill_null(False)
        if {family, column_family} == {"yes or no", "number"}:  # True == 1, as Python has it
            return (column.cast(pl.Float64) == float(wanted)).fill_null(False)
        if family == "other":
            raise NotAsColumns(f"{name!r} compared with {wanted!r}")
        return pl.lit(False)

    if "equals" in condition:
        return equal_to(condition["equals"])
    if "in" in condition:
        choices = [equal_to(value) for value in condition["in"]]
        return pl.any_horizontal(choices) if choices else pl.lit(False)
    comparison = next(key for key in ("at_least", "at_most", "below", "above") if key in condition)
    operand = condition[comparison]
    family = _family(operand)
    if column_family == "yes or no" or (family == "date") != (column_family == "date"):
        return pl.lit(False)
    if column_family == "text" or family not in {"number", "date"}:
        raise NotAsColumns(f"{name!r} compared with {operand!r}")
    compared: Any = _COMPARE[comparison](column, pl.lit(operand))
    return compared.fill_null(False)


F = TypeVar("F")


def compiled_once(kept: dict[int, tuple[Any, F]], condition: Any, compile_: Callable[[Any], F]) -> F:
    """``compile_(condition)``, made once per condition object and kept in ``kept`` (by the object's identity,
    checked, so a condition read again from a changed file is compiled again)."""
    found = kept.get(id(condition))
    if found is None or found[0] is not condition:
        if len(kept) > 10_000:
            kept.clear()
        found = (condition, compile_(condition))
        kept[id(condition)] = found
    return found[1]


def compiled(condition: Condition) -> Callable[[Mapping[str, Any]], bool]:
    """The condition as a function of the evidence, deciding as ``holds`` does without recording what it read:
    for deciding many schools at once. Each condition is turned into a function once and kept."""
    return compiled_once(_COMPILED, condition, _compile)


def matches(condition: Condition, evidence: Mapping[str, Any]) -> bool:
    """Whether the condition holds (as ``holds`` says), without recording what it read."""
    return compiled(condition)(evidence)
