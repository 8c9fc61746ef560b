"""The school-improvement partnership rules an LA might set differently, read from ``policies/*.yaml``.

Loading validates everything and reports ``file:line: problem`` (``PolicyError``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import yaml

from headway.risk.policy import PolicyError, _Loader
from headway.support.models import PartnershipType

POLICY_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICY = "partnerships-2026"
WEIGHT_KEYS = ("wished_partner_pair", "existing_link_pair", "wanted_type", "distance_per_km", "unplaced")
SHARE_WORDS = {Fraction(1, 2): "half", Fraction(1, 3): "a third", Fraction(1, 4): "a quarter"}


@dataclass(frozen=True)
class TypeRule:
    code: str
    label: str
    min_size: int
    max_size: int


@dataclass(frozen=True)
class Weights:
    wished_partner_pair: int
    existing_link_pair: int
    wanted_type: int
    distance_per_km: int
    unplaced: int


@dataclass(frozen=True)
class PartnershipPolicy:
    name: str
    title: str
    version: int
    effective_from: dt.date
    types: dict[str, TypeRule]
    strong_label: str
    strong_overall_grades: tuple[int, ...]
    strong_report_card_at_least: int
    weak_capacity_to_improve: tuple[str, ...]
    concern_label: str
    concern_max_share: Fraction
    concern_exempt_size: int
    secondary_lead_label: str
    secondary_phases: tuple[str, ...]
    secondary_lead_excluded_types: tuple[str, ...]
    joint_governance_label: str
    joint_governance_excluded_types: tuple[str, ...]
    max_distance_km: float
    nearest_anchors: int
    weights: Weights

    @property
    def largest(self) -> int:
        return max(rule.max_size for rule in self.types.values())

    @property
    def share_words(self) -> str:
        share = self.concern_max_share
        return SHARE_WORDS.get(share, f"{share.numerator}/{share.denominator}")


class _PartnershipLoader(_Loader):
    def text(self, node: yaml.Node) -> str:
        value = self.value(node)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, "expected some text")
        return value.strip()

    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        value = self.value(node)
        if not isinstance(value, list) or not value or any(not isinstance(v, str) or not v for v in value):
            raise self.fail(node, f"{what} must list one or more names")
        return tuple(value)

    def type_codes(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        codes = self.texts(node, what)
        known = set(PartnershipType.values)
        for code in codes:
            if code not in known:
                raise self.fail(node, f"{what}: unknown partnership type {code!r}; known: {', '.join(sorted(known))}")
        return codes

    def share(self, node: yaml.Node) -> Fraction:
        value = self.value(node)
        try:
            share = Fraction(str(value))
        except (ValueError, ZeroDivisionError) as exc:
            raise self.fail(node, f"'max_share' must be a fraction such as 1/3, not {value!r}") from exc
        if not 0 < share < 1:
            raise self.fail(node, f"'max_share' must be between 0 and 1, not {value!r}")
        return share

    def load_partnership_policy(self) -> PartnershipPolicy:
        root = self.root()
        top = self.mapping(root, "a policy")
        what = "the policy"
        effective_node = self.need(root, top, "effective_from", what)
        effective = self.value(effective_node)
        if not isinstance(effective, dt.date):
            raise self.fail(effective_node, f"'effective_from' must be a date (YYYY-MM-DD), not {effective!r}")

        types_node = self.need(root, top, "types", what)
        types: dict[str, TypeRule] = {}
        for code, node in self.mapping(types_node, "'types'").items():
            if code not in PartnershipType.values:
                raise self.fail(node, f"unknown partnership type {code!r}; known: {', '.join(PartnershipType.values)}")
            entry = self.mapping(node, f"type {code!r}")
            minimum = self.whole(self.need(node, entry, "min_size", f"type {code!r}"), 2)
            maximum = self.whole(self.need(node, entry, "max_size", f"type {code!r}"), 2)
            if maximum < minimum:
                raise self.fail(entry["max_size"], f"type {code!r}: 'max_size' is below 'min_size'")
            types[code] = TypeRule(code, self.text(self.need(node, entry, "label", f"type {code!r}")), minimum, maximum)
        if not types:
            raise self.fail(types_node, "'types' must define one or more partnership types")

        strong_node = self.need(root, top, "strong_school", what)
        strong = self.mapping(strong_node, "'strong_school'")
        grades_node = self.need(strong_node, strong, "overall_grades", "'strong_school'")
        grades = self.value(grades_node)
        if not isinstance(grades, list) or not grades or any(not isinstance(g, int) or not 1 <= g <= 4 for g in grades):
            raise self.fail(grades_node, "'overall_grades' must list grades from 1 to 4")
        report_card = self.whole(self.need(strong_node, strong, "report_card_at_least", "'strong_school'"), 1)
        if report_card > 5:
            raise self.fail(strong["report_card_at_least"], "'report_card_at_least' must be 1 to 5")
        weak = self.texts(self.need(strong_node, strong, "weak_capacity_to_improve", "'strong_school'"), "'weak'")
        if any(v not in {"A", "B", "C", "D"} for v in weak):
            raise self.fail(strong["weak_capacity_to_improve"], "'weak_capacity_to_improve' must list A, B, C or D")

        concern_node = self.need(root, top, "causing_concern", what)
        concern = self.mapping(concern_node, "'causing_concern'")
        lead_node = self.need(root, top, "secondary_lead", what)
        lead = self.mapping(lead_node, "'secondary_lead'")
        governance_node = self.need(root, top, "joint_governance", what)
        governance = self.mapping(governance_node, "'joint_governance'")
        for rule_node, entries, key in (
            (lead_node, lead, "'secondary_lead'"),
            (governance_node, governance, "'joint_governance'"),
        ):
            for code in self.type_codes(self.need(rule_node, entries, "excluded_types", key), "'excluded_types'"):
                if code not in types:
                    raise self.fail(entries["excluded_types"], f"type {code!r} is not defined in 'types'")

        optimiser_node = self.need(root, top, "optimiser", what)
        optimiser = self.mapping(optimiser_node, "'optimiser'")
        distance_node = self.need(optimiser_node, optimiser, "max_distance_km", "'optimiser'")
        distance = self.value(distance_node)
        if not isinstance(distance, int | float) or isinstance(distance, bool) or distance <= 0:
            raise self.fail(distance_node, f"'max_distance_km' must be a positive number, not {distance!r}")
        weights_node = self.need(optimiser_node, optimiser, "weights", "'optimiser'")
        weights = self.mapping(weights_node, "'weights'")
        for key in weights:
            if key not in WEIGHT_KEYS:
                raise self.fail(weights[key], f"unknown weight {key!r}; known: {', '.join(WEIGHT_KEYS)}")
        values = {key: self.whole(self.need(weights_node, weights, key, "'weights'"), 0) for key in WEIGHT_KEYS}

        return PartnershipPolicy(
            name=self.text(self.need(root, top, "name", what)),
            title=self.text(self.need(root, top, "title", what)),
            version=self.whole(self.need(root, top, "version", what), 1),
            effective_from=effective,
            types=types,
            strong_label=self.text(self.need(strong_node, strong, "label", "'strong_school'")),
            strong_overall_grades=tuple(grades),
            strong_report_card_at_least=report_card,
            weak_capacity_to_improve=weak,
            concern_label=self.text(self.need(concern_node, concern, "label", "'causing_concern'")),
            concern_max_share=self.share(self.need(concern_node, concern, "max_share", "'causing_concern'")),
            concern_exempt_size=self.whole(self.need(concern_node, concern, "exempt_size", "'causing_concern'"), 0),
            secondary_lead_label=self.text(self.need(lead_node, lead, "label", "'secondary_lead'")),
            secondary_phases=self.texts(
                self.need(lead_node, lead, "secondary_phases", "'secondary_lead'"), "'secondary_phases'"
            ),
            secondary_lead_excluded_types=self.type_codes(lead["excluded_types"], "'excluded_types'"),
            joint_governance_label=self.text(self.need(governance_node, governance, "label", "'joint_governance'")),
            joint_governance_excluded_types=self.type_codes(governance["excluded_types"], "'excluded_types'"),
            max_distance_km=float(distance),
            nearest_anchors=self.whole(self.need(optimiser_node, optimiser, "nearest_anchors", "'optimiser'"), 1),
            weights=Weights(**values),
        )


def load_partnership_policy(path: Path) -> PartnershipPolicy:
    return _PartnershipLoader(path).load_partnership_policy()


def partnership_policy_named(name: str = DEFAULT_POLICY) -> PartnershipPolicy:
    from headway import configuration

    path = configuration.find("partnerships", name)
    if path is None:
        raise PolicyError(configuration.missing("partnerships", name))
    return load_partnership_policy(path)
