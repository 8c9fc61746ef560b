"""An LA's categorisation policy as data (``policies/*.yaml``), and the small engine that applies it.

A policy names its categories in order (the first whose condition holds is proposed), optional derived
values (e.g. a standards group worked out from data), and causing-concern triggers. Conditions read named
evidence (``headway.risk.evidence.EVIDENCE``):

    {evidence: NAME, equals: V} | in: [..] | at_least: X | at_most: X | below: X | above: X
    {all: [conditions]} | {any: [conditions]} | {not: condition}

Loading validates everything and reports ``file:line: problem``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from headway.policy_files import COMPARISONS, Condition, PolicyError, PolicyFile, condition_leaves, holds, matches
from headway.risk.evidence import evidence_names

__all__ = ["COMPARISONS", "Condition", "PolicyError", "PolicyFile", "holds"]

POLICY_DIR = Path(__file__).resolve().parent / "policies"


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
    #: which open schools the policy categorises (None: every one); the others are left out of the round
    scope: Condition | None = None

    def refuse_for_another_authority(self, code: str, name: str) -> None:
        """A policy written for one authority is not run for another."""
        if self.authority and self.authority != code:
            raise PolicyError(
                f"The policy {self.title} ({self.name}) is written for the authority {self.authority}, not for "
                f"{name} ({code}). Choose a policy of your own authority, or copy this one into your "
                "configuration without its 'authority'."
            )

    def in_scope(self, evidence: Mapping[str, Any]) -> bool:
        return self.scope is None or matches(self.scope, evidence)

    def refuse_outside_dates(self, as_of: dt.date) -> None:
        """A policy applies only between its dates: a round as of 2019 uses the rules of 2019."""
        if as_of < self.effective_from:
            raise PolicyError(
                f"The policy {self.title} ({self.name}) is in force from {self.effective_from:%-d %B %Y}: "
                f"it cannot be used for a round as of {as_of:%-d %B %Y}. Choose a policy in force on that date."
            )
        if self.effective_to is not None and as_of > self.effective_to:
            raise PolicyError(
                f"The policy {self.title} ({self.name}) ended on {self.effective_to:%-d %B %Y}: "
                f"it cannot be used for a round as of {as_of:%-d %B %Y}. Choose a policy in force on that date."
            )

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


class _Loader(PolicyFile):
    #: the evidence a condition may read (None: schools' evidence and the LA's local indicators; settings have
    #: their own)
    evidence: frozenset[str] | None = None

    def load(self) -> Policy:
        root = self.root()
        top = self.mapping(root, "a policy")
        for key in ("name", "title", "version", "effective_from", "categories", "default"):
            if key not in top:
                raise self.fail(root, f"missing '{key}'")
        names = set(self.evidence) if self.evidence is not None else evidence_names()
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
            scope=self.condition(top["scope"], names) if "scope" in top else None,
        )


def load_policy(path: Path, *, evidence: Iterable[str] | None = None) -> Policy:
    """A categorisation policy, validated; ``evidence`` names what its conditions may read (schools' evidence
    by default)."""
    loader = _Loader(path)
    if evidence is not None:
        loader.evidence = frozenset(evidence)
    return loader.load()


@cache
def _policy_at(path: Path, modified: float) -> Policy:
    return load_policy(path)


def policy_named(name: str) -> Policy:
    """The categorisation policy of that name: the LA's own (``config/policies/``) or a shipped one. Read once
    and kept (a page that shows a round reads its policy on every view) until the file changes."""
    from headway import configuration

    path = configuration.find("policies", name)
    if path is None:
        raise PolicyError(configuration.missing("policies", name))
    return _policy_at(path, path.stat().st_mtime)


def policy_to_offer(policies: list[Policy], day: dt.date) -> Policy | None:
    """The policy a new round starts with: the authority's own in force on ``day``, else any in force."""
    return next((p for p in policies if in_force(p, day) and p.authority), None) or next(
        (p for p in policies if in_force(p, day)), None
    )


def policies_for_authority(code: str) -> list[Policy]:
    """Every categorisation policy an authority may run (its own, and those written for no one authority), the
    newest first; ``code`` empty: every policy. A file that does not load is left out (``headway check``
    reports it)."""
    from headway import configuration

    found = []
    for name in configuration.names("policies"):
        try:
            policy = policy_named(name)
        except PolicyError:
            continue
        if not code or not policy.authority or policy.authority == code:
            found.append(policy)
    return sorted(found, key=lambda p: (p.effective_from, p.title), reverse=True)


def policy_in_words(policy: Policy) -> str:
    """The policy as the start-a-round page offers it: its title and the dates it is in force."""
    since = f"{policy.effective_from:%-d %B %Y}"
    if policy.effective_to is None:
        return f"{policy.title} (in force from {since})"
    return f"{policy.title} (in force from {since} to {policy.effective_to:%-d %B %Y})"


def in_force(policy: Policy, on: dt.date) -> bool:
    return policy.effective_from <= on and (policy.effective_to is None or on <= policy.effective_to)


# ------------------------------------------------------------------------------------------ applying


@dataclass
class Proposal:
    category: Category
    reasons: list[Fired]
    triggers: list[Fired]
    derived: dict[str, Any]

    @property
    def causing_concern(self) -> bool:
        return self.category.causing_concern or bool(self.triggers)


def _read_if_holds(condition: Condition, values: Mapping[str, Any]) -> dict[str, Any] | None:
    """The evidence the condition read, if it holds; None if not (decided quickly first: most do not)."""
    if not matches(condition, values):
        return None
    ok, used = holds(condition, values)
    return used if ok else None


def apply_policy(policy: Policy, evidence: Mapping[str, Any]) -> Proposal:
    """The category the policy proposes for one school's evidence, with the rules that fired."""
    values = dict(evidence)
    derived: dict[str, Any] = {}
    reasons: list[Fired] = []
    for item in policy.derived:
        for value, condition in item.rules:
            used = _read_if_holds(condition, values)
            if used is not None:
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
        used = _read_if_holds(category.when, values)
        if used is not None:
            chosen = category
            reasons.append(Fired(f"category {category.code}", category.label, used))
            break
    if chosen is None:
        chosen = policy.category(policy.default)
        reasons.append(Fired("default category", f"No category's rule held: {chosen.label}", {}))
    triggers = []
    for trigger in policy.triggers:
        used = _read_if_holds(trigger.when, values)
        if used is not None:
            triggers.append(Fired(trigger.name, trigger.label, used))
    return Proposal(category=chosen, reasons=reasons, triggers=triggers, derived=derived)


#: What a proposal's rules read, as the proposal is remembered by ``policy_proposer``: each fired rule's name,
#: label and the evidence names it read.
_FiredShape = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class _ProposalShape:
    """A proposal without the evidence values its rules read: the same for every school whose evidence the
    policy cannot tell apart."""

    derived: tuple[tuple[str, Any, _FiredShape | None], ...]
    category: Category
    category_fired: _FiredShape
    triggers: tuple[_FiredShape, ...]


def _policy_conditions(policy: Policy) -> Iterable[Condition]:
    for item in policy.derived:
        for _, condition in item.rules:
            yield condition
    for category in policy.categories:
        if category.when is not None:
            yield category.when
    for trigger in policy.triggers:
        yield trigger.when


def _shape_of(fired: Fired) -> _FiredShape:
    return (fired.name, fired.label, tuple(fired.evidence))


def policy_proposer(policy: Policy) -> Callable[[Mapping[str, Any]], Proposal]:
    """``apply_policy`` for many schools (a national round's 21,000): the same proposals, worked out once for
    each group of schools whose evidence the policy cannot tell apart.

    Two schools' evidence is told apart only where a condition could decide differently: a value the policy
    tests for equality or membership is compared as it is; a value it only compares with thresholds is placed
    among those thresholds (below the first, equal to it, between it and the next, ...). Schools alike in every
    such place meet the same rules, which read the same evidence names, so the first school's proposal is kept
    without its values, and each later one's is made with its own values (the reasons quote them). Evidence
    that cannot be placed so (a value that is not a number, a date, or a list) is decided by ``apply_policy``."""
    derived_names = {item.name for item in policy.derived}
    exact: set[str] = set()
    thresholds: dict[str, set[Any]] = {}
    for condition in _policy_conditions(policy):
        for leaf in condition_leaves(condition):
            name = str(leaf["evidence"])
            if name in derived_names:
                continue
            if "equals" in leaf or "in" in leaf:
                exact.add(name)
            else:
                thresholds.setdefault(name, set()).add(
                    next(leaf[key] for key in ("at_least", "at_most", "below", "above") if key in leaf)
                )
    placed: list[tuple[str, tuple[Any, ...], bool]] = []
    for name, operands in sorted(thresholds.items()):
        dates = {isinstance(operand, dt.date) for operand in operands}
        if name in exact or len(dates) > 1:
            exact.add(name)
        else:
            placed.append((name, tuple(sorted(operands)), dates == {True}))
    exact_names = tuple(sorted(exact))
    shapes: dict[tuple[Any, ...], _ProposalShape] = {}

    def place(value: Any, operands: tuple[Any, ...], is_date: bool) -> Any:
        # Every comparison with a missing value, a yes/no, a date against a number (or the reverse) or a
        # number that is not a number is false: these sit apart from every number.
        if value is None or value is True or value is False:
            return ("not compared", value)
        if isinstance(value, dt.date) != is_date or value != value:
            return ("not compared",)
        if not isinstance(value, int | float | dt.date):
            raise TypeError(value)
        at = bisect.bisect_left(operands, value)
        return (at, at < len(operands) and operands[at] == value)

    def propose(evidence: Mapping[str, Any]) -> Proposal:
        try:
            # (yes or no told apart from 1 and 0, which equal them but are compared with thresholds)
            key = tuple(_told_apart(evidence.get(name)) for name in exact_names) + tuple(
                place(evidence.get(name), operands, is_date) for name, operands, is_date in placed
            )
            shape = shapes.get(key)
        except TypeError:  # a list, or a value compared with thresholds that is not a number or a date
            return apply_policy(policy, evidence)
        if shape is None:
            proposal = apply_policy(policy, evidence)
            # the derived values' rules that held come first, in the policy's order; the category's comes last
            derived_fired = {fired.name.split(" = ", 1)[0]: fired for fired in proposal.reasons[:-1]}
            derived = tuple(
                (
                    item.name,
                    proposal.derived[item.name],
                    _shape_of(derived_fired[item.name]) if item.name in derived_fired else None,
                )
                for item in policy.derived
            )
            shapes[key] = _ProposalShape(
                derived=derived,
                category=proposal.category,
                category_fired=_shape_of(proposal.reasons[-1]),
                triggers=tuple(_shape_of(trigger) for trigger in proposal.triggers),
            )
            return proposal
        values = dict(evidence)  # the derived values are read as evidence too
        reasons: list[Fired] = []
        derived_values: dict[str, Any] = {}
        for name, value, fired_shape in shape.derived:
            if fired_shape is not None:
                reasons.append(_fired_with(fired_shape, values))
            derived_values[name] = value
            values[name] = value
        reasons.append(_fired_with(shape.category_fired, values))
        return Proposal(
            category=shape.category,
            reasons=reasons,
            triggers=[_fired_with(trigger, values) for trigger in shape.triggers],
            derived=derived_values,
        )

    return propose


def _told_apart(value: Any) -> Any:
    return (value,) if value is True or value is False else value


def _fired_with(shape: _FiredShape, values: Mapping[str, Any]) -> Fired:
    name, label, read = shape
    return Fired(name, label, {evidence: values.get(evidence) for evidence in read})
