"""Visit entitlements as data: the ``entitlements:`` section of a categorisation policy file
(``headway/risk/policies/*.yaml``), its loader, and the small pure function that applies it.

    entitlements:
      purpose: "School effectiveness visit"
      by_category:                       # every category of the policy must be listed
        "1": {visits_per_year: 2}
        "2": {every: half_term}          # one a half-term
        "4a": {every: fortnight}         # one visit or contact a fortnight of term time
        "4b": {statement_of_action: true, visits_per_year: 12}
      overrides:                         # tried in order; the first that holds replaces the category's entitlement
        - {name: academy, purpose: "...", categories: ["1", "2"], visits_per_year: 1, when: CONDITION}
      extra_visits:                      # added in the year for each circumstance recorded for the school
        new_or_acting_head: {visits: 2, label: "New or acting headteacher"}

Conditions are the categorisation policy's (``headway.risk.policy``), read with the same evidence. Loading
validates everything and reports ``file:line: problem``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from headway.risk.evidence import evidence_names
from headway.risk.policy import Condition, PolicyError, _Loader, holds, load_policy

#: How often visits fall due: a number a year, one a half-term, one a fortnight of term time, or as the
#: statement of action sets.
PER_YEAR = "per_year"
HALF_TERMLY = "half_term"
FORTNIGHTLY = "fortnight"
STATEMENT_OF_ACTION = "statement_of_action"
CADENCES = (PER_YEAR, HALF_TERMLY, FORTNIGHTLY, STATEMENT_OF_ACTION)

#: A year has six half-terms and about 39 weeks of term time (so 19 whole fortnights) when no calendar says.
HALF_TERMS_A_YEAR = 6
DEFAULT_FORTNIGHTS = 19


@dataclass(frozen=True)
class Rule:
    """What a category (or an override) brings: ``cadence`` and, for per-year ones, ``visits_per_year``."""

    cadence: str
    visits_per_year: int | None = None


@dataclass(frozen=True)
class Override:
    name: str
    purpose: str | None
    categories: tuple[str, ...]
    rule: Rule
    when: Condition


@dataclass(frozen=True)
class ExtraVisit:
    kind: str
    visits: int
    label: str


@dataclass(frozen=True)
class EntitlementPolicy:
    policy_name: str
    purpose: str
    by_category: Mapping[str, Rule]
    overrides: tuple[Override, ...]
    extra_visits: Mapping[str, ExtraVisit]


@dataclass(frozen=True)
class Entitlement:
    """The visits a school is entitled to in a year: ``visits`` in all (the base entitlement plus every
    extra visit), how often the base ones fall due, their purpose, and why."""

    visits: int
    cadence: str
    purpose: str
    reasons: tuple[str, ...]
    base_visits: int = 0
    extras: tuple[ExtraVisit, ...] = field(default=())


# ----------------------------------------------------------------------------------------------- loading


class _EntitlementLoader(_Loader):
    def rule(self, node: yaml.Node, entry: Mapping[str, yaml.Node], what: str) -> Rule:
        every = self.value(entry["every"]) if "every" in entry else None
        soa = self.value(entry["statement_of_action"]) if "statement_of_action" in entry else False
        count = self.value(entry["visits_per_year"]) if "visits_per_year" in entry else None
        if not isinstance(soa, bool):
            raise self.fail(entry["statement_of_action"], "'statement_of_action' must be true or false")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
            raise self.fail(entry["visits_per_year"], "'visits_per_year' must be a whole number, 0 or more")
        if every is not None:
            if every not in (HALF_TERMLY, FORTNIGHTLY):
                raise self.fail(entry["every"], f"'every' must be {HALF_TERMLY} or {FORTNIGHTLY}, not {every!r}")
            if count is not None or soa:
                raise self.fail(node, f"{what} gives 'every' and also a number of visits; give one")
            return Rule(cadence=str(every))
        if count is None:
            raise self.fail(node, f"{what} needs 'visits_per_year' or 'every'")
        return Rule(cadence=STATEMENT_OF_ACTION if soa else PER_YEAR, visits_per_year=count)

    def entitlements(self) -> EntitlementPolicy:
        try:
            policy = load_policy(self.path)
            root = yaml.compose(self.path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PolicyError(f"{self.path}:1: cannot read the policy: {exc}") from exc
        assert root is not None  # load_policy rejects an empty file
        top = self.mapping(root, "a policy")
        if "entitlements" not in top:
            raise self.fail(root, "missing 'entitlements' (the visits each category brings)")
        section = self.mapping(top["entitlements"], "'entitlements'")
        for key in ("purpose", "by_category"):
            if key not in section:
                raise self.fail(top["entitlements"], f"'entitlements' needs '{key}'")
        codes = [c.code for c in policy.categories]
        names = evidence_names() | {d.name for d in policy.derived}
        by_category: dict[str, Rule] = {}
        for code, node in self.mapping(section["by_category"], "'by_category'").items():
            if code not in codes:
                raise self.fail(node, f"unknown category {code!r}; the policy's categories: {', '.join(codes)}")
            by_category[code] = self.rule(node, self.mapping(node, f"category {code!r}"), f"category {code!r}")
        missing = [code for code in codes if code not in by_category]
        if missing:
            raise self.fail(section["by_category"], f"no entitlement for categories {', '.join(missing)}")
        overrides: list[Override] = []
        if "overrides" in section:
            if not isinstance(section["overrides"], yaml.SequenceNode):
                raise self.fail(section["overrides"], "'overrides' must list overrides")
            for item in section["overrides"].value:
                entry = self.mapping(item, "an override")
                for key in ("name", "categories", "when"):
                    if key not in entry:
                        raise self.fail(item, f"an override needs '{key}'")
                categories = self.value(entry["categories"])
                if not isinstance(categories, list) or not categories:
                    raise self.fail(entry["categories"], "'categories' must list one or more categories")
                for code in categories:
                    if str(code) not in codes:
                        raise self.fail(entry["categories"], f"unknown category {code!r}")
                name = str(self.value(entry["name"]))
                overrides.append(
                    Override(
                        name=name,
                        purpose=str(self.value(entry["purpose"])) if "purpose" in entry else None,
                        categories=tuple(str(code) for code in categories),
                        rule=self.rule(item, entry, f"override {name!r}"),
                        when=self.condition(entry["when"], names),
                    )
                )
        extra: dict[str, ExtraVisit] = {}
        if "extra_visits" in section:
            for kind, node in self.mapping(section["extra_visits"], "'extra_visits'").items():
                entry = self.mapping(node, f"extra visits {kind!r}")
                for key in ("visits", "label"):
                    if key not in entry:
                        raise self.fail(node, f"extra visits {kind!r} need '{key}'")
                visits = self.value(entry["visits"])
                if not isinstance(visits, int) or isinstance(visits, bool) or visits < 1:
                    raise self.fail(entry["visits"], "'visits' must be a whole number, 1 or more")
                extra[kind] = ExtraVisit(kind=kind, visits=visits, label=str(self.value(entry["label"])))
        return EntitlementPolicy(
            policy_name=policy.name,
            purpose=str(self.value(section["purpose"])),
            by_category=by_category,
            overrides=tuple(overrides),
            extra_visits=extra,
        )


def load_entitlements(path: Path) -> EntitlementPolicy:
    """The entitlement section of a policy file, validated (``PolicyError`` says ``file:line: problem``)."""
    return _EntitlementLoader(path).entitlements()


def entitlements_named(name: str) -> EntitlementPolicy:
    from headway import configuration

    path = configuration.find("policies", name)
    if path is None:
        raise PolicyError(configuration.missing("policies", name))
    return load_entitlements(path)


# ------------------------------------------------------------------------------------------ applying


def _base_visits(rule: Rule, fortnights: int) -> int:
    if rule.cadence == HALF_TERMLY:
        return HALF_TERMS_A_YEAR
    if rule.cadence == FORTNIGHTLY:
        return fortnights
    return rule.visits_per_year or 0


def _describe(rule: Rule, visits: int) -> str:
    if rule.cadence == HALF_TERMLY:
        return "at least one visit a half-term"
    if rule.cadence == FORTNIGHTLY:
        return f"one visit or contact a fortnight of term time ({visits} this year)"
    if rule.cadence == STATEMENT_OF_ACTION:
        return f"as the statement of action sets ({visits} a year until one is recorded)"
    return f"{visits} visit{'s' if visits != 1 else ''} a year"


def visit_entitlement(
    policy_entitlements: EntitlementPolicy,
    *,
    category: str,
    evidence: Mapping[str, Any],
    circumstances: Iterable[str],
    fortnights: int = DEFAULT_FORTNIGHTS,
    statement_of_action_visits: int | None = None,
) -> Entitlement:
    """The visits a school of ``category`` with this evidence and these circumstances (kinds, one per
    circumstance recorded for the year) is entitled to. ``fortnights`` is the year's fortnights of term time;
    ``statement_of_action_visits`` is what the LA's statement of action commits to, when one is recorded."""
    if category not in policy_entitlements.by_category:
        raise KeyError(f"policy {policy_entitlements.policy_name} has no entitlement for category {category!r}")
    rule = policy_entitlements.by_category[category]
    purpose = policy_entitlements.purpose
    base = _base_visits(rule, fortnights)
    if rule.cadence == STATEMENT_OF_ACTION and statement_of_action_visits is not None:
        base = statement_of_action_visits
        reasons = [f"Category {category}: {base} visits a year, as the LA's statement of action sets"]
    else:
        reasons = [f"Category {category}: {_describe(rule, base)}"]
    for override in policy_entitlements.overrides:
        if category not in override.categories:
            continue
        ok, used = holds(override.when, evidence)
        if ok:
            rule = override.rule
            purpose = override.purpose or purpose
            base = _base_visits(rule, fortnights)
            read = ", ".join(f"{name} = {value}" for name, value in used.items())
            reasons.append(f"{override.name.replace('_', ' ').capitalize()} ({read}): {_describe(rule, base)}")
            break
    extras: list[ExtraVisit] = []
    for kind in circumstances:
        extra = policy_entitlements.extra_visits.get(kind)
        if extra is None:
            reasons.append(f"Circumstance {kind!r} is not in the policy, so it adds no visits")
            continue
        extras.append(extra)
        reasons.append(f"{extra.label}: {extra.visits} extra visit{'s' if extra.visits != 1 else ''}")
    return Entitlement(
        visits=base + sum(extra.visits for extra in extras),
        cadence=rule.cadence,
        purpose=purpose,
        reasons=tuple(reasons),
        base_visits=base,
        extras=tuple(extras),
    )
