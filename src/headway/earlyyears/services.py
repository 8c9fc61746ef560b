"""Changing the settings register: categorisation rounds and officers' decisions, the early-years team's
visits and notes, and settings causing concern. Every change is audited; a refusal says why in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import User
from headway.earlyyears.models import (
    Setting,
    SettingCausingConcern,
    SettingNoteOfVisit,
    SettingProposal,
    SettingRound,
    SettingVisit,
)
from headway.earlyyears.policy import SettingsPolicy, evidence_in_words
from headway.earlyyears.selectors import active_settings, evidence_for
from headway.refusals import RuleRefused
from headway.risk.policy import apply_policy
from headway.schools.models import LocalAuthority
from headway.visits.note_templates import note_template_named

NOTE_TEMPLATE = "early-years"


class SettingRuleError(RuleRefused):
    """The change asked for breaks a rule; the message says which."""


def round_run(
    *, local_authority: LocalAuthority, policy: SettingsPolicy, as_of: dt.date, by: User | None
) -> SettingRound:
    """Propose a category for every active setting of the authority under the settings policy."""
    policy.policy.refuse_outside_dates(as_of)
    if policy.policy.authority and policy.policy.authority != local_authority.code:
        raise SettingRuleError(
            f"The policy {policy.policy.title} is {policy.policy.authority}'s, not {local_authority.name}'s: "
            "choose your authority's settings policy."
        )
    settings = [
        s for s in active_settings(local_authority) if s.registration_date is None or s.registration_date <= as_of
    ]
    evidence = evidence_for(settings, as_of=as_of)
    with transaction.atomic():
        settings_round = SettingRound.objects.create(
            local_authority=local_authority,
            policy_name=policy.policy.name,
            policy_version=policy.policy.version,
            policy_title=policy.policy.title,
            as_of=as_of,
            opened_by=by,
        )
        proposals = []
        for setting in settings:
            proposal = apply_policy(policy.policy, evidence[setting.pk])
            proposals.append(
                SettingProposal(
                    round=settings_round,
                    setting=setting,
                    category=proposal.category.code,
                    category_label=proposal.category.label,
                    causing_concern=proposal.causing_concern,
                    reasons=[
                        {"label": r.label, "evidence": _jsonable(r.evidence), "words": evidence_in_words(r.evidence)}
                        for r in proposal.reasons
                    ],
                )
            )
        SettingProposal.objects.bulk_create(proposals)
        audit.record(
            actor=by,
            actor_name="" if by else "headway settings categorise",
            verb="settings_round.opened",
            target=settings_round,
            after={"policy": policy.policy.name, "as_of": as_of, "settings": len(proposals)},
        )
    return settings_round


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def proposal_decide(
    *, proposal: SettingProposal, policy: SettingsPolicy, category: str, by: User, reason: str = ""
) -> SettingProposal:
    """Confirm the proposed category, or put the setting in another with a reason. A decision is final: a
    later round decides again."""
    if proposal.decided_at is not None:
        raise SettingRuleError("This proposal has already been decided; the next round decides again.")
    codes = {c.code for c in policy.policy.categories}
    if category not in codes:
        raise SettingRuleError(f"{category!r} is not one of the policy's categories.")
    if category != proposal.category and not reason.strip():
        raise SettingRuleError("Putting a setting in another category than the one proposed needs a reason.")
    with transaction.atomic():
        proposal.decided_category = category
        proposal.decided_by = by
        proposal.decided_at = timezone.now()
        proposal.override_reason = reason.strip()
        proposal.save(update_fields=["decided_category", "decided_by", "decided_at", "override_reason"])
        audit.record(
            actor=by,
            verb="settings_category.overridden" if category != proposal.category else "settings_category.confirmed",
            target=proposal.setting,
            before={"proposed": proposal.category},
            after={"category": category},
            reason=reason,
        )
    return proposal


def visit_plan(*, setting: Setting, officer: User, planned_on: dt.date, purpose: str, by: User) -> SettingVisit:
    if not purpose.strip():
        raise SettingRuleError("Say what the visit is for.")
    with transaction.atomic():
        visit = SettingVisit.objects.create(setting=setting, officer=officer, planned_on=planned_on, purpose=purpose)
        audit.record(
            actor=by,
            verb="setting_visit.planned",
            target=visit,
            after={"setting": setting.provider_urn, "planned_on": planned_on, "officer": officer.get_full_name()},
        )
    return visit


def note_write(
    *, visit: SettingVisit, sections: dict[str, str], judgements: dict[str, str], next_steps: str, by: User
) -> SettingNoteOfVisit:
    """The note of a setting visit, laid out by the early-years template; writing it marks the visit done."""
    template = note_template_named(NOTE_TEMPLATE)
    if hasattr(visit, "note"):
        raise SettingRuleError("This visit already has a note of visit.")
    if visit.status == SettingVisit.Status.CANCELLED:
        raise SettingRuleError("The visit was cancelled: it cannot have a note.")
    known = {s.key for s in template.sections}
    missing = [s.label for s in template.sections if not s.optional and not sections.get(s.key, "").strip()]
    if missing:
        raise SettingRuleError(f"Write the note's {', '.join(missing).lower()}.")
    areas = {a.key for a in template.areas}
    for area, judgement in judgements.items():
        if area not in areas or (judgement and judgement not in template.judgements):
            raise SettingRuleError(f"{judgement!r} is not a judgement this note can give.")
    with transaction.atomic():
        note = SettingNoteOfVisit.objects.create(
            visit=visit,
            template_name=template.name,
            sections={k: v for k, v in sections.items() if k in known},
            judgements={k: v for k, v in judgements.items() if v},
            next_steps=next_steps,
            author=by,
        )
        visit.status = SettingVisit.Status.DONE
        visit.save(update_fields=["status"])
        audit.record(actor=by, verb="setting_note.written", target=visit, after={"note": note.pk, "status": "done"})
    return note


def concern_open(
    *, setting: Setting, since: dt.date, reasons: str, lead_officer: User, by: User
) -> SettingCausingConcern:
    if not reasons.strip():
        raise SettingRuleError("Say why the setting causes concern.")
    with transaction.atomic():
        # The setting's row is locked: a setting not causing concern has no concern row to lock.
        Setting.objects.select_for_update().filter(pk=setting.pk).exists()
        if SettingCausingConcern.objects.filter(setting=setting, removed_on__isnull=True).exists():
            raise SettingRuleError(f"{setting.display_name} is already causing concern.")
        concern = SettingCausingConcern.objects.create(
            setting=setting, since=since, reasons=reasons, lead_officer=lead_officer
        )
        audit.record(
            actor=by,
            verb="setting_concern.opened",
            target=concern,
            after={"since": since, "lead_officer": lead_officer.get_full_name() or lead_officer.get_username()},
            reason=reasons,
        )
    return concern


def concern_remove(
    *, concern: SettingCausingConcern, removed_on: dt.date, reason: str, by: User
) -> SettingCausingConcern:
    if not reason.strip():
        raise SettingRuleError("Say why the setting no longer causes concern.")
    with transaction.atomic():
        # Locked and read again, so that two people removing it at once record one removal, not two.
        concern = SettingCausingConcern.objects.select_for_update().get(pk=concern.pk)
        if not concern.is_open:
            raise SettingRuleError("This setting is no longer causing concern.")
        if removed_on < concern.since:
            raise SettingRuleError("The setting cannot stop causing concern before it started.")
        concern.removed_on = removed_on
        concern.removal_reason = reason
        concern.save(update_fields=["removed_on", "removal_reason"])
        audit.record(
            actor=by, verb="setting_concern.removed", target=concern, after={"removed_on": removed_on}, reason=reason
        )
    return concern
