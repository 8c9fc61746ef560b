"""Categorisation: officer judgements, rounds, and officers' decisions. Every change is audited."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Any

from django.db import transaction

from headway import background
from headway.accounts import audit
from headway.accounts.models import User
from headway.accounts.notices import person_name
from headway.queries import insert_rows, pauses_cyclic_gc, reads_shared
from headway.risk.evidence import gather_evidence
from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal, OfficerJudgement
from headway.risk.policy import Fired, Policy, policy_proposer
from headway.schools.models import Establishment, LocalAuthority

logger = logging.getLogger(__name__)

CAPACITY_VALUES = {"A", "B", "C", "D"}


def judgement_record(
    *, establishment: Establishment, kind: str, value: str, made_on: dt.date, author: User, reason: str
) -> OfficerJudgement:
    """Record a dated officer judgement. It supersedes the previous one of the same kind; both are kept."""
    if kind not in OfficerJudgement.Kind.values:
        raise ValueError(f"unknown judgement {kind!r}")
    value = value.strip()
    if kind == OfficerJudgement.Kind.CAPACITY_TO_IMPROVE:
        value = value.upper()
        if value not in CAPACITY_VALUES:
            raise ValueError("capacity to improve is A, B, C or D")
    elif value.lower() not in {"yes", "no"}:
        raise ValueError("this judgement is yes or no")
    if not reason.strip():
        raise ValueError("a judgement needs a reason")
    with transaction.atomic():
        previous = (
            OfficerJudgement.objects.filter(establishment=establishment, kind=kind).order_by("-made_on", "-id").first()
        )
        judgement = OfficerJudgement.objects.create(
            establishment=establishment, kind=kind, value=value, made_on=made_on, author=author, reason=reason
        )
        audit.record(
            actor=author,
            verb="judgement.recorded",
            target=establishment,
            before={kind: previous.value} if previous else None,
            after={kind: value, "made_on": made_on},
            reason=reason,
        )
    return judgement


def _fired(items: list[Fired]) -> list[dict[str, Any]]:
    return [{"name": f.name, "label": f.label, "evidence": f.evidence} for f in items]


def risk_scores(establishments: list[Establishment], as_of: dt.date) -> tuple[dict[int, Any], str, str]:
    """The predictive model's scores, if a model can be had; otherwise none, and why."""
    try:
        model = importlib.import_module("headway.risk.model")
    except ImportError:
        return {}, "", "the risk model is not installed"
    try:
        scores: dict[int, Any] = model.score_schools([e.id for e in establishments], as_of=as_of)
    except Exception as exc:  # the round goes on without scores, and says why
        logger.warning("risk scores unavailable: %s", exc)
        return {}, "", f"risk scores unavailable: {exc}"
    version = next((s.model_version for s in scores.values()), "")
    return scores, version, ""


#: A proposal's fields in the order ``round_run`` gives them.
PROPOSAL_FIELDS = (
    "round_id",
    "establishment_id",
    "category",
    "category_label",
    "causing_concern",
    "reasons",
    "triggers",
    "evidence",
    "risk",
    "risk_factors",
)


@pauses_cyclic_gc
def round_run(
    *,
    local_authority: LocalAuthority,
    policy: Policy,
    as_of: dt.date,
    by: User | None,
    actor_name: str = "",
    with_risk: bool = True,
    establishments: list[Establishment] | None = None,
) -> CategorisationRound:
    """Propose a category for every open school of the authority under the policy, as of a date. A policy
    not in force on that date is refused (``PolicyError``, with the reason)."""
    policy.refuse_outside_dates(as_of)
    policy.refuse_for_another_authority(local_authority.code, local_authority.name)
    schools = establishments
    if schools is None:
        schools = list(
            Establishment.objects.filter(local_authority=local_authority, status__istartswith="open").order_by("urn")
        )
    notes: list[str] = []
    scores: dict[int, Any] = {}
    version = ""
    with reads_shared():  # the risk model and the standings read every inspection once between them
        if with_risk and schools:
            scores, version, why = risk_scores(schools, as_of)
            if why:
                notes.append(why)
        evidence = gather_evidence(schools, as_of=as_of, risk={pk: score.probability for pk, score in scores.items()})
    # The policy's scope: e.g. Barnet categorises maintained schools and academies, never independent schools or
    # colleges; those are left out of the round.
    schools = [school for school in schools if policy.in_scope(evidence[school.id])]
    ranking = next((str(getattr(score, "ranking", "model")) for score in scores.values()), "")
    basis = ""
    if ranking:  # which ranking the risk is (the model's or the previous-grade rule's), why, and how well it did
        from headway.risk.ranking import shipped

        basis = shipped().statement
    with transaction.atomic():
        categorisation_round = CategorisationRound.objects.create(
            local_authority=local_authority,
            policy_name=policy.name,
            policy_version=policy.version,
            policy_title=policy.title,
            as_of=as_of,
            opened_by_name=person_name(by) if by else (actor_name or "command line"),  # as pages name them
            risk_model_version=version,
            risk_ranking=ranking,
            risk_basis=basis,
            notes=notes,
        )
        # A national round proposes for some 21,000 schools: written as plain rows (``COPY`` on PostgreSQL), not
        # built as model instances first.
        proposals = []
        propose = policy_proposer(policy)
        for school in schools:
            pk = school.id
            proposal = propose(evidence[pk])
            score = scores.get(pk)
            proposals.append(
                (
                    categorisation_round.pk,
                    pk,
                    proposal.category.code,
                    proposal.category.label,
                    proposal.causing_concern,
                    _fired(proposal.reasons),
                    _fired(proposal.triggers),
                    evidence[pk],
                    float(score.probability) if score else None,
                    [
                        {"label": f.label, "contribution": f.contribution, "part": getattr(f, "part", "")}
                        for f in getattr(score, "top_factors", [])
                    ],
                )
            )
        insert_rows(CategoryProposal, PROPOSAL_FIELDS, proposals)
        audit.record(
            actor=by,
            actor_name=actor_name or "command line",
            verb="categorisation.round_opened",
            target=categorisation_round,
            after={"policy": policy.name, "version": policy.version, "as_of": as_of, "schools": len(schools)},
        )
    return categorisation_round


#: The session's name for a round started on the round page and run by the background runner.
ROUND_TASK_KIND = "categorisation-round"


def round_refusal(*, local_authority: LocalAuthority, policy: Policy, as_of: dt.date) -> None:
    """Raise ``PolicyError`` (in words) if the policy cannot be run for the authority as of the date: outside its
    dates, or written for another authority. ``round_run`` refuses the same."""
    policy.refuse_outside_dates(as_of)
    policy.refuse_for_another_authority(local_authority.code, local_authority.name)


def round_refusal_in_words(*, local_authority: LocalAuthority, policy: Policy, as_of: dt.date) -> str:
    """Why the round cannot be run, as the start-a-round page says it ("" if it can)."""
    from headway.risk.policy import PolicyError, in_force

    try:
        round_refusal(local_authority=local_authority, policy=policy, as_of=as_of)
    except PolicyError:
        pass
    else:
        return ""
    if policy.authority and policy.authority != local_authority.code:
        return f"{policy.title} is written for another authority: choose a policy of {local_authority.name}"
    assert not in_force(policy, as_of)
    if as_of < policy.effective_from:
        return (
            f"{policy.title} is in force from {policy.effective_from:%-d %B %Y}: choose a policy in force on "
            f"{as_of:%-d %B %Y}, or a later date"
        )
    assert policy.effective_to is not None
    return (
        f"{policy.title} ended on {policy.effective_to:%-d %B %Y}: choose a policy in force on "
        f"{as_of:%-d %B %Y}, or an earlier date"
    )


def round_start(*, local_authority: LocalAuthority, policy: Policy, as_of: dt.date, by: User) -> background.TaskState:
    """Hand a round to the background runner (``headway.risk.tasks.run_round``), refusing at once what
    ``round_run`` would refuse. The round runs in the background because scoring risk may first train the model
    on the national data (minutes) when no saved model fits the date; an authority's round alone takes seconds.
    The round itself is audited by ``round_run``, as ``by``'s."""
    round_refusal(local_authority=local_authority, policy=policy, as_of=as_of)
    from headway.risk.policy import PolicyError
    from headway.risk.tasks import run_round

    if round_under_way(local_authority):
        raise PolicyError(ROUND_UNDER_WAY.format(authority=local_authority.name))
    return background.enqueue(run_round, local_authority.pk, policy.name, as_of.isoformat(), by.pk)


#: Why a second round is not started while one is waiting or running (a double click of "Start the round").
ROUND_UNDER_WAY = (
    "A round for {authority} is already being prepared: it opens in the list of rounds when it is ready, "
    "and you can start another then"
)


def round_under_way(local_authority: LocalAuthority) -> bool:
    """Whether a round for the authority is waiting for the background runner or running now."""
    from headway.risk.tasks import run_round

    return background.unfinished(run_round, local_authority.pk)


def round_run_for(la_id: int, policy_name: str, as_of: str, user_id: int) -> dict[str, Any]:
    """The background task's work: run the round as the person who asked; ``{"round": id}``, or
    ``{"error": ...}`` in words if the policy refuses (it may have changed since the page checked it)."""
    from headway.risk.policy import PolicyError, policy_named

    by = User.objects.get(pk=user_id)
    authority = LocalAuthority.objects.get(pk=la_id)
    try:
        categorisation_round = round_run(
            local_authority=authority, policy=policy_named(policy_name), as_of=dt.date.fromisoformat(as_of), by=by
        )
    except PolicyError as exc:
        return {"error": str(exc)}
    return {"round": categorisation_round.pk, "la": authority.code}


def _decision_entry(
    proposal: CategoryProposal, decision: CategoryDecision, previous: CategoryDecision | None
) -> audit.Entry:
    """The audit record of a decision: the school, what it was (the previous decision, else the proposal) and
    what it is now."""
    return audit.Entry(
        target=proposal.establishment,
        before={"category": previous.category, "action": previous.action}
        if previous
        else {"proposed": proposal.category},
        after={"category": decision.category, "round": proposal.round_id, "policy": proposal.round.policy_name},
        reason=decision.reason,
    )


def _decide(
    *, proposal: CategoryProposal, action: str, category: str, label: str, causing: bool, by: User, reason: str
) -> CategoryDecision:
    with transaction.atomic():
        previous = proposal.decision
        decision = CategoryDecision.objects.create(
            proposal=proposal,
            action=action,
            category=category,
            category_label=label,
            causing_concern=causing,
            reason=reason,
            decided_by=by,
        )
        entry = _decision_entry(proposal, decision, previous)
        audit.record(
            actor=by,
            verb=f"categorisation.{action}",
            target=entry.target,
            before=entry.before,
            after=entry.after,
            reason=entry.reason,
        )
    return decision


def proposal_confirm(*, proposal: CategoryProposal, by: User, reason: str = "") -> CategoryDecision:
    """The officer agrees with the proposed category."""
    return _decide(
        proposal=proposal,
        action=CategoryDecision.Action.CONFIRM,
        category=proposal.category,
        label=proposal.category_label,
        causing=proposal.causing_concern,
        by=by,
        reason=reason,
    )


def proposal_override(
    *, proposal: CategoryProposal, policy: Policy, category: str, by: User, reason: str
) -> CategoryDecision:
    """The officer puts the school in another category. A reason is required."""
    if not reason.strip():
        raise ValueError("An override needs a reason.")
    chosen = policy.category(category)
    causing = chosen.causing_concern or bool(proposal.triggers)
    return _decide(
        proposal=proposal,
        action=CategoryDecision.Action.OVERRIDE,
        category=chosen.code,
        label=chosen.label,
        causing=causing,
        by=by,
        reason=reason,
    )


UNDECIDED_REASON = "Confirmed unchanged with the round's other undecided schools."


@pauses_cyclic_gc
def round_confirm_all(*, categorisation_round: CategorisationRound, by: User, undecided_only: bool = False) -> int:
    """Confirm every proposal of a round unchanged (scripted rounds): one decision and one audit event a school,
    as ``proposal_confirm`` would make them one by one, written in bulk (the queries do not grow per school).
    With ``undecided_only`` (the round's page), only the proposals nobody has decided yet are confirmed: an
    officer's override or confirmation stands."""
    reason = UNDECIDED_REASON if undecided_only else "Confirmed unchanged for the whole round."
    chosen = categorisation_round.proposals.all()
    if undecided_only:
        chosen = chosen.filter(decisions__isnull=True)
    proposals = list(
        chosen.select_related("establishment", "round")
        .only(
            "category",
            "category_label",
            "causing_concern",
            "round__policy_name",
            "establishment__name",
            "establishment__urn",
        )
        .order_by("establishment__name", "id")
    )
    previous: dict[int, CategoryDecision] = {}
    for decision in CategoryDecision.objects.filter(proposal__round=categorisation_round).order_by(
        "proposal_id", "decided_at", "id"
    ):
        previous[decision.proposal_id] = decision  # the latest one of each proposal is kept
    decisions = [
        CategoryDecision(
            proposal=proposal,
            action=CategoryDecision.Action.CONFIRM,
            category=proposal.category,
            category_label=proposal.category_label,
            causing_concern=proposal.causing_concern,
            reason=reason,
            decided_by=by,
        )
        for proposal in proposals
    ]
    with transaction.atomic():
        CategoryDecision.objects.bulk_create(decisions, batch_size=1000)
        audit.record_many(
            actor=by,
            verb=f"categorisation.{CategoryDecision.Action.CONFIRM}",
            entries=[
                _decision_entry(proposal, decision, previous.get(proposal.pk))
                for proposal, decision in zip(proposals, decisions, strict=True)
            ],
        )
    return len(decisions)
