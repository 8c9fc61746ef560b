"""An LA's categorisation policy as data (``policies/*.yaml``), and the small engine that applies it.

A policy names its categories in order (the first whose condition holds is proposed), optional derived
values (e.g. a standards group worked out from data), and causing-concern triggers. Conditions read named
evidence (``headway.risk.evidence.EVIDENCE``):

    {evidence: NAME, equals: V} | in: [..] | at_least: X | at_most: X | below: X | above: X
    {all: [conditions]} | {any: [conditions]} | {not: condition}

Loading validates everything and reports ``file:line: problem``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from headway.risk.evidence import EVIDENCE

POLICY_DIR = Path(__file__).resolve().parent / "policies"
COMPARISONS = ("equals", "in", "at_least", "at_most", "below", "above")


class PolicyError(ValueError):
    """The policy file is wrong; the message says where."""


Condition = Mapping[str, Any]


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    causing_concern: bool
    when: Condition | None
    support_days: int | None = None


@dataclass(frozen=True)
class Trigger:
    name: str
    label: str
    when: Condition


@dataclass(frozen=True)
class Derived:
    name: str
    rules: tuple[tuple[Any, Condition], ...]


@dataclass(frozen=True)
class Policy:
    name: str
    title: str
    version: int
    effective_from: dt.date
    effective_to: dt.date | None
    categories: tuple[Category, ...]
    triggers: tuple[Trigger, ...]
    default: str
    derived: tuple[Derived, ...] = ()
    authority: str = ""

    def category(self, code: str) -> Category:
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(f"policy {self.name} has no category {code!r}")


@dataclass
class Fired:
    """A rule that held, with the evidence values it read."""

    name: str
    label: str
    evidence: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------- loading


class _Loader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, message: str) -> PolicyError:
        line = node.start_mark.line + 1 if node is not None else 1
        return PolicyError(f"{self.path}:{line}: {message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        return {str(key.value): value for key, value in node.value}

    def value(self, node: yaml.Node) -> Any:
        return yaml.safe_load(yaml.serialize(node))

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
        if operator in {"at_least", "at_most", "below", "above"} and not isinstance(operand, int | float):
            raise self.fail(entries[operator], f"'{operator}' needs a number")
        return {"evidence": name, operator: operand}

    def load(self) -> Policy:
        root = self.root()
        top = self.mapping(root, "a policy")
        for key in ("name", "title", "version", "effective_from", "categories", "default"):
            if key not in top:
                raise self.fail(root, f"missing '{key}'")
        names = set(EVIDENCE)
        derived: list[Derived] = []
        if "derived" in top:
            for name, rules_node in self.mapping(top["derived"], "'derived'").items():
                if not isinstance(rules_node, yaml.SequenceNode):
                    raise self.fail(rules_node, f"derived value {name!r} must list rules")
                rules = []
                for rule_node in rules_node.value:
                    rule = self.mapping(rule_node, "a derived rule")
                    if "value" not in rule or "when" not in rule:
                        raise self.fail(rule_node, "a derived rule needs 'value' and 'when'")
                    rules.append((self.value(rule["value"]), self.condition(rule["when"], names)))
                derived.append(Derived(name, tuple(rules)))
                names.add(name)
        categories: list[Category] = []
        seen: set[str] = set()
        if not isinstance(top["categories"], yaml.SequenceNode) or not top["categories"].value:
            raise self.fail(top["categories"], "'categories' must list the categories")
        for item in top["categories"].value:
            entry = self.mapping(item, "a category")
            for key in ("code", "label", "causing_concern"):
                if key not in entry:
                    raise self.fail(item, f"a category needs '{key}'")
            code = str(self.value(entry["code"]))
            if code in seen:
                raise self.fail(entry["code"], f"category {code!r} is defined twice")
            seen.add(code)
            causing = self.value(entry["causing_concern"])
            if not isinstance(causing, bool):
                raise self.fail(entry["causing_concern"], "'causing_concern' must be true or false")
            days = self.value(entry["support_days"]) if "support_days" in entry else None
            categories.append(
                Category(
                    code=code,
                    label=str(self.value(entry["label"])),
                    causing_concern=causing,
                    when=self.condition(entry["when"], names) if "when" in entry else None,
                    support_days=int(days) if days is not None else None,
                )
            )
        default = str(self.value(top["default"]))
        if default not in seen:
            raise self.fail(top["default"], f"default category {default!r} is not one of the categories")
        triggers: list[Trigger] = []
        if "triggers" in top:
            for item in top["triggers"].value:
                entry = self.mapping(item, "a trigger")
                for key in ("name", "label", "when"):
                    if key not in entry:
                        raise self.fail(item, f"a trigger needs '{key}'")
                triggers.append(
                    Trigger(
                        str(self.value(entry["name"])),
                        str(self.value(entry["label"])),
                        self.condition(entry["when"], names),
                    )
                )
        effective_from = self.value(top["effective_from"])
        effective_to = self.value(top["effective_to"]) if "effective_to" in top else None
        for key, value in (("effective_from", effective_from), ("effective_to", effective_to)):
            if value is not None and not isinstance(value, dt.date):
                raise self.fail(top[key], f"'{key}' must be a date (YYYY-MM-DD)")
        return Policy(
            name=str(self.value(top["name"])),
            title=str(self.value(top["title"])),
            version=int(self.value(top["version"])),
            effective_from=effective_from,
            effective_to=effective_to,
            categories=tuple(categories),
            triggers=tuple(triggers),
            default=default,
            derived=tuple(derived),
            authority=str(self.value(top["authority"])) if "authority" in top else "",
        )


def load_policy(path: Path) -> Policy:
    return _Loader(path).load()


def policy_named(name: str) -> Policy:
    path = POLICY_DIR / f"{name}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in POLICY_DIR.glob("*.yaml")))
        raise PolicyError(f"no policy called {name!r}; shipped policies: {known}")
    return load_policy(path)


# ------------------------------------------------------------------------------------------ applying


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


@dataclass
class Proposal:
    category: Category
    reasons: list[Fired]
    triggers: list[Fired]
    derived: dict[str, Any]

    @property
    def causing_concern(self) -> bool:
        return self.category.causing_concern or bool(self.triggers)


def apply_policy(policy: Policy, evidence: Mapping[str, Any]) -> Proposal:
    """The category the policy proposes for one school's evidence, with the rules that fired."""
    values = dict(evidence)
    derived: dict[str, Any] = {}
    reasons: list[Fired] = []
    for item in policy.derived:
        for value, condition in item.rules:
            ok, used = holds(condition, values)
            if ok:
                derived[item.name] = value
                reasons.append(Fired(f"{item.name} = {value}", f"{item.name.replace('_', ' ')} {value}", used))
                break
        else:
            derived[item.name] = None
        values[item.name] = derived[item.name]
    chosen: Category | None = None
    for category in policy.categories:
        if category.when is None:
            continue
        ok, used = holds(category.when, values)
        if ok:
            chosen = category
            reasons.append(Fired(f"category {category.code}", category.label, used))
            break
    if chosen is None:
        chosen = policy.category(policy.default)
        reasons.append(Fired("default category", f"No category's rule held: {chosen.label}", {}))
    triggers = []
    for trigger in policy.triggers:
        ok, used = holds(trigger.when, values)
        if ok:
            triggers.append(Fired(trigger.name, trigger.label, used))
    return Proposal(category=chosen, reasons=reasons, triggers=triggers, derived=derived)
