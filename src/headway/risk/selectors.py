"""Reading categorisations: a school's current category and history, and a round's table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from headway.accounts.models import User
from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from headway.risk.policy import Policy
from headway.schools import areas
from headway.schools.models import Establishment, LinkOfficerAssignment, LocalAuthority
from headway.schools.selectors import link_officers


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


# A round's review page: filters, sorting, paging and the last round's category -------------------------------

#: Schools a page of the round's review shows.
REVIEW_PAGE_SIZE = 50

#: How the review page sorts, in words (the first is the default).
REVIEW_SORTS = {"category": "Category", "name": "School name", "risk": "Predicted risk"}

#: The "change since the last round" filter's choices.
CHANGES = {
    "changed": "Category changed since the last round",
    "same": "Same category as the last round",
    "new": "Not in the last round",
}

#: The "decision" filter's choices.
DECIDED = {"undecided": "Not decided yet", "decided": "Decided"}


@dataclass(frozen=True)
class RoundFilters:
    """What the review page is asked to show; every value as the query string gives it ("" for any)."""

    category: str = ""
    change: str = ""
    trigger: str = ""
    phase: str = ""
    area: str = ""
    officer: str = ""
    decided: str = ""
    sort: str = "category"

    @property
    def any_chosen(self) -> bool:
        """Whether any filter narrows the round (the order is not a filter)."""
        return any((self.category, self.change, self.trigger, self.phase, self.area, self.officer, self.decided))


def previous_round(categorisation_round: CategorisationRound) -> CategorisationRound | None:
    """The authority's last round before this one: the latest opened with evidence as of an earlier date (a
    round run again for the same date is a correction, not last year's round)."""
    return (
        CategorisationRound.objects.filter(
            local_authority_id=categorisation_round.local_authority_id, as_of__lt=categorisation_round.as_of
        )
        .order_by("-as_of", "-opened_at", "-id")
        .first()
    )


def _annotated(
    categorisation_round: CategorisationRound, previous: CategorisationRound | None
) -> QuerySet[CategoryProposal]:
    """The round's proposals with their school, the latest decision and the last round's category (its
    decision, else its proposal) as annotations: one query however many rows."""
    latest = CategoryDecision.objects.filter(proposal=OuterRef("pk")).order_by("-decided_at", "-id")
    proposals = categorisation_round.proposals.select_related("establishment", "establishment__area").annotate(
        decided_action=Subquery(latest.values("action")[:1]),
        decided_category=Subquery(latest.values("category")[:1]),
        decided_reason=Subquery(latest.values("reason")[:1]),
    )
    if previous is None:
        return proposals.annotate(last_category=Value(None, output_field=CharField()))
    last_proposal = CategoryProposal.objects.filter(round=previous, establishment_id=OuterRef("establishment_id"))
    last_decision = CategoryDecision.objects.filter(
        proposal__round=previous, proposal__establishment_id=OuterRef("establishment_id")
    ).order_by("-decided_at", "-id")
    return proposals.annotate(
        last_category=Coalesce(
            Subquery(last_decision.values("category")[:1]), Subquery(last_proposal.values("category")[:1])
        )
    )


def round_review(
    categorisation_round: CategorisationRound, filters: RoundFilters, *, policy: Policy | None = None
) -> QuerySet[CategoryProposal]:
    """The round's proposals the filters keep, in the order asked for, each annotated with ``decided_action``,
    ``decided_category``, ``decided_reason`` (the latest decision, None if undecided) and ``last_category`` (the
    last round's category for the school, None if it was not in it). ``policy`` gives the categories' order."""
    previous = previous_round(categorisation_round)
    proposals = _annotated(categorisation_round, previous)
    if filters.category:
        proposals = proposals.filter(category=filters.category)
    if filters.change == "new":
        proposals = proposals.filter(Q(last_category__isnull=True))
    elif filters.change == "same":
        proposals = proposals.filter(Q(last_category=F("category")))
    elif filters.change == "changed":
        proposals = proposals.filter(Q(last_category__isnull=False) & ~Q(last_category=F("category")))
    if filters.decided == "undecided":
        proposals = proposals.filter(Q(decided_action__isnull=True))
    elif filters.decided == "decided":
        proposals = proposals.filter(Q(decided_action__isnull=False))
    if filters.phase:
        proposals = proposals.filter(establishment__phase=filters.phase)
    if filters.area:
        chosen = areas.area_named_in(categorisation_round.local_authority_id, filters.area)
        proposals = areas.in_area(proposals, chosen, through="establishment__area") if chosen else proposals.none()
    if filters.officer:
        proposals = (
            proposals.filter(
                establishment__link_officer_assignments__officer_id=int(filters.officer),
                establishment__link_officer_assignments__ends_on__isnull=True,
            )
            if filters.officer.isdigit()
            else proposals.none()
        )
    if filters.trigger:
        # Triggers are a JSON list on each proposal; JSON containment is not portable to SQLite, so the matching
        # rows are found from a light list of the round's triggers (one query).
        matching = [
            pk
            for pk, fired in categorisation_round.proposals.values_list("pk", "triggers")
            if any(isinstance(t, dict) and t.get("name") == filters.trigger for t in fired or [])
        ]
        proposals = proposals.filter(pk__in=matching)
    return proposals.order_by(*_review_order(filters.sort, policy))


def _review_order(sort: str, policy: Policy | None) -> list[str | Combinable]:
    if sort == "name":
        return ["establishment__name", "pk"]
    if sort == "risk":
        return [F("risk").desc(nulls_last=True), "establishment__name", "pk"]
    if policy is not None and policy.categories:
        rank = Case(
            *[When(category=c.code, then=Value(i)) for i, c in enumerate(policy.categories)],
            default=Value(len(policy.categories)),
        )
        return [rank, "category", "establishment__name", "pk"]
    return ["category", "establishment__name", "pk"]


@dataclass(frozen=True)
class ReviewRow:
    proposal: CategoryProposal
    link_officer: User | None


def review_page(proposals: QuerySet[CategoryProposal], number: str | None) -> tuple[Page[int], list[ReviewRow]]:
    """One page of the review (``REVIEW_PAGE_SIZE`` schools; the page holds their proposals' ids, for paging) and
    its rows with each school's link officer: the same number of queries for a page of 5 schools as of 50."""
    # The page's schools are chosen by their ids alone (the filters and the order, without the decision and last
    # round annotations the page shows), then only those 50 are read with them: a database works out a row's
    # annotations for every row it skips, so page 200 of a national round would otherwise cost seconds.
    page = Paginator(proposals.values_list("pk", flat=True), REVIEW_PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    by_id = {p.pk: p for p in proposals.filter(pk__in=ids).order_by()}
    shown = [by_id[pk] for pk in ids if pk in by_id]
    officers = link_officers([p.establishment_id for p in shown])
    return page, [ReviewRow(p, officers.get(p.establishment_id)) for p in shown]


@dataclass(frozen=True)
class ReviewChoices:
    """The options of the review page's filters: what the round holds, in words."""

    categories: list[tuple[str, str]]
    triggers: list[tuple[str, str]]
    phases: list[tuple[str, str]]
    areas: list[tuple[str, str]]
    officers: list[tuple[str, str]]


def review_choices(categorisation_round: CategorisationRound, policy: Policy | None) -> ReviewChoices:
    """The filters' options from the round itself (a few queries, whatever its size)."""
    # Each distinct value once (a national round has 21,000 schools but a few hundred sets of triggers).
    proposals = categorisation_round.proposals.order_by()
    labels = dict(proposals.values_list("category", "category_label").distinct())
    order = [c.code for c in policy.categories] if policy is not None else []
    codes = sorted(labels, key=lambda c: (order.index(c) if c in order else len(order), c))
    fired: dict[str, str] = {}
    for triggers in proposals.values_list("triggers", flat=True).distinct():
        for trigger in triggers or []:
            if isinstance(trigger, dict) and trigger.get("name"):
                fired.setdefault(str(trigger["name"]), str(trigger.get("label") or trigger["name"]))
    phases = sorted({phase for phase in proposals.values_list("establishment__phase", flat=True).distinct() if phase})
    # The round's link officers, each once (not one row per school they link to).
    officer_ids = (
        LinkOfficerAssignment.objects.filter(establishment__proposals__round=categorisation_round, ends_on__isnull=True)
        .order_by()
        .values("officer_id")
        .distinct()
    )
    officers = {user.pk: user for user in User.objects.filter(pk__in=officer_ids)}
    return ReviewChoices(
        categories=[(code, f"{code}: {labels[code]}") for code in codes],
        triggers=sorted(fired.items(), key=lambda item: item[1]),
        phases=[(phase, phase) for phase in phases],
        areas=areas.area_choices(categorisation_round.local_authority_id)[1:],
        officers=sorted(((str(pk), areas.full_name(u)) for pk, u in officers.items()), key=lambda item: item[1]),
    )


def undecided_count(categorisation_round: CategorisationRound) -> int:
    return categorisation_round.proposals.filter(decisions__isnull=True).count()


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
