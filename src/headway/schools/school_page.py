"""A school's page in parts: the summary first, then evidence, visits and notes, concern, support and history,
each a page of its own (so each is short and quick), with a sub-navigation offering only the parts the user may
open. Which parts those are, and what the history part lists, is decided here (the views only ask)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from headway.accounts import audit, permissions

if TYPE_CHECKING:
    from headway.accounts.models import AuditEvent, User
    from headway.risk.models import CategoryDecision
    from headway.schools.models import Establishment


@dataclass(frozen=True)
class Part:
    """One part of a school's page: its name (used in the sub-navigation), its URL name and its label."""

    name: str
    url_name: str
    label: str


SUMMARY = Part("summary", "schools:detail", "Summary")
EVIDENCE = Part("evidence", "schools:evidence", "Evidence")
VISITS = Part("visits", "schools:visits", "Visits and notes")
CONCERN = Part("concern", "schools:concern", "Concern")
SUPPORT = Part("support", "schools:support", "Support")
HISTORY = Part("history", "schools:history", "History")


def may_open(user: permissions.AnyUser, establishment: Establishment, part: Part) -> bool:
    """Whether the user may open a part of the page of a school they may see (``establishment_for``).

    The summary and the evidence are for everyone who sees the school; visits and notes for those who see its
    visits (LA staff of its authority and its own users); concern, support and history for LA staff of its
    authority, who alone see its case causing concern, its support and the decisions about it."""
    authority = establishment.local_authority
    if part in (SUMMARY, EVIDENCE):
        return True
    if part == VISITS:
        return permissions.can_see_school_visits(user, establishment)
    if part == SUPPORT:
        return permissions.can_manage_support(user, authority)
    if part in (CONCERN, HISTORY):
        return permissions.can_manage_concerns(user, authority)
    return False


def parts_for(user: permissions.AnyUser, establishment: Establishment) -> list[Part]:
    """The parts of the school's page the user may open, in the sub-navigation's order."""
    return [
        part for part in (SUMMARY, EVIDENCE, VISITS, CONCERN, SUPPORT, HISTORY) if may_open(user, establishment, part)
    ]


# History ----------------------------------------------------------------------------------------------------------

#: What each recorded change about a school is called on its history (other entries' own words are used).
CHANGE_WORDS = {
    "establishment.area_assigned": "Area changed",
    "establishment.link_officer_assigned": "Link officer changed",
    "local_evidence.recorded": "LA's own evidence recorded",
    "circumstance.recorded": "Circumstance recorded (brings extra visits)",
    "circumstance.ended": "Circumstance ended",
    "judgement.recorded": "Officer judgement recorded",
}
#: The most entries the history lists (the newest).
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    what: str
    detail: str
    by: str


def change_words(verb: str) -> str:
    """A recorded change in words: ``establishment.area_assigned`` is "Area changed"; a change recorded in words
    already ("designated as causing concern") is shown as written, with a capital."""
    return CHANGE_WORDS.get(verb) or audit.verb_in_words(verb)


def _person(user: User | None, *, automatic: bool) -> str:
    if user is None:
        return "Headway (automatically)" if automatic else "Not recorded"
    return user.get_full_name() or "An officer (no name recorded)"


def _event_entry(event: AuditEvent) -> HistoryEntry:
    return HistoryEntry(
        when=event.occurred_at,
        what=change_words(event.verb),
        detail=event.reason,
        by=_person(event.actor, automatic=True),
    )


def _decision_words(decision: CategoryDecision) -> str:
    """``Category C: intensive support (confirmed)``: the category as the policy names it, and what the officer did."""
    category = decision.category_label or f"Category {decision.category}"
    return f"{category} ({decision.get_action_display().lower()})"


def school_history(establishment: Establishment, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The decisions and recorded changes about a school, newest first: its category decisions (confirmed or
    overridden, and why), and the audit trail of the school's record and of its cases causing concern. A fixed
    number of queries."""
    from headway.accounts.models import AuditEvent
    from headway.concerns.models import SchoolCausingConcern
    from headway.risk.models import CategoryDecision

    entries = [
        HistoryEntry(
            when=decision.decided_at,
            what=_decision_words(decision),
            detail=decision.reason,
            by=_person(decision.decided_by, automatic=False),
        )
        for decision in CategoryDecision.objects.filter(proposal__establishment=establishment)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")[:limit]
    ]
    concern_ids = [
        str(pk) for pk in SchoolCausingConcern.objects.filter(establishment=establishment).values_list("pk", flat=True)
    ]
    events = (
        AuditEvent.objects.filter(
            Q(target_type="schools.establishment", target_id=str(establishment.pk))
            | Q(target_type="concerns.schoolcausingconcern", target_id__in=concern_ids)
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )
    entries += [_event_entry(event) for event in events]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
