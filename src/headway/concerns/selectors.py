"""Reading the schools-causing-concern records: the register, one school's case, the review group's agenda
and the termly summary for the standards partnership board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from headway.accounts.notices import name_and_title
from headway.concerns import rules
from headway.concerns.models import (
    ActionPlan,
    BrokeredSupport,
    ConcernStatus,
    PlanReview,
    ReviewGroupDecision,
    ReviewGroupMeeting,
    SchoolCausingConcern,
    WarningNotice,
)
from headway.concerns.policy import ConcernPolicy
from headway.schools.models import Establishment, LocalAuthority


def risk_label(risk: Any) -> str:
    """The predicted probability that the next inspection is below good, as a percentage ("12.3%")."""
    if isinstance(risk, bool) or not isinstance(risk, int | float):
        return "-"
    return f"{risk * 100:.1f}%"


def register(local_authority: LocalAuthority, *, include_removed: bool = False) -> QuerySet[SchoolCausingConcern]:
    concerns = SchoolCausingConcern.objects.filter(establishment__local_authority=local_authority).select_related(
        "establishment", "lead_officer"
    )
    if not include_removed:
        concerns = concerns.exclude(status=ConcernStatus.REMOVED)
    return concerns.order_by("establishment__name", "-designated_on")


def register_rows(
    local_authority: LocalAuthority, policy: ConcernPolicy, today: dt.date, *, include_removed: bool = False
) -> list[dict[str, Any]]:
    """The register's lines (the page, the review group's agenda and the API): each school's concern, months on
    the register, open warning notice, and when its plan's review is due and whether that is overdue."""
    rows: list[dict[str, Any]] = []
    for concern in register(local_authority, include_removed=include_removed):
        due = rules.plan_review_due(concern, policy) if concern.is_open else None
        rows.append(
            {
                "concern": concern,
                "months": rules.months_between(concern.designated_on, concern.removed_on or today),
                "notice": open_warning_notice(concern),
                "review_due": due,
                "overdue": due is not None and due < today,
            }
        )
    return rows


def current_plan(concern: SchoolCausingConcern) -> ActionPlan | None:
    return concern.plans.order_by("-version").prefetch_related("milestones", "actions", "support").first()


def latest_review(concern: SchoolCausingConcern) -> PlanReview | None:
    return (
        PlanReview.objects.filter(plan__concern=concern)
        .prefetch_related("progress__milestone")
        .order_by("-reviewed_on", "-id")
        .first()
    )


def open_warning_notice(concern: SchoolCausingConcern) -> WarningNotice | None:
    return concern.warning_notices.exclude(outcome=WarningNotice.Outcome.COMPLIED).order_by("-issued_on").first()


def rag_counts(review: PlanReview | None) -> dict[str, int]:
    counts = {"red": 0, "amber": 0, "green": 0}
    if review is not None:
        for progress in review.progress.all():
            counts[progress.rag] += 1
    return counts


def support_totals(concern: SchoolCausingConcern) -> tuple[Decimal, Decimal]:
    """Hours and cost of the support brokered in the current plan."""
    plan = current_plan(concern)
    if plan is None:
        return Decimal(0), Decimal(0)
    totals = BrokeredSupport.objects.filter(plan=plan).aggregate(hours=Sum("hours"), cost=Sum("cost"))
    return totals["hours"] or Decimal(0), totals["cost"] or Decimal(0)


def support_commissioned(concern: SchoolCausingConcern) -> tuple[Decimal, Decimal]:
    """Hours and cost of the support commissioned for the school (headway.support) while it has been causing
    concern: commissions starting on or after designation (and before removal), cancelled ones left out."""
    from headway.support.models import Commission
    from headway.support.selectors import hours_for

    commissions = Commission.objects.filter(
        establishment=concern.establishment, starts_on__gte=concern.designated_on
    ).exclude(status=Commission.Status.CANCELLED)
    if concern.removed_on is not None:
        commissions = commissions.filter(starts_on__lte=concern.removed_on)
    totals = commissions.aggregate(days=Sum("days"), cost=Sum("cost"))
    return hours_for(totals["days"] or Decimal(0)), totals["cost"] or Decimal(0)


def plan_in_term(concern: SchoolCausingConcern, term_end: dt.date) -> ActionPlan | None:
    """The action plan the school was working to at the end of the term: the latest version agreed by then."""
    return concern.plans.filter(agreed_on__lte=term_end).order_by("-version").first()


def support_in_term(concern: SchoolCausingConcern, *, term_end: dt.date) -> tuple[Decimal, Decimal]:
    """Hours and cost of the support brokered in the plan in force in the term (not a later plan's)."""
    plan = plan_in_term(concern, term_end)
    if plan is None:
        return Decimal(0), Decimal(0)
    totals = BrokeredSupport.objects.filter(plan=plan).aggregate(hours=Sum("hours"), cost=Sum("cost"))
    return totals["hours"] or Decimal(0), totals["cost"] or Decimal(0)


def commissioned_in_term(
    concern: SchoolCausingConcern, *, term_start: dt.date, term_end: dt.date
) -> tuple[Decimal, Decimal]:
    """Hours and cost of the support commissioned for the school while causing concern (as
    ``support_commissioned``) that fall in the term: a commission counts against each term by its days in it,
    its days and cost shared out by the share of its calendar days (start to end) inside the term."""
    from headway.support.models import Commission
    from headway.support.selectors import hours_for

    commissions = Commission.objects.filter(
        establishment=concern.establishment,
        starts_on__gte=concern.designated_on,
        starts_on__lte=term_end,
        ends_on__gte=term_start,
    ).exclude(status=Commission.Status.CANCELLED)
    if concern.removed_on is not None:
        commissions = commissions.filter(starts_on__lte=concern.removed_on)
    days = Decimal(0)
    cost = Decimal(0)
    for commission in commissions:
        length = (commission.ends_on - commission.starts_on).days + 1
        inside = (min(commission.ends_on, term_end) - max(commission.starts_on, term_start)).days + 1
        share = Decimal(inside) / Decimal(length)
        days += commission.days * share
        cost += commission.cost * share
    return hours_for(days.quantize(Decimal("0.1"))), cost.quantize(Decimal("0.01"))


def concerns_list(local_authority: LocalAuthority) -> list[dict[str, Any]]:
    """What ``headway concerns list --json`` prints for each school on the register."""
    rows: list[dict[str, Any]] = []
    for concern in register(local_authority):
        notice = open_warning_notice(concern)
        rows.append(
            {
                "urn": str(concern.establishment.urn),
                "name": concern.establishment.name,
                "since": concern.designated_on.isoformat(),
                "triggers": [str(t.get("name", "")) for t in concern.triggers],
                "lead_officer": name_and_title(concern.lead_officer) if concern.lead_officer else None,
                "status": concern.status,
                "warning_notice": None
                if notice is None
                else {
                    "issued_on": notice.issued_on.isoformat(),
                    "ground": notice.ground,
                    "compliance_ends_on": notice.compliance_ends_on.isoformat(),
                    "outcome": notice.outcome,
                },
            }
        )
    return rows


@dataclass
class Case:
    """Everything about one school's time(s) causing concern, for its page."""

    establishment: Establishment
    concern: SchoolCausingConcern | None
    history: list[SchoolCausingConcern]
    decisions: list[ReviewGroupDecision]
    plan: ActionPlan | None
    plans: list[ActionPlan]
    reviews: list[PlanReview]
    review_due: dt.date | None
    notice_reasons: list[rules.NoticeReason]
    removal_blocker: str | None
    eligibility: rules.Eligibility | None
    statement_needed: bool
    academy_order: str | None = None
    rise_targeted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def case_for(establishment: Establishment, policy: ConcernPolicy, today: dt.date) -> Case:
    history = list(establishment.concerns.select_related("lead_officer").order_by("-designated_on", "-id"))
    concern = next((c for c in history if c.is_open), history[0] if history else None)
    plans = (
        list(concern.plans.prefetch_related("milestones", "actions", "support").order_by("-version")) if concern else []
    )
    reviews = (
        list(
            PlanReview.objects.filter(plan__concern=concern)
            .select_related("plan", "reviewed_by")
            .prefetch_related("progress__milestone")
            .order_by("-reviewed_on", "-id")
        )
        if concern
        else []
    )
    decisions = list(
        ReviewGroupDecision.objects.filter(establishment=establishment)
        .select_related("meeting", "decided_by")
        .order_by("-meeting__held_on", "-recorded_at", "-id")
    )
    is_open = concern is not None and concern.is_open
    return Case(
        establishment=establishment,
        concern=concern,
        history=history,
        decisions=decisions,
        plan=plans[0] if plans else None,
        plans=plans,
        reviews=reviews,
        review_due=rules.plan_review_due(concern, policy) if is_open and concern else None,
        notice_reasons=rules.warning_notice_reasons(concern, policy, today) if is_open and concern else [],
        removal_blocker=rules.removal_blocker(concern, policy) if is_open and concern else None,
        eligibility=rules.eligibility(concern, policy) if is_open and concern else None,
        statement_needed=bool(is_open and concern and rules.statement_of_action_inspection(concern, policy)),
        academy_order=rules.academy_order_position(concern, policy) if is_open and concern else None,
        rise_targeted=bool(is_open and concern and rules.rise_targeted(concern, policy, today)),
    )


def previous_meeting(meeting: ReviewGroupMeeting) -> ReviewGroupMeeting | None:
    return (
        ReviewGroupMeeting.objects.filter(local_authority=meeting.local_authority, held_on__lt=meeting.held_on)
        .order_by("-held_on", "-id")
        .first()
    )


def agenda_for(meeting: ReviewGroupMeeting, policy: ConcernPolicy) -> dict[str, Any]:
    """The review group's agenda: every school's category and risk, every school causing concern with its
    action-plan progress, and the schools with new triggers since the last meeting, up to this meeting's date."""
    from headway.risk.models import CategoryDecision, CategoryProposal

    authority = meeting.local_authority
    previous = previous_meeting(meeting)
    since = previous.held_on if previous is not None else None
    on_register = {c.establishment_id: c for c in register(authority)}

    categories: list[dict[str, Any]] = []
    latest_decisions: dict[int, CategoryDecision] = {}
    for decision in (
        CategoryDecision.objects.filter(proposal__establishment__local_authority=authority)
        .select_related("proposal__establishment", "proposal__round")
        .order_by("proposal__establishment_id", "-decided_at", "-id")
    ):
        latest_decisions.setdefault(decision.proposal.establishment_id, decision)
    for decision in sorted(latest_decisions.values(), key=lambda d: (d.category, d.proposal.establishment.name)):
        categories.append(
            {
                "urn": decision.proposal.establishment.urn,
                "name": decision.proposal.establishment.name,
                "category": decision.category,
                "category_label": decision.category_label,
                "causing_concern": decision.causing_concern,
                "risk": decision.proposal.risk,
                "risk_factors": [
                    f"{'raises' if f.get('contribution', 0) > 0 else 'lowers'} the risk: {f.get('label', '')}"
                    for f in (decision.proposal.risk_factors or [])[:3]
                ],
                "on_register": decision.proposal.establishment_id in on_register,
            }
        )

    schools: list[dict[str, Any]] = []
    for concern in on_register.values():
        review = latest_review(concern)
        plan = current_plan(concern)
        due = rules.plan_review_due(concern, policy)
        notice = open_warning_notice(concern)
        commissioned = support_commissioned(concern)
        schools.append(
            {
                "urn": concern.establishment.urn,
                "name": concern.establishment.name,
                "governance": concern.establishment.governance,
                "since": concern.designated_on.isoformat(),
                "months": rules.months_between(concern.designated_on, meeting.held_on),
                "status": concern.get_status_display(),
                "lead_officer": name_and_title(concern.lead_officer) if concern.lead_officer else "",
                "triggers": [t.get("label") or t.get("name") for t in concern.triggers],
                "plan_version": plan.version if plan else None,
                "last_review": review.reviewed_on.isoformat() if review else None,
                "review_due": due.isoformat() if due else None,
                "review_overdue": bool(due and due < meeting.held_on),
                "rag": rag_counts(review),
                "commissioned_hours": f"{commissioned[0]:.1f}",
                "commissioned_cost": f"{commissioned[1]:.2f}",
                "warning_notice": notice.issued_on.isoformat() if notice else None,
                "warning_notice_proposed": [
                    r.rule.label for r in rules.warning_notice_reasons(concern, policy, meeting.held_on)
                ],
                "removal_blocked": rules.removal_blocker(concern, policy),
            }
        )

    # New triggers: the rounds whose evidence date falls after the previous meeting and on or before this
    # meeting's own date (not today's), so a past meeting's agenda shows what was new for that meeting.
    new_triggers: list[dict[str, Any]] = []
    proposals = CategoryProposal.objects.filter(
        round__local_authority=authority, round__as_of__lte=meeting.held_on
    ).exclude(triggers=[])
    if since is not None:
        proposals = proposals.filter(round__as_of__gt=since)
    seen: set[int] = set()
    for proposal in proposals.select_related("establishment", "round").order_by(
        "-round__opened_at", "establishment__name"
    ):
        if proposal.establishment_id in seen or proposal.establishment_id in on_register:
            continue
        seen.add(proposal.establishment_id)
        new_triggers.append(
            {
                "urn": proposal.establishment.urn,
                "name": proposal.establishment.name,
                "category": proposal.category,
                "risk": proposal.risk,
                "triggers": [t.get("label") or t.get("name") for t in proposal.triggers],
                "round": proposal.round.as_of.isoformat(),
            }
        )
    latest_round = max(
        (d.proposal.round for d in latest_decisions.values()), key=lambda r: (r.opened_at, r.pk), default=None
    )
    return {
        "held_on": meeting.held_on.isoformat(),
        "previous_meeting": since.isoformat() if since else None,
        "policy": f"{policy.name} v{policy.version}",
        "risk_basis": latest_round.risk_basis if latest_round is not None else "",
        "categories": categories,
        "schools": sorted(schools, key=lambda s: str(s["name"])),
        "new_triggers": sorted(new_triggers, key=lambda s: str(s["name"])),
    }


def board_summary(local_authority: LocalAuthority, *, term_start: dt.date, term_end: dt.date) -> dict[str, Any]:
    """The termly summary for the standards partnership board: every school causing concern in the term,
    time in category, progress at the latest review and the support given in the term: the support brokered in
    the plan in force in the term, and the commissioned support counted by its days in the term."""
    concerns = (
        SchoolCausingConcern.objects.filter(establishment__local_authority=local_authority, designated_on__lte=term_end)
        .exclude(removed_on__lt=term_start)
        .select_related("establishment", "lead_officer")
        .order_by("establishment__name")
    )
    rows: list[dict[str, Any]] = []
    total_hours = Decimal(0)
    total_cost = Decimal(0)
    commissioned_hours = Decimal(0)
    commissioned_cost = Decimal(0)
    for concern in concerns:
        review = latest_review(concern)
        hours, cost = support_in_term(concern, term_end=term_end)
        total_hours += hours
        total_cost += cost
        c_hours, c_cost = commissioned_in_term(concern, term_start=term_start, term_end=term_end)
        commissioned_hours += c_hours
        commissioned_cost += c_cost
        end = concern.removed_on if concern.removed_on and concern.removed_on <= term_end else term_end
        rows.append(
            {
                "urn": concern.establishment.urn,
                "name": concern.establishment.name,
                "governance": concern.establishment.get_governance_display(),
                "since": concern.designated_on,
                "months": rules.months_between(concern.designated_on, end),
                "status": concern.get_status_display(),
                "removed_on": concern.removed_on,
                "rag": rag_counts(review),
                "last_review": review.reviewed_on if review else None,
                "support_hours": hours,
                "support_cost": cost,
                "commissioned_hours": c_hours,
                "commissioned_cost": c_cost,
                "powers": [p.power_label for p in concern.powers.all()],
            }
        )
    return {
        "local_authority": local_authority,
        "term_start": term_start,
        "term_end": term_end,
        "rows": rows,
        "designated_in_term": sum(1 for c in concerns if term_start <= c.designated_on <= term_end),
        "removed_in_term": sum(1 for c in concerns if c.removed_on and term_start <= c.removed_on <= term_end),
        "support_hours": total_hours,
        "support_cost": total_cost,
        "commissioned_hours": commissioned_hours,
        "commissioned_cost": commissioned_cost,
    }


# For the home pages and the school summary (headway.home) ---------------------------------------------------


def open_concerns(establishments: QuerySet[Establishment]) -> dict[int, SchoolCausingConcern]:
    """Each school's open concern (at most one), by school id, in one query."""
    return {
        concern.establishment_id: concern
        for concern in SchoolCausingConcern.objects.filter(establishment__in=establishments)
        .exclude(status=ConcernStatus.REMOVED)
        .select_related("establishment", "lead_officer")
    }


@dataclass(frozen=True)
class PlanReviewDue:
    concern: SchoolCausingConcern
    due_on: dt.date
    overdue: bool


def plan_reviews_due(
    concerns: list[SchoolCausingConcern], policy: ConcernPolicy, *, today: dt.date, within_days: int = 14
) -> list[PlanReviewDue]:
    """The open concerns whose action plan must be reviewed by ``today + within_days`` (or should already have
    been), soonest first: the same date as ``rules.plan_review_due``, for many concerns in two queries."""
    ids = [c.pk for c in concerns if c.is_open]
    agreed: dict[int, tuple[int, dt.date]] = {}
    for concern_id, version, agreed_on in ActionPlan.objects.filter(concern_id__in=ids).values_list(
        "concern_id", "version", "agreed_on"
    ):
        if concern_id not in agreed or version > agreed[concern_id][0]:
            agreed[concern_id] = (version, agreed_on)
    reviewed: dict[int, dt.date] = {}
    for concern_id, reviewed_on in PlanReview.objects.filter(plan__concern_id__in=ids).values_list(
        "plan__concern_id", "reviewed_on"
    ):
        reviewed[concern_id] = max(reviewed_on, reviewed.get(concern_id, reviewed_on))
    horizon = today + dt.timedelta(days=within_days)
    found = []
    for concern in concerns:
        if concern.pk not in agreed:
            continue
        since = agreed[concern.pk][1]
        if concern.pk in reviewed:
            since = max(since, reviewed[concern.pk])
        due = since + dt.timedelta(days=policy.plan_review_at_least_every_days)
        if due <= horizon:
            found.append(PlanReviewDue(concern=concern, due_on=due, overdue=due < today))
    return sorted(found, key=lambda item: (item.due_on, item.concern.establishment.name))


def concerns_led_by(officer: Any) -> list[SchoolCausingConcern]:
    """The open concerns the officer leads, by school name."""
    return list(
        SchoolCausingConcern.objects.filter(lead_officer=officer)
        .exclude(status=ConcernStatus.REMOVED)
        .select_related("establishment__local_authority", "lead_officer")
        .order_by("establishment__name", "pk")
    )


def next_review_group_meeting(local_authority: LocalAuthority, *, today: dt.date) -> ReviewGroupMeeting | None:
    """The authority's next meeting of the schools-causing-concern review group, on or after ``today``."""
    return (
        ReviewGroupMeeting.objects.filter(local_authority=local_authority, held_on__gte=today)
        .order_by("held_on", "pk")
        .first()
    )


def concerns_without_plan(local_authority: LocalAuthority) -> list[SchoolCausingConcern]:
    """Open concerns of the authority with no action plan recorded yet, longest on the register first."""
    return list(register(local_authority).filter(plans__isnull=True).order_by("designated_on", "establishment__name"))
