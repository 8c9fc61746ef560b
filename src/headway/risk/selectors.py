"""Reading categorisations: a school's current category and history, and a round's table."""

from __future__ import annotations

from django.db.models import QuerySet

from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from headway.schools.models import Establishment


def current_decision(establishment: Establishment) -> CategoryDecision | None:
    """The latest officer decision about the school: the category that drives visits and concerns."""
    return (
        CategoryDecision.objects.filter(proposal__establishment=establishment)
        .select_related("proposal__round", "decided_by")
        .order_by("-decided_at", "-id")
        .first()
    )


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
