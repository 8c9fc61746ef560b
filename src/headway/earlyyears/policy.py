"""An LA's settings policy as data (``policies/*.yaml``): the categories of the categorisation policy language
(headway.risk.policy), read over a setting's evidence, plus what counts as "good or better" and the visits
each category brings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from headway.policy_files import Condition, PolicyError, PolicyFile
from headway.risk.policy import Policy, load_policy

POLICY_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICY = "barnet-settings-2021"

#: Every name a settings policy condition may read.
SETTING_EVIDENCE: dict[str, str] = {
    "inspected": "the setting has had a full inspection",
    "latest_grade": "overall effectiveness at the latest full inspection (1 outstanding .. 4 inadequate)",
    "met_requirements": "the latest inspection found requirements met (no children on roll)",
    "not_met": "the latest inspection found requirements not met",
    "safeguarding_met": "safeguarding effective at the latest inspection",
    "grade_age_years": "years since the latest full inspection",
    "previous_grade": "overall effectiveness at the inspection before",
    "provider_type": "Childminder, Childcare on non-domestic premises or Childcare on domestic premises",
    "months_registered": "whole months since the setting was registered",
}


EVIDENCE_NAMES = {
    "inspected": "Inspected",
    "latest_grade": "Latest overall effectiveness",
    "met_requirements": "Requirements met (no children on roll)",
    "not_met": "Requirements not met",
    "safeguarding_met": "Safeguarding effective",
    "grade_age_years": "Years since the latest inspection",
    "previous_grade": "Overall effectiveness before",
    "provider_type": "Type of provider",
    "months_registered": "Months since registration",
}
GRADES = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}


def evidence_in_words(evidence: Mapping[str, Any]) -> list[str]:
    """'Latest overall effectiveness: good', never 'latest_grade = 2'."""
    words = []
    for name, value in evidence.items():
        if value is None:
            shown = "not known"
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        elif name in {"latest_grade", "previous_grade"} and isinstance(value, int):
            shown = GRADES.get(value, str(value))
        else:
            shown = str(value)
        words.append(f"{EVIDENCE_NAMES.get(name, name)}: {shown}")
    return words


@dataclass(frozen=True)
class SettingsPolicy:
    policy: Policy
    good_or_better: Condition
    visits_per_year: Mapping[str, int]

    @property
    def name(self) -> str:
        return self.policy.name


class _Extra(PolicyFile):
    def load(self, policy: Policy) -> SettingsPolicy:
        root = self.root()
        top = self.mapping(root, "a settings policy")
        visits_node = self.need(root, top, "visits_per_year", "a settings policy")
        visits = {code: self.whole(node, 0) for code, node in self.mapping(visits_node, "'visits_per_year'").items()}
        codes = {c.code for c in policy.categories}
        missing = sorted(codes - set(visits))
        if missing:
            raise self.fail(visits_node, f"no visits for categories {', '.join(missing)}")
        unknown = sorted(set(visits) - codes)
        if unknown:
            raise self.fail(visits_node, f"visits for categories the policy does not have: {', '.join(unknown)}")
        return SettingsPolicy(
            policy=policy,
            good_or_better=self.condition(
                self.need(root, top, "good_or_better", "a settings policy"), set(SETTING_EVIDENCE)
            ),
            visits_per_year=visits,
        )


def load_settings_policy(path: Path) -> SettingsPolicy:
    return _Extra(path).load(load_policy(path, evidence=SETTING_EVIDENCE))


def settings_policy_named(name: str = DEFAULT_POLICY) -> SettingsPolicy:
    from headway import configuration

    path = configuration.find("settings", name)
    if path is None:
        raise PolicyError(configuration.missing("settings", name))
    return _settings_policy_at(path, path.stat().st_mtime)


@lru_cache(maxsize=32)
def _settings_policy_at(path: Path, mtime: float) -> SettingsPolicy:
    """A policy file read once while it is unchanged (``mtime``): a page counting every LA's settings reads
    each LA's policy, and parsing one takes a tenth of a second."""
    return load_settings_policy(path)


def settings_policy_names() -> list[str]:
    from headway import configuration

    return configuration.names("settings")
