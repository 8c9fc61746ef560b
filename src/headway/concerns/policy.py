"""The schools-causing-concern rules an LA might set differently, read from ``policies/*.yaml``.

Loading validates everything and reports ``file:line: problem`` (``PolicyError``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from headway.concerns.models import AcademyContact, ConcernJudgement
from headway.risk.policy import PolicyError, _Loader

POLICY_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICY = "scc-2024"


@dataclass(frozen=True)
class WarningNoticeRule:
    name: str
    label: str
    judgement: str
    causing_concern_more_than_months: int | None = None


@dataclass(frozen=True)
class StatutoryPowerRule:
    code: str
    label: str
    section: str


CATEGORIES = {"SM", "SWK", "RSI"}


@dataclass(frozen=True)
class AcademyOrderRule:
    """Whether the Secretary of State must (duty) or may (power) make an academy order for a maintained school
    in a category of concern, and for which categories structural intervention is the default."""

    duty_for: tuple[str, ...]
    power_for: tuple[str, ...]
    structural_default_for: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class ConcernPolicy:
    name: str
    title: str
    version: int
    plan_review_at_least_every_days: int
    removal_blocked_by_grades: tuple[int, ...]
    removal_cleared_by_grades: tuple[int, ...]
    removal_report_card_at_least: int
    warning_notice_rules: tuple[WarningNoticeRule, ...]
    grounds: dict[str, str]
    compliance_default_days: int
    compliance_minimum_days: int
    warning_notice_maintained_only: bool
    eligibility_grounds: dict[str, str]
    statutory_powers: dict[str, StatutoryPowerRule]
    statement_categories: tuple[str, ...]
    statement_due_working_days: int
    statement_visits_per_year: int
    academy_first_contacts: tuple[str, ...]
    academy_escalation: tuple[str, ...]
    effective_from: dt.date = dt.date(2000, 1, 1)
    effective_to: dt.date | None = None
    academy_order: AcademyOrderRule | None = None
    rise_targeted_for: tuple[str, ...] = ()
    rise_targeted_from: dt.date | None = None

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


ELIGIBILITY_KEYS = ("warning_notice_not_complied", "special_measures", "serious_weaknesses")


class _ConcernLoader(_Loader):
    def grades(self, node: yaml.Node, low: int, high: int) -> tuple[int, ...]:
        value = self.value(node)
        if (
            not isinstance(value, list)
            or not value
            or any(not isinstance(v, int) or not low <= v <= high for v in value)
        ):
            raise self.fail(node, f"expected a list of grades from {low} to {high}")
        return tuple(value)

    def texts(self, node: yaml.Node, what: str) -> dict[str, str]:
        entries = self.mapping(node, what)
        out: dict[str, str] = {}
        for key, value in entries.items():
            text = self.value(value)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(value, f"{what}: {key!r} needs a label")
            out[key] = text
        return out

    def date(self, node: yaml.Node, what: str) -> dt.date:
        value = self.value(node)
        if not isinstance(value, dt.date):
            raise self.fail(node, f"{what} must be a date (YYYY-MM-DD)")
        return value

    def academy_order(self, node: yaml.Node) -> AcademyOrderRule:
        entries = self.mapping(node, "'academy_order'")
        lists = {}
        for key in ("duty_for", "power_for", "structural_default_for"):
            lists[key] = self.codes(entries[key], CATEGORIES, f"'{key}'", empty=True) if key in entries else ()
        return AcademyOrderRule(
            duty_for=lists["duty_for"],
            power_for=lists["power_for"],
            structural_default_for=lists["structural_default_for"],
            basis=str(self.value(self.need(node, entries, "basis", "'academy_order'"))),
        )

    def codes(self, node: yaml.Node, allowed: set[str], what: str, *, empty: bool = False) -> tuple[str, ...]:
        value = self.value(node)
        if not isinstance(value, list) or (not value and not empty):
            raise self.fail(node, f"{what} must list one or more of {', '.join(sorted(allowed))}")
        for code in value:
            if str(code) not in allowed:
                raise self.fail(node, f"{what}: unknown {code!r}; known: {', '.join(sorted(allowed))}")
        return tuple(str(code) for code in value)

    def load_concern_policy(self) -> ConcernPolicy:
        root = self.root()
        top = self.mapping(root, "a policy")
        what = "the policy"
        removal = self.mapping(self.need(root, top, "removal", what), "'removal'")
        rnode = top["removal"]
        notice_node = self.need(root, top, "warning_notice", what)
        notice = self.mapping(notice_node, "'warning_notice'")
        rules: list[WarningNoticeRule] = []
        proposed = self.need(notice_node, notice, "proposed_when", "'warning_notice'")
        if not isinstance(proposed, yaml.SequenceNode) or not proposed.value:
            raise self.fail(proposed, "'proposed_when' must list one or more rules")
        judgements = set(ConcernJudgement.Kind.values)
        for item in proposed.value:
            entry = self.mapping(item, "a warning-notice rule")
            judgement = str(self.value(self.need(item, entry, "judgement", "a warning-notice rule")))
            if judgement not in judgements:
                raise self.fail(
                    entry["judgement"], f"unknown judgement {judgement!r}; known: {', '.join(sorted(judgements))}"
                )
            months = entry.get("causing_concern_more_than_months")
            rules.append(
                WarningNoticeRule(
                    name=str(self.value(self.need(item, entry, "name", "a warning-notice rule"))),
                    label=str(self.value(self.need(item, entry, "label", "a warning-notice rule"))),
                    judgement=judgement,
                    causing_concern_more_than_months=self.whole(months, 1) if months is not None else None,
                )
            )
        days_node = self.need(notice_node, notice, "compliance_working_days", "'warning_notice'")
        days = self.mapping(days_node, "'compliance_working_days'")
        default_days = self.whole(self.need(days_node, days, "default", "'compliance_working_days'"), 1)
        minimum_days = self.whole(self.need(days_node, days, "minimum", "'compliance_working_days'"), 1)
        if default_days < minimum_days:
            raise self.fail(days_node, "the default compliance period is shorter than the minimum")
        eligibility = self.texts(self.need(root, top, "eligibility", what), "'eligibility'")
        missing = [key for key in ELIGIBILITY_KEYS if key not in eligibility]
        if missing:
            raise self.fail(top["eligibility"], f"'eligibility' needs {', '.join(missing)}")
        powers: dict[str, StatutoryPowerRule] = {}
        for code, node in self.mapping(self.need(root, top, "statutory_powers", what), "'statutory_powers'").items():
            entry = self.mapping(node, f"power {code!r}")
            powers[code] = StatutoryPowerRule(
                code=code,
                label=str(self.value(self.need(node, entry, "label", f"power {code!r}"))),
                section=str(self.value(self.need(node, entry, "section", f"power {code!r}"))),
            )
        soa_node = self.need(root, top, "statement_of_action", what)
        soa = self.mapping(soa_node, "'statement_of_action'")
        academies_node = self.need(root, top, "academies", what)
        academies = self.mapping(academies_node, "'academies'")
        contacts = set(AcademyContact.RaisedWith.values)
        maintained_only = self.value(notice["maintained_only"]) if "maintained_only" in notice else True
        if not isinstance(maintained_only, bool):
            raise self.fail(notice["maintained_only"], "'maintained_only' must be true or false")
        version = self.whole(self.need(root, top, "version", what), 1)
        effective_to = self.date(top["effective_to"], "'effective_to'") if "effective_to" in top else None
        rise_node = top.get("rise")
        rise = self.mapping(rise_node, "'rise'") if rise_node is not None else {}
        return ConcernPolicy(
            effective_from=self.date(self.need(root, top, "effective_from", what), "'effective_from'"),
            effective_to=effective_to,
            academy_order=self.academy_order(top["academy_order"]) if "academy_order" in top else None,
            rise_targeted_for=self.codes(rise["targeted_for"], CATEGORIES, "'targeted_for'", empty=True)
            if "targeted_for" in rise
            else (),
            rise_targeted_from=self.date(rise["targeted_from"], "'targeted_from'") if "targeted_from" in rise else None,
            name=str(self.value(self.need(root, top, "name", what))),
            title=str(self.value(self.need(root, top, "title", what))),
            version=version,
            plan_review_at_least_every_days=self.whole(
                self.need(root, top, "plan_review_at_least_every_days", what), 1
            ),
            removal_blocked_by_grades=self.grades(self.need(rnode, removal, "blocked_by_grades", "'removal'"), 1, 4),
            removal_cleared_by_grades=self.grades(self.need(rnode, removal, "cleared_by_grades", "'removal'"), 1, 4),
            removal_report_card_at_least=self.whole(self.need(rnode, removal, "report_card_at_least", "'removal'"), 1),
            warning_notice_rules=tuple(rules),
            grounds=self.texts(self.need(notice_node, notice, "grounds", "'warning_notice'"), "'grounds'"),
            compliance_default_days=default_days,
            compliance_minimum_days=minimum_days,
            warning_notice_maintained_only=maintained_only,
            eligibility_grounds=eligibility,
            statutory_powers=powers,
            statement_categories=self.codes(
                self.need(soa_node, soa, "categories", "'statement_of_action'"), CATEGORIES, "'categories'"
            ),
            statement_due_working_days=self.whole(
                self.need(soa_node, soa, "due_working_days_after_publication", "'statement_of_action'"), 1
            ),
            statement_visits_per_year=self.whole(
                self.need(soa_node, soa, "visits_per_year", "'statement_of_action'"), 1
            ),
            academy_first_contacts=self.codes(
                self.need(academies_node, academies, "raise_first_with", "'academies'"), contacts, "'raise_first_with'"
            ),
            academy_escalation=self.codes(
                self.need(academies_node, academies, "escalate_to", "'academies'"), contacts, "'escalate_to'"
            ),
        )


def load_concern_policy(path: Path) -> ConcernPolicy:
    return _ConcernLoader(path).load_concern_policy()


def concern_policy_in_force(day: dt.date) -> ConcernPolicy:
    """The shipped schools-causing-concern policy in force on ``day`` (the latest to start, if two overlap)."""
    from headway import configuration

    policies = [concern_policy_named(name) for name in configuration.names("concerns")]
    in_force = [policy for policy in policies if policy.in_force_on(day)]
    if not in_force:
        return concern_policy_named(DEFAULT_POLICY)
    return max(in_force, key=lambda policy: policy.effective_from)


def concern_policy_named(name: str = DEFAULT_POLICY) -> ConcernPolicy:
    from headway import configuration

    path = configuration.find("concerns", name)
    if path is None:
        raise PolicyError(configuration.missing("concerns", name))
    return load_concern_policy(path)
