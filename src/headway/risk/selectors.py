"""Reading categorisations: a school's current category and history, and a round's table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from headway.schools.models import Establishment, LocalAuthority


def current_decision(establishment: Establishment) -> CategoryDecision | None:
    """The latest officer decision about the school: the category that drives visits and concerns."""
    return (
        CategoryDecision.objects.filter(proposal__establishment=establishment)
        .select_related("proposal__round", "decided_by")
        .order_by("-decided_at", "-id")
        .first()
    )


def current_decisions(establishments: QuerySet[Establishment]) -> list[CategoryDecision]:
    """Each school's current decision (as ``current_decision``), for many schools in one query, by school name."""
    found: dict[int, CategoryDecision] = {}
    for decision in (
        CategoryDecision.objects.filter(proposal__establishment__in=establishments)
        .select_related("proposal__establishment", "proposal__round")
        .order_by("proposal__establishment__name", "proposal__establishment_id", "-decided_at", "-id")
    ):
        found.setdefault(decision.proposal.establishment_id, decision)
    return list(found.values())


def latest_proposal(establishment: Establishment) -> CategoryProposal | None:
    return (
        CategoryProposal.objects.filter(establishment=establishment)
        .select_related("round")
        .order_by("-round__opened_at", "-id")
        .first()
    )


def history(establishment: Establishment) -> QuerySet[CategoryDecision]:
    return (
        CategoryDecision.objects.filter(proposal__establishment=establishment)
        .select_related("proposal__round", "decided_by")
        .order_by("-decided_at", "-id")
    )


SORTS = {
    "category": ("category", "establishment__name"),
    "risk": ("-risk", "establishment__name"),
    "name": ("establishment__name",),
}


def round_proposals(categorisation_round: CategorisationRound, *, sort: str = "category") -> list[CategoryProposal]:
    proposals = list(categorisation_round.proposals.select_related("establishment").prefetch_related("decisions"))
    if sort == "grade_age":
        return sorted(proposals, key=lambda p: -(p.evidence.get("grade_age_years") or 99))
    if sort == "risk":
        return sorted(proposals, key=lambda p: (p.risk is None, -(p.risk or 0), p.establishment.name))
    if sort == "name":
        return sorted(proposals, key=lambda p: p.establishment.name)
    return sorted(proposals, key=lambda p: (p.category, p.establishment.name))


# For the home pages and the school summary (headway.home) ---------------------------------------------------


@dataclass(frozen=True)
class PredictedRisk:
    """A school's predicted risk of a below-good inspection from its latest round, and what raised or lowered it
    most, in words."""

    probability: float
    factors: list[str]
    as_of: dt.date

    @property
    def percent(self) -> str:
        return f"{self.probability:.0%}"


def predicted_risk(establishment: Establishment) -> PredictedRisk | None:
    """The risk from the school's latest round that scored it, with its top three factors in words."""
    proposal = (
        CategoryProposal.objects.filter(establishment=establishment, risk__isnull=False)
        .select_related("round")
        .order_by("-round__opened_at", "-id")
        .first()
    )
    if proposal is None or proposal.risk is None:
        return None
    factors = []
    for factor in (proposal.risk_factors or [])[:3]:
        direction = "raised" if (factor.get("contribution") or 0) > 0 else "lowered"
        factors.append(f"{factor.get('label', '')} ({direction} the risk)")
    return PredictedRisk(probability=proposal.risk, factors=factors, as_of=proposal.round.as_of)


def decision_reasons(decision: CategoryDecision) -> list[str]:
    """Why the school has its category, in words: the policy's reasons and the officer's own."""
    reasons = [str(r.get("label", "")) for r in (decision.proposal.reasons or []) if r.get("label")]
    if decision.reason:
        reasons.append(decision.reason)
    return reasons


def rounds_not_done(local_authority: LocalAuthority) -> list[tuple[CategorisationRound, int]]:
    """The authority's categorisation rounds with schools still waiting for a decision, and how many."""
    rounds = (
        CategorisationRound.objects.filter(local_authority=local_authority)
        .annotate(waiting=Count("proposals", filter=Q(proposals__decisions__isnull=True), distinct=True))
        .filter(waiting__gt=0)
        .order_by("-opened_at", "-id")
    )
    return [(r, r.waiting) for r in rounds]
