"""Everything that changes the schools-causing-concern records. Each function checks the rules
(``headway.concerns.rules`` and the LA's policy), writes in one transaction and records who, when, what
changed and why through the audit service. Nothing here edits or deletes a decision: a later one supersedes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import Role, User
from headway.accounts.notices import person_name
from headway.concerns import rules
from headway.concerns.models import (
    AcademyContact,
    ActionPlan,
    BrokeredSupport,
    ConcernJudgement,
    ConcernStatus,
    DecisionKind,
    Letter,
    Milestone,
    MilestoneProgress,
    MonitoringMeeting,
    PlanAction,
    PlanReview,
    ReviewGroupDecision,
    ReviewGroupMeeting,
    SchoolCausingConcern,
    StatementOfAction,
    StatutoryPower,
    WarningNotice,
)
from headway.concerns.policy import ConcernPolicy, concern_policy_in_force
from headway.refusals import RuleRefused
from headway.schools.models import Establishment, LocalAuthority


class ConcernRuleError(RuleRefused):
    """The record asked for breaks a rule; the message says which, in the users' words."""


def _policy(policy: ConcernPolicy | None, on: dt.date | None = None) -> ConcernPolicy:
    """The policy given, or the shipped one in force on the day (today by default)."""
    return policy if policy is not None else concern_policy_in_force(on or timezone.localdate())


def concern_state(concern: SchoolCausingConcern) -> dict[str, Any]:
    return {
        "status": concern.status,
        "lead_officer": concern.lead_officer.get_username() if concern.lead_officer else None,
        "eligible_since": concern.eligible_since,
        "eligibility_ground": concern.eligibility_ground,
        "removed_on": concern.removed_on,
        "removal_reason": concern.removal_reason,
    }


def _save_state(concern: SchoolCausingConcern, *, by: User, verb: str, reason: str, **changes: Any) -> None:
    before = concern_state(concern)
    for field, value in changes.items():
        setattr(concern, field, value)
    concern.save()
    old, new = audit.changes(before, concern_state(concern))
    audit.record(actor=by, verb=verb, target=concern, before=old, after=new, reason=reason)


def open_concern(establishment: Establishment) -> SchoolCausingConcern | None:
    return establishment.concerns.exclude(status=ConcernStatus.REMOVED).first()


# Review group meetings -------------------------------------------------------------------------------------------


def meeting_schedule(*, local_authority: LocalAuthority, held_on: dt.date, by: User) -> ReviewGroupMeeting:
    with transaction.atomic():
        meeting = ReviewGroupMeeting.objects.create(local_authority=local_authority, held_on=held_on, created_by=by)
        audit.record(actor=by, verb="review group meeting scheduled", target=meeting, after={"held_on": held_on})
    return meeting


def agenda_prepare(*, meeting: ReviewGroupMeeting, by: User, policy: ConcernPolicy | None = None) -> ReviewGroupMeeting:
    """Takes the agenda's snapshot (``selectors.agenda_for``); a second preparation replaces the snapshot and
    the audit trail keeps the first."""
    from headway.concerns.selectors import agenda_for

    agenda = agenda_for(meeting, _policy(policy, meeting.held_on))
    with transaction.atomic():
        before = {"agenda_prepared_at": meeting.agenda_prepared_at, "agenda": meeting.agenda or None}
        meeting.agenda = agenda
        meeting.agenda_prepared_at = timezone.now()
        meeting.save(update_fields=["agenda", "agenda_prepared_at"])
        audit.record(
            actor=by,
            verb="review group agenda prepared",
            target=meeting,
            before=before,
            after={"agenda_prepared_at": meeting.agenda_prepared_at, "items": len(agenda.get("schools", []))},
        )
    return meeting


def minutes_record(*, meeting: ReviewGroupMeeting, attendees: str, minutes: str, by: User, reason: str = "") -> None:
    if not attendees.strip() or not minutes.strip():
        raise ConcernRuleError("Minutes need the attendees and the minutes themselves.")
    if meeting.minutes and not reason.strip():
        raise ConcernRuleError("The minutes are already recorded; say why you are correcting them.")
    with transaction.atomic():
        before = {"attendees": meeting.attendees, "minutes": meeting.minutes}
        meeting.attendees = attendees.strip()
        meeting.minutes = minutes.strip()
        meeting.minutes_recorded_at = timezone.now()
        meeting.save(update_fields=["attendees", "minutes", "minutes_recorded_at"])
        old, new = audit.changes(before, {"attendees": meeting.attendees, "minutes": meeting.minutes})
        audit.record(
            actor=by, verb="review group minutes recorded", target=meeting, before=old, after=new, reason=reason
        )


def _decision(
    *,
    meeting: ReviewGroupMeeting,
    establishment: Establishment,
    concern: SchoolCausingConcern | None,
    kind: str,
    reasons: str,
    discussed_with_head_on: dt.date | None,
    by: User,
) -> ReviewGroupDecision:
    if establishment.local_authority_id != meeting.local_authority_id:
        raise ConcernRuleError(f"{establishment.name} is not one of this review group's schools.")
    if not reasons.strip():
        raise ConcernRuleError("A decision needs its reasons.")
    if discussed_with_head_on is None:
        raise ConcernRuleError(
            "Record when the decision was discussed with the headteacher: the review group decides only after that."
        )
    if discussed_with_head_on > meeting.held_on:
        raise ConcernRuleError(
            f"The headteacher must be spoken to first: {discussed_with_head_on:%-d %B %Y} is after the meeting "
            f"of {meeting.held_on:%-d %B %Y}."
        )
    decision = ReviewGroupDecision.objects.create(
        meeting=meeting,
        establishment=establishment,
        concern=concern,
        kind=kind,
        reasons=reasons.strip(),
        discussed_with_head_on=discussed_with_head_on,
        decided_by=by,
    )
    audit.record(
        actor=by,
        verb=f"review group decision: {kind}",
        target=decision,
        after={
            "school": establishment.urn,
            "meeting": meeting.held_on,
            "decision": kind,
            "discussed_with_head_on": discussed_with_head_on,
        },
        reason=reasons,
    )
    return decision


def _letters(
    *,
    concern: SchoolCausingConcern,
    kind: str,
    by: User,
    dated: dt.date,
    decision: ReviewGroupDecision | None = None,
    warning_notice: WarningNotice | None = None,
) -> list[Letter]:
    from headway.concerns.letters import letters_write

    letters = letters_write(
        concern=concern, kind=kind, by=by, dated=dated, decision=decision, warning_notice=warning_notice
    )
    for letter in letters:
        audit.record(
            actor=by,
            verb="letter generated",
            target=letter,
            after={"kind": kind, "recipient": letter.recipient, "addressee": letter.addressee, "dated": dated},
        )
    from headway.concerns.notices import letters_issued

    letters_issued(concern, letters)
    return letters


def _default_triggers(establishment: Establishment) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from headway.risk.selectors import latest_proposal

    proposal = latest_proposal(establishment)
    if proposal is None:
        return [], {}
    triggers = [{"name": t.get("name", ""), "label": t.get("label", "")} for t in proposal.triggers]
    return triggers, dict(proposal.evidence)


def designate(
    *,
    meeting: ReviewGroupMeeting,
    establishment: Establishment,
    reasons: str,
    discussed_with_head_on: dt.date | None,
    by: User,
    triggers: Sequence[Mapping[str, Any]] | None = None,
    lead_officer: User | None = None,
    policy: ConcernPolicy | None = None,
) -> ReviewGroupDecision:
    """The review group designates the school as causing concern (the informal warning). Letters go to the
    headteacher and chair (for an academy, the concern is raised with them before the trust)."""
    policy = _policy(policy)
    current = open_concern(establishment)
    if current is not None:
        raise ConcernRuleError(
            f"{establishment.name} has been causing concern since {current.designated_on:%-d %B %Y}; "
            "record a decision to keep it instead."
        )
    found_triggers, evidence = _default_triggers(establishment)
    chosen = [dict(t) for t in triggers] if triggers is not None else found_triggers
    if not chosen:
        raise ConcernRuleError(
            "Designation needs at least one trigger: run a categorisation round, or name the trigger."
        )
    if lead_officer is not None:
        _check_lead_officer(lead_officer, establishment)
    with transaction.atomic():
        concern = SchoolCausingConcern.objects.create(
            establishment=establishment,
            designated_on=meeting.held_on,
            triggers=chosen,
            evidence=evidence,
            lead_officer=lead_officer,
        )
        decision = _decision(
            meeting=meeting,
            establishment=establishment,
            concern=concern,
            kind=DecisionKind.DESIGNATE,
            reasons=reasons,
            discussed_with_head_on=discussed_with_head_on,
            by=by,
        )
        audit.record(
            actor=by,
            verb="designated as causing concern",
            target=concern,
            after={**concern_state(concern), "designated_on": concern.designated_on, "triggers": chosen},
            reason=reasons,
        )
        if rules.is_academy(establishment):
            letters = _letters(
                concern=concern, kind=Letter.Kind.ACADEMY_CONCERN, by=by, dated=meeting.held_on, decision=decision
            )
            for letter in letters:
                raised = AcademyContact.RaisedWith(letter.recipient)
                _contact(
                    concern=concern,
                    raised_with=raised,
                    sent_on=meeting.held_on,
                    what_was_sent=f"Letter: {letter.subject}",
                    by=by,
                )
        else:
            _letters(concern=concern, kind=Letter.Kind.DESIGNATION, by=by, dated=meeting.held_on, decision=decision)
        eligibility_refresh(concern=concern, by=by, policy=policy)
    return decision


def keep(
    *,
    meeting: ReviewGroupMeeting,
    concern: SchoolCausingConcern,
    reasons: str,
    discussed_with_head_on: dt.date | None,
    by: User,
) -> ReviewGroupDecision:
    if not concern.is_open:
        raise ConcernRuleError(f"{concern.establishment.name} is no longer on the register.")
    with transaction.atomic():
        return _decision(
            meeting=meeting,
            establishment=concern.establishment,
            concern=concern,
            kind=DecisionKind.KEEP,
            reasons=reasons,
            discussed_with_head_on=discussed_with_head_on,
            by=by,
        )


def remove(
    *,
    meeting: ReviewGroupMeeting,
    concern: SchoolCausingConcern,
    reasons: str,
    discussed_with_head_on: dt.date | None,
    by: User,
    policy: ConcernPolicy | None = None,
) -> ReviewGroupDecision:
    """Removes the school from the register when improvement is secure; refused while the removal rule holds
    it (judged requires improvement or inadequate, no later good inspection)."""
    policy = _policy(policy)
    if not concern.is_open:
        raise ConcernRuleError(f"{concern.establishment.name} is no longer on the register.")
    blocker = rules.removal_blocker(concern, policy)
    if blocker is not None:
        raise ConcernRuleError(blocker)
    if concern.warning_notices.filter(outcome=WarningNotice.Outcome.OPEN).exists():
        raise ConcernRuleError(
            f"{concern.establishment.name} has a warning notice whose outcome is not recorded: record whether it "
            "was complied with before removing the school."
        )
    with transaction.atomic():
        decision = _decision(
            meeting=meeting,
            establishment=concern.establishment,
            concern=concern,
            kind=DecisionKind.REMOVE,
            reasons=reasons,
            discussed_with_head_on=discussed_with_head_on,
            by=by,
        )
        _save_state(
            concern,
            by=by,
            verb="removed from the register",
            reason=reasons,
            status=ConcernStatus.REMOVED,
            removed_on=meeting.held_on,
            removal_reason=reasons.strip(),
        )
        _letters(concern=concern, kind=Letter.Kind.REMOVAL, by=by, dated=meeting.held_on, decision=decision)
    return decision


# Lead officer and judgements -------------------------------------------------------------------------------------


def _check_lead_officer(officer: User, establishment: Establishment) -> None:
    if not officer.is_active or officer.role not in {Role.LA_ADMIN, Role.LA_OFFICER}:
        raise ConcernRuleError(f"{person_name(officer)} is not an officer of the LA.")
    if officer.local_authority_id != establishment.local_authority_id:
        raise ConcernRuleError(f"{person_name(officer)} is not an officer of {establishment.local_authority.name}.")


def lead_officer_assign(*, concern: SchoolCausingConcern, officer: User, reason: str, by: User) -> None:
    _check_lead_officer(officer, concern.establishment)
    if not reason.strip():
        raise ConcernRuleError("Say why the lead officer is being assigned or changed.")
    with transaction.atomic():
        _save_state(concern, by=by, verb="lead officer assigned", reason=reason, lead_officer=officer)


def judgement_record(
    *, concern: SchoolCausingConcern, kind: str, value: bool, made_on: dt.date, reason: str, by: User
) -> ConcernJudgement:
    if kind not in ConcernJudgement.Kind.values:
        raise ConcernRuleError(f"Unknown judgement {kind!r}.")
    if not reason.strip():
        raise ConcernRuleError("A judgement needs its reason.")
    with transaction.atomic():
        judgement = ConcernJudgement.objects.create(
            concern=concern, kind=kind, value=value, made_on=made_on, reason=reason.strip(), author=by
        )
        audit.record(
            actor=by,
            verb="concern judgement recorded",
            target=concern,
            after={"judgement": kind, "value": value, "made_on": made_on},
            reason=reason,
        )
    return judgement


# Warning notices, eligibility, statutory powers, statements of action -------------------------------------------------


def warning_notice_issue(
    *,
    meeting: ReviewGroupMeeting,
    concern: SchoolCausingConcern,
    ground: str,
    reasons: str,
    required_action: str,
    discussed_with_head_on: dt.date | None,
    by: User,
    compliance_working_days: int | None = None,
    policy: ConcernPolicy | None = None,
) -> WarningNotice:
    """The review group issues a formal warning notice, stating its statutory ground and compliance period.
    Only for maintained schools, and only when the policy proposes one."""
    policy = _policy(policy)
    school = concern.establishment
    if not concern.is_open:
        raise ConcernRuleError(f"{school.name} is not causing concern; designate it first.")
    if policy.warning_notice_maintained_only and not rules.is_maintained(school):
        raise ConcernRuleError(
            f"{school.name} is not a maintained school: the LA cannot issue it a warning notice. For an academy, "
            "raise the concern with the trust and escalate to the regional director."
        )
    if concern.warning_notices.filter(outcome=WarningNotice.Outcome.OPEN).exists():
        raise ConcernRuleError(f"{school.name} already has a warning notice whose outcome is not recorded.")
    if ground not in policy.grounds:
        raise ConcernRuleError(f"Choose the statutory ground: one of {', '.join(policy.grounds)}.")
    days = compliance_working_days if compliance_working_days is not None else policy.compliance_default_days
    if days < policy.compliance_minimum_days:
        raise ConcernRuleError(f"The compliance period must be at least {policy.compliance_minimum_days} working days.")
    if not required_action.strip():
        raise ConcernRuleError("Say what the governing body must do to comply.")
    proposals = rules.warning_notice_reasons(concern, policy, meeting.held_on)
    if not proposals:
        raise ConcernRuleError(
            "The policy does not propose a formal warning notice: record that the school has not engaged, has not "
            "secured a recommended pupil premium or governance review, or has been causing concern for more than "
            "12 months and is unlikely to become good within 6 months."
        )
    with transaction.atomic():
        decision = _decision(
            meeting=meeting,
            establishment=school,
            concern=concern,
            kind=DecisionKind.WARNING_NOTICE,
            reasons=reasons,
            discussed_with_head_on=discussed_with_head_on,
            by=by,
        )
        notice = WarningNotice.objects.create(
            concern=concern,
            decision=decision,
            ground=ground,
            ground_label=policy.grounds[ground],
            reasons=reasons.strip(),
            required_action=required_action.strip(),
            issued_on=meeting.held_on,
            compliance_working_days=days,
            compliance_ends_on=rules.add_working_days(meeting.held_on, days),
            issued_by=by,
        )
        audit.record(
            actor=by,
            verb="warning notice issued",
            target=notice,
            after={
                "ground": ground,
                "issued_on": notice.issued_on,
                "compliance_ends_on": notice.compliance_ends_on,
                "proposed_because": [p.rule.name for p in proposals],
            },
            reason=reasons,
        )
        if concern.status == ConcernStatus.CAUSING_CONCERN:  # an eligible school stays eligible
            _save_state(
                concern, by=by, verb="formal warning notice", reason=reasons, status=ConcernStatus.WARNING_NOTICE
            )
        _letters(
            concern=concern,
            kind=Letter.Kind.WARNING_NOTICE,
            by=by,
            dated=meeting.held_on,
            decision=decision,
            warning_notice=notice,
        )
    return notice


def warning_notice_outcome(*, notice: WarningNotice, complied: bool, on: dt.date, reason: str, by: User) -> None:
    if notice.outcome != WarningNotice.Outcome.OPEN:
        raise ConcernRuleError("This warning notice's outcome is already recorded.")
    if not reason.strip():
        raise ConcernRuleError("Say why.")
    if not complied and on <= notice.compliance_ends_on:
        raise ConcernRuleError(
            f"The compliance period runs until {notice.compliance_ends_on:%-d %B %Y}: non-compliance can be recorded "
            "only after it ends."
        )
    with transaction.atomic():
        before = {"outcome": notice.outcome, "outcome_on": notice.outcome_on}
        notice.outcome = WarningNotice.Outcome.COMPLIED if complied else WarningNotice.Outcome.NOT_COMPLIED
        notice.outcome_on = on
        notice.save(update_fields=["outcome", "outcome_on"])
        audit.record(
            actor=by,
            verb="warning notice outcome",
            target=notice,
            before=before,
            after={"outcome": notice.outcome, "outcome_on": on},
            reason=reason,
        )
        if complied and notice.concern.status == ConcernStatus.WARNING_NOTICE:
            _save_state(
                notice.concern,
                by=by,
                verb="warning notice complied with",
                reason=reason,
                status=ConcernStatus.CAUSING_CONCERN,
            )


def eligibility_notice_give(
    *, notice: WarningNotice, on: dt.date, reason: str, by: User, policy: ConcernPolicy | None = None
) -> None:
    """The LA gives written notice that the school, having not complied, is eligible for intervention."""
    policy = _policy(policy)
    if notice.outcome != WarningNotice.Outcome.NOT_COMPLIED:
        raise ConcernRuleError("Written notice of eligibility follows only a warning notice not complied with.")
    if notice.eligibility_notice_on is not None:
        raise ConcernRuleError("Written notice of eligibility has already been given.")
    if notice.outcome_on is not None and on < notice.outcome_on:
        raise ConcernRuleError("Written notice of eligibility cannot be dated before the non-compliance was recorded.")
    if not reason.strip():
        raise ConcernRuleError("Say why written notice of eligibility is given.")
    with transaction.atomic():
        notice.eligibility_notice_on = on
        notice.save(update_fields=["eligibility_notice_on"])
        audit.record(
            actor=by,
            verb="written notice of eligibility given",
            target=notice,
            before={"eligibility_notice_on": None},
            after={"eligibility_notice_on": on},
            reason=reason,
        )
        eligibility_refresh(concern=notice.concern, by=by, policy=policy)
        _letters(concern=notice.concern, kind=Letter.Kind.ELIGIBILITY, by=by, dated=on, warning_notice=notice)


def eligibility_refresh(
    *, concern: SchoolCausingConcern, by: User, policy: ConcernPolicy | None = None
) -> rules.Eligibility | None:
    """Records (audited) that the school has become eligible for intervention when the rules say so."""
    policy = _policy(policy)
    found = rules.eligibility(concern, policy)
    if found is not None and (concern.eligible_since != found.since or concern.status != ConcernStatus.ELIGIBLE):
        with transaction.atomic():
            _save_state(
                concern,
                by=by,
                verb="eligible for intervention",
                reason=found.ground_label,
                status=ConcernStatus.ELIGIBLE,
                eligible_since=found.since,
                eligibility_ground=found.ground_label,
            )
    return found


def power_use(
    *,
    concern: SchoolCausingConcern,
    power: str,
    decided_on: dt.date,
    starts_on: dt.date,
    notes: str,
    by: User,
    policy: ConcernPolicy | None = None,
) -> StatutoryPower:
    """Records the use of a statutory power of intervention: maintained schools eligible for intervention only."""
    policy = _policy(policy)
    school = concern.establishment
    if not rules.is_maintained(school):
        raise ConcernRuleError(f"The LA has no powers of intervention in {school.name}: it is not a maintained school.")
    if power not in policy.statutory_powers:
        raise ConcernRuleError(f"Unknown power {power!r}; the powers are {', '.join(policy.statutory_powers)}.")
    found = rules.eligibility(concern, policy)
    if found is None:
        raise ConcernRuleError(
            f"{school.name} is not eligible for intervention: it must have failed to comply with a warning notice "
            "after written notice, or been judged to need special measures or significant improvement."
        )
    if decided_on < found.since:
        raise ConcernRuleError(f"{school.name} became eligible for intervention only on {found.since:%-d %B %Y}.")
    if starts_on < decided_on:
        raise ConcernRuleError("A power cannot start before it is decided.")
    rule = policy.statutory_powers[power]
    with transaction.atomic():
        eligibility_refresh(concern=concern, by=by, policy=policy)
        used = StatutoryPower.objects.create(
            concern=concern,
            power=power,
            power_label=f"{rule.label} ({rule.section})",
            decided_on=decided_on,
            starts_on=starts_on,
            notes=notes.strip(),
            recorded_by=by,
        )
        audit.record(
            actor=by,
            verb="statutory power used",
            target=used,
            after={"power": power, "decided_on": decided_on, "starts_on": starts_on, "eligible_because": found.ground},
            reason=notes,
        )
    return used


def power_end(*, power: StatutoryPower, ends_on: dt.date, reason: str, by: User) -> None:
    """Record the end of a statutory power of intervention: the day it ends (not before it started; a planned
    end may be in the future) and the reason, which the case page shows and the audit trail keeps."""
    if power.ends_on is not None:
        raise ConcernRuleError(f"This power's end is already recorded: it ended on {power.ends_on:%-d %B %Y}.")
    problems = []
    if ends_on < power.starts_on:
        problems.append(f"The power cannot end before it started on {power.starts_on:%-d %B %Y}.")
    if not reason.strip():
        problems.append("Give the reason the power ends.")
    if problems:
        raise ConcernRuleError(*problems)
    with transaction.atomic():
        power.ends_on, power.end_reason = ends_on, reason.strip()
        power.save(update_fields=["ends_on", "end_reason"])
        audit.record(
            actor=by,
            verb="statutory power ended",
            target=power,
            before={"ends_on": None},
            after={"ends_on": ends_on},
            reason=reason,
        )


def statement_of_action_record(
    *,
    concern: SchoolCausingConcern,
    by: User,
    submitted_on: dt.date | None = None,
    summary: str = "",
    visits_per_year: int | None = None,
    policy: ConcernPolicy | None = None,
) -> StatementOfAction:
    """Records the statement of action a maintained school in special measures or with serious weaknesses needs."""
    policy = _policy(policy)
    inspection = rules.statement_of_action_inspection(concern, policy)
    if inspection is None:
        raise ConcernRuleError(
            "A statement of action is for a maintained school in special measures or with serious weaknesses."
        )
    with transaction.atomic():
        statement, created = StatementOfAction.objects.get_or_create(
            concern=concern,
            inspection=inspection,
            defaults={
                "category": inspection.category_of_concern,
                "due_on": rules.statement_of_action_due(inspection, policy),
                "visits_per_year": visits_per_year or policy.statement_visits_per_year,
                "recorded_by": by,
            },
        )
        before = {
            "submitted_on": statement.submitted_on,
            "summary": statement.summary,
            "visits_per_year": statement.visits_per_year,
        }
        if submitted_on is not None:
            statement.submitted_on = submitted_on
        if summary:
            statement.summary = summary.strip()
        if visits_per_year is not None:
            statement.visits_per_year = visits_per_year
        statement.save()
        after = {
            "submitted_on": statement.submitted_on,
            "summary": statement.summary,
            "visits_per_year": statement.visits_per_year,
        }
        old, new = audit.changes(before, after)
        audit.record(
            actor=by,
            verb="statement of action recorded" if created else "statement of action updated",
            target=statement,
            before=None if created else old,
            after={"category": statement.category, "due_on": statement.due_on, **after} if created else new,
        )
    return statement


def statements_of_action_ensure(
    *, local_authority: LocalAuthority, by: User, policy: ConcernPolicy | None = None
) -> int:
    """Opens a statement of action (due date set, not yet submitted) for every open concern that needs one."""
    policy = _policy(policy)
    made = 0
    for concern in SchoolCausingConcern.objects.filter(establishment__local_authority=local_authority).exclude(
        status=ConcernStatus.REMOVED
    ):
        inspection = rules.statement_of_action_inspection(concern, policy)
        if inspection is not None and not concern.statements_of_action.filter(inspection=inspection).exists():
            statement_of_action_record(concern=concern, by=by, policy=policy)
            made += 1
    return made


# Action plans, reviews, monitoring ---------------------------------------------------------------------------------


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConcernRuleError(f"{what}: {value!r} is not a date.") from exc


def action_plan_record(
    *,
    concern: SchoolCausingConcern,
    key_issues: str,
    where_in_a_year: str,
    monitoring_arrangements: str,
    agreed_on: dt.date,
    milestones: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]],
    support: Sequence[Mapping[str, Any]] = (),
    by: User,
    change_reason: str = "",
) -> ActionPlan:
    """Records the first version of the action plan, or a new version that supersedes the last (with a reason)."""
    if not concern.is_open:
        raise ConcernRuleError(f"{concern.establishment.name} is no longer on the register.")
    for value, what in (
        (key_issues, "key issues"),
        (where_in_a_year, "where the school wants to be in a year"),
        (monitoring_arrangements, "monitoring arrangements"),
    ):
        if not value.strip():
            raise ConcernRuleError(f"The action plan needs its {what}.")
    if not milestones:
        raise ConcernRuleError("The action plan needs at least one interim milestone.")
    if not actions:
        raise ConcernRuleError("The action plan needs the actions of the school and of the LA.")
    last = concern.plans.order_by("-version").first()
    if last is not None and not change_reason.strip():
        raise ConcernRuleError("Say why the plan is being revised: the earlier version is kept.")
    with transaction.atomic():
        plan = ActionPlan.objects.create(
            concern=concern,
            version=(last.version + 1) if last else 1,
            key_issues=key_issues.strip(),
            where_in_a_year=where_in_a_year.strip(),
            monitoring_arrangements=monitoring_arrangements.strip(),
            agreed_on=agreed_on,
            change_reason=change_reason.strip(),
            created_by=by,
        )
        for item in milestones:
            if not str(item.get("title", "")).strip():
                raise ConcernRuleError("Every milestone needs a title.")
            Milestone.objects.create(
                plan=plan,
                title=str(item["title"]).strip(),
                due_on=_date(item.get("due_on"), "milestone date"),
                success_criteria=str(item.get("success_criteria", "")).strip(),
            )
        for item in actions:
            if item.get("by") not in PlanAction.By.values or not str(item.get("description", "")).strip():
                raise ConcernRuleError("Every action needs who (the school or the LA) and what.")
            PlanAction.objects.create(
                plan=plan,
                by=item["by"],
                description=str(item["description"]).strip(),
                owner=str(item.get("owner", "")).strip(),
                due_on=_date(item["due_on"], "action date") if item.get("due_on") else None,
            )
        for item in support:
            if item.get("paid_by") not in BrokeredSupport.PaidBy.values or not str(item.get("provider", "")).strip():
                raise ConcernRuleError("Brokered support needs its provider and who pays.")
            BrokeredSupport.objects.create(
                plan=plan,
                provider=str(item["provider"]).strip(),
                description=str(item.get("description", "")).strip(),
                hours=Decimal(str(item.get("hours", 0))),
                cost=Decimal(str(item.get("cost", 0))),
                paid_by=item["paid_by"],
            )
        audit.record(
            actor=by,
            verb="action plan recorded" if last is None else "action plan revised",
            target=plan,
            before={"version": last.version} if last else None,
            after={
                "version": plan.version,
                "agreed_on": agreed_on,
                "milestones": [m.title for m in plan.milestones.all()],
                "actions": plan.actions.count(),
                "support": [f"{s.provider}: {s.hours} h, £{s.cost} ({s.paid_by})" for s in plan.support.all()],
            },
            reason=change_reason,
        )
    return plan


def plan_review_record(
    *,
    plan: ActionPlan,
    reviewed_on: dt.date,
    progress: Mapping[int, tuple[str, str]],
    summary: str,
    next_steps: str,
    by: User,
) -> PlanReview:
    """A review of the current plan: every milestone RAG-rated, and the plan for the next period agreed."""
    current = plan.concern.plans.order_by("-version").first()
    if current is None or current.pk != plan.pk:
        raise ConcernRuleError("Review the current version of the action plan.")
    if reviewed_on < plan.agreed_on:
        raise ConcernRuleError("A review cannot be before the plan was agreed.")
    milestones = list(plan.milestones.all())
    missing = [m.title for m in milestones if m.pk not in progress]
    if missing:
        raise ConcernRuleError(f"Rate progress on every milestone: missing {', '.join(missing)}.")
    if not summary.strip() or not next_steps.strip():
        raise ConcernRuleError("A review needs a summary and the plan agreed for the next period.")
    with transaction.atomic():
        review = PlanReview.objects.create(
            plan=plan, reviewed_on=reviewed_on, summary=summary.strip(), next_steps=next_steps.strip(), reviewed_by=by
        )
        for milestone in milestones:
            rag, comment = progress[milestone.pk]
            if rag not in {"red", "amber", "green"}:
                raise ConcernRuleError(f"{milestone.title}: rate red, amber or green.")
            MilestoneProgress.objects.create(review=review, milestone=milestone, rag=rag, comment=comment.strip())
        audit.record(
            actor=by,
            verb="action plan reviewed",
            target=review,
            after={
                "reviewed_on": reviewed_on,
                "plan_version": plan.version,
                "progress": {m.title: progress[m.pk][0] for m in milestones},
            },
            reason=summary,
        )
    return review


def monitoring_meeting_record(
    *, concern: SchoolCausingConcern, held_on: dt.date, chaired_by: str, attendees: str, notes: str, by: User
) -> MonitoringMeeting:
    if not chaired_by.strip() or not notes.strip():
        raise ConcernRuleError("A monitoring meeting needs who chaired it and its notes.")
    with transaction.atomic():
        meeting = MonitoringMeeting.objects.create(
            concern=concern,
            held_on=held_on,
            chaired_by=chaired_by.strip(),
            attendees=attendees.strip(),
            notes=notes.strip(),
            recorded_by=by,
        )
        audit.record(
            actor=by,
            verb="monitoring meeting recorded",
            target=meeting,
            after={"held_on": held_on, "chaired_by": chaired_by, "school": concern.establishment.urn},
        )
    return meeting


# Academies ------------------------------------------------------------------------------------------------------------


def _contact(
    *,
    concern: SchoolCausingConcern,
    raised_with: str,
    sent_on: dt.date,
    what_was_sent: str,
    by: User,
    policy: ConcernPolicy | None = None,
) -> AcademyContact:
    policy = _policy(policy)
    if not rules.is_academy(concern.establishment):
        raise ConcernRuleError(f"{concern.establishment.name} is not an academy.")
    if not what_was_sent.strip():
        raise ConcernRuleError("Record what was sent.")
    if raised_with in policy.academy_escalation:
        earlier = set(concern.academy_contacts.filter(sent_on__lte=sent_on).values_list("raised_with", flat=True))
        missing = [c for c in policy.academy_first_contacts if c not in earlier]
        if missing:
            names = [str(AcademyContact.RaisedWith(c).label).lower() for c in missing]
            names = [name if name.startswith("the ") else f"the {name}" for name in names]
            labels = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            raise ConcernRuleError(f"Raise the concern with {labels} before escalating it.")
    contact = AcademyContact.objects.create(
        concern=concern, raised_with=raised_with, sent_on=sent_on, what_was_sent=what_was_sent.strip(), recorded_by=by
    )
    audit.record(
        actor=by,
        verb="academy concern raised",
        target=contact,
        after={"raised_with": raised_with, "sent_on": sent_on, "what_was_sent": what_was_sent},
    )
    return contact


def academy_contact_record(
    *, concern: SchoolCausingConcern, raised_with: str, sent_on: dt.date, what_was_sent: str, by: User
) -> AcademyContact:
    if raised_with not in AcademyContact.RaisedWith.values:
        raise ConcernRuleError(f"Unknown contact {raised_with!r}.")
    with transaction.atomic():
        return _contact(concern=concern, raised_with=raised_with, sent_on=sent_on, what_was_sent=what_was_sent, by=by)


def academy_response_record(
    *, contact: AcademyContact, response: str, response_on: dt.date, by: User, trust_plan: str = ""
) -> None:
    if not response.strip():
        raise ConcernRuleError("Record the response.")
    with transaction.atomic():
        before = {"response": contact.response, "response_on": contact.response_on, "trust_plan": contact.trust_plan}
        contact.response = response.strip()
        contact.response_on = response_on
        contact.trust_plan = trust_plan.strip()
        contact.save(update_fields=["response", "response_on", "trust_plan"])
        after = {"response": contact.response, "response_on": response_on, "trust_plan": contact.trust_plan}
        old, new = audit.changes(before, after)
        audit.record(actor=by, verb="academy response recorded", target=contact, before=old, after=new)


def escalate(
    *,
    meeting: ReviewGroupMeeting,
    concern: SchoolCausingConcern,
    raised_with: str,
    what_was_sent: str,
    reasons: str,
    discussed_with_head_on: dt.date | None,
    by: User,
    policy: ConcernPolicy | None = None,
) -> ReviewGroupDecision:
    """The review group escalates a concern about an academy (to the regional director, ESFA or Ofsted)."""
    policy = _policy(policy)
    if not rules.is_academy(concern.establishment):
        raise ConcernRuleError("Escalation is for academies; for a maintained school use the LA's own powers.")
    if raised_with not in policy.academy_escalation:
        raise ConcernRuleError(f"Escalate to one of {', '.join(policy.academy_escalation)}.")
    with transaction.atomic():
        decision = _decision(
            meeting=meeting,
            establishment=concern.establishment,
            concern=concern,
            kind=DecisionKind.ESCALATE,
            reasons=reasons,
            discussed_with_head_on=discussed_with_head_on,
            by=by,
        )
        _contact(
            concern=concern,
            raised_with=raised_with,
            sent_on=meeting.held_on,
            what_was_sent=what_was_sent,
            by=by,
            policy=policy,
        )
    return decision
