"""Reading the settings register: each setting's evidence for the settings policy, and the summary the
strategy reports ("every setting good or outstanding", Barnet's 90% target)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from headway.earlyyears.models import Setting, SettingCausingConcern, SettingInspection, SettingProposal
from headway.earlyyears.policy import SettingsPolicy, settings_policy_named
from headway.inspections.selectors import age_in_months
from headway.policy_files import holds
from headway.schools.models import LocalAuthority


def active_settings(local_authority: LocalAuthority) -> QuerySet[Setting]:
    return Setting.objects.filter(local_authority=local_authority, status__iexact="active")


def evidence_for(settings: Sequence[Setting], *, as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Each setting's evidence (``policy.SETTING_EVIDENCE``) as it stood on ``as_of``, in one query."""
    inspections: dict[int, list[SettingInspection]] = {}
    ids = [s.pk for s in settings]
    for start in range(0, len(ids), 2000):
        for inspection in SettingInspection.objects.filter(
            setting_id__in=ids[start : start + 2000], inspected_on__lte=as_of
        ).order_by("inspected_on", "id"):
            inspections.setdefault(inspection.setting_id, []).append(inspection)
    found: dict[int, dict[str, Any]] = {}
    for setting in settings:
        history = inspections.get(setting.pk, [])
        latest = history[-1] if history else None
        previous = history[-2] if len(history) > 1 else None
        outcome = latest.outcome.lower() if latest else ""
        found[setting.pk] = {
            "inspected": latest is not None,
            "latest_grade": latest.overall_effectiveness if latest else None,
            "met_requirements": outcome == "met",
            "not_met": outcome.startswith("not met"),
            "safeguarding_met": latest.safeguarding_met if latest else None,
            "grade_age_years": round((as_of - latest.inspected_on).days / 365.25, 1) if latest else None,
            "previous_grade": previous.overall_effectiveness if previous else None,
            "provider_type": setting.provider_type,
            "months_registered": age_in_months(setting.registration_date, as_of)
            if setting.registration_date and setting.registration_date <= as_of
            else None,
        }
    return found


@dataclass(frozen=True)
class SettingsSummary:
    la: str
    as_of: dt.date
    settings: int
    inspected: int
    good_or_better: int
    by_type: dict[str, dict[str, Any]]

    @property
    def good_or_better_pct(self) -> float | None:
        return round(100 * self.good_or_better / self.inspected, 1) if self.inspected else None

    def as_json(self) -> dict[str, Any]:
        return {
            "la": self.la,
            "as_of": self.as_of.isoformat(),
            "settings": self.settings,
            "inspected": self.inspected,
            "good_or_better_pct": self.good_or_better_pct,
            "by_type": self.by_type,
        }


def settings_summary(
    local_authority: LocalAuthority, *, as_of: dt.date, policy: SettingsPolicy | None = None
) -> SettingsSummary:
    """Active settings (registered by ``as_of``), how many have been inspected, and the share of inspected
    settings good or better as the policy counts it, overall and by provider type."""
    policy = policy or settings_policy_named()
    settings = [
        s for s in active_settings(local_authority) if s.registration_date is None or s.registration_date <= as_of
    ]
    evidence = evidence_for(settings, as_of=as_of)
    totals: Counter[str] = Counter()
    by_type: dict[str, Counter[str]] = {}
    for setting in settings:
        facts = evidence[setting.pk]
        counter = by_type.setdefault(setting.provider_type, Counter())
        for bucket in (totals, counter):
            bucket["settings"] += 1
            if facts["inspected"]:
                bucket["inspected"] += 1
                if holds(policy.good_or_better, facts)[0]:
                    bucket["good_or_better"] += 1
    return SettingsSummary(
        la=local_authority.code,
        as_of=as_of,
        settings=totals["settings"],
        inspected=totals["inspected"],
        good_or_better=totals["good_or_better"],
        by_type={
            kind: {
                "settings": c["settings"],
                "inspected": c["inspected"],
                "good_or_better_pct": round(100 * c["good_or_better"] / c["inspected"], 1) if c["inspected"] else None,
            }
            for kind, c in sorted(by_type.items())
        },
    )


def settings_tallies(*, as_of: dt.date, la_code: str | None = None) -> dict[str, tuple[int, int]]:
    """(inspected, good or better) active settings of every LA (by code) on ``as_of``, each LA's good or better
    as its own settings policy counts it where it has one (else the default policy)."""
    from headway import configuration
    from headway.earlyyears.policy import settings_policy_named

    default = settings_policy_named()
    own = {}
    for name in configuration.names("settings"):
        policy = settings_policy_named(name)
        if policy.policy.authority:
            own[policy.policy.authority] = policy
    settings = Setting.objects.filter(status__iexact="active").select_related("local_authority")
    if la_code is not None:
        settings = settings.filter(local_authority__code=la_code)
    listed = [s for s in settings if s.registration_date is None or s.registration_date <= as_of]
    evidence = evidence_for(listed, as_of=as_of)
    found: dict[str, tuple[int, int]] = {}
    for setting in listed:
        facts = evidence[setting.pk]
        if not facts["inspected"]:
            continue
        code = setting.local_authority.code
        policy = own.get(code, default)
        inspected, good = found.get(code, (0, 0))
        found[code] = (inspected + 1, good + int(holds(policy.good_or_better, facts)[0]))
    return found


def latest_proposal(setting: Setting) -> SettingProposal | None:
    return setting.proposals.select_related("round").order_by("-round__as_of", "-round__opened_at").first()


def open_concern(setting: Setting) -> SettingCausingConcern | None:
    return setting.concerns.filter(removed_on__isnull=True).first()
