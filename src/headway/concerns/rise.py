"""The LA's records of a school's engagement with RISE, the DfE's Regional Improvement for Standards and
Excellence teams: universal support (open to every school) and targeted intervention (for a school the
accountability rules make eligible: stuck, in special measures, or from September 2026 requiring significant
improvement), with the RISE adviser, the support plan and any targeted grant.

Each function checks the rules, writes in one transaction and records who, when, what and why through the
audit service. An engagement is never edited: the only change after it is recorded is its end, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import AuditEvent, User
from headway.concerns.models import RiseEngagement
from headway.concerns.services import ConcernRuleError
from headway.inspections.models import CategoryOfConcern, ReportCardGrade
from headway.inspections.standing import GRADE_WORDS, Standing, rules_named, standing_of
from headway.schools.models import Establishment


class RiseRuleError(ConcernRuleError):
    """A RISE engagement the rules refuse; the message says why, in the users' words."""


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _pounds(amount: Decimal | int) -> str:
    value = Decimal(amount)
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


# Eligibility for targeted intervention ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RiseEligibility:
    """Whether a school is eligible for targeted RISE intervention on a date, and why, in words."""

    name: str
    on: dt.date
    eligible: bool
    why: str
    standing: Standing = field(compare=False, repr=False)

    @property
    def words(self) -> str:
        """E.g. 'Eligible for targeted RISE intervention: it is in special measures (inspection of ...).'"""
        return f"{'Eligible' if self.eligible else 'Not eligible'} for targeted RISE intervention: {self.why}."

    @property
    def refusal(self) -> str:
        return f"{self.name} is not eligible for targeted RISE intervention on {_day(self.on)}: {self.why}."


def _grade(value: object) -> str:
    return GRADE_WORDS.get(int(value), "not known") if isinstance(value, int) else "not known"


def _clauses(standing: Standing) -> list[str]:
    """What in a school's standing can make it eligible, each as a clause ('it is stuck (...)')."""
    facts = standing.facts
    latest_on = facts.get("latest_on")
    when = _day(latest_on) if isinstance(latest_on, dt.date) else "its latest inspection"
    clauses: list[str] = []
    if standing.stuck:
        previous = _grade(facts.get("previous_grade"))
        if facts.get("latest_kind") == "report_card":
            leadership = facts.get("leadership_and_governance")
            label = (
                str(ReportCardGrade(leadership).label).lower()
                if isinstance(leadership, int) and leadership in ReportCardGrade.values
                else "below the expected standard"
            )
            clauses.append(
                f"it is stuck (leadership and governance {label} at the report card of {when}, "
                f"and {previous} at the graded inspection before it)"
            )
        else:
            latest = _grade(facts.get("latest_grade"))
            clauses.append(
                f"it is stuck ({latest} at the graded inspection of {when}, and {previous} at the one before it)"
            )
    category = standing.category_of_concern
    if category == CategoryOfConcern.SPECIAL_MEASURES:
        clauses.append(f"it is in special measures (inspection of {when})")
    elif category == CategoryOfConcern.REQUIRES_SIGNIFICANT_IMPROVEMENT:
        clauses.append(f"it requires significant improvement (inspection of {when})")
    return clauses


def rise_eligibility(establishment: Establishment, on: dt.date) -> RiseEligibility:
    """The school's eligibility for targeted RISE intervention on a date, under the accountability rules."""
    standing = standing_of(establishment, as_of=on)
    clauses = _clauses(standing)
    if standing.rise_eligible:
        why = " and ".join(clauses) if clauses else "the accountability rules make it eligible"
    elif standing.latest is None:
        why = "it has no inspection on record that judged it"
    elif clauses:
        why = f"{' and '.join(clauses)}, but on {_day(on)} that does not yet make a school eligible"
    else:
        why = (
            "it is not stuck, in special measures or requiring significant improvement "
            f"(latest inspection: {standing.summary})"
        )
    return RiseEligibility(name=establishment.name, on=on, eligible=standing.rise_eligible, why=why, standing=standing)


# Selectors -----------------------------------------------------------------------------------------------------------


def rise_engagements_for(establishment: Establishment) -> models.QuerySet[RiseEngagement]:
    """The school's RISE engagements: open ones first, then the latest started first."""
    return (
        RiseEngagement.objects.filter(establishment=establishment)
        .select_related("recorded_by")
        .order_by(models.F("ended_on").desc(nulls_first=True), "-started_on", "-id")
    )


def rise_trail_for(establishment: Establishment) -> list[AuditEvent]:
    """Everything recorded about the school's RISE engagements, oldest first."""
    ids = [str(pk) for pk in RiseEngagement.objects.filter(establishment=establishment).values_list("pk", flat=True)]
    return list(
        AuditEvent.objects.filter(target_type=RiseEngagement._meta.label_lower, target_id__in=ids)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )


# Services ------------------------------------------------------------------------------------------------------------


def _state(engagement: RiseEngagement) -> dict[str, object]:
    return {
        "school": engagement.establishment.urn,
        "kind": engagement.kind,
        "adviser": engagement.adviser,
        "support_plan": engagement.support_plan,
        "grant_amount": engagement.grant_amount,
        "started_on": engagement.started_on,
    }


def record_rise_engagement(
    *,
    establishment: Establishment,
    kind: str,
    adviser: str,
    support_plan: str,
    started_on: dt.date,
    by: User,
    grant_amount: Decimal | None = None,
    reason: str = "",
) -> RiseEngagement:
    """Records the start of a RISE engagement. Targeted intervention only for a school eligible on the start
    date; a grant only for targeted intervention, never negative nor above the accountability rules' limit;
    at most one open engagement of each kind per school. The audit trail's reason is the one given, else the
    school's eligibility in words."""
    if kind not in RiseEngagement.Kind.values:
        raise RiseRuleError("Choose universal support or targeted intervention.")
    targeted = kind == RiseEngagement.Kind.TARGETED
    adviser, support_plan, reason = adviser.strip(), support_plan.strip(), reason.strip()
    problems: list[str] = []
    if targeted and not adviser:
        problems.append("Give the name of the school's RISE adviser: targeted intervention has one.")
    if not support_plan:
        problems.append("Describe the support plan: what RISE and the school will do, and by when.")
    limit = rules_named().rise_grant_limit
    if grant_amount is not None:
        if not targeted:
            problems.append("A RISE grant is only for targeted intervention; universal support has none.")
        elif grant_amount < 0:
            problems.append("A RISE grant cannot be less than £0.")
        elif grant_amount > limit:
            problems.append(
                f"A targeted RISE grant can be at most {_pounds(limit)}; {_pounds(grant_amount)} is more than that."
            )
    eligibility = rise_eligibility(establishment, started_on)
    if targeted and not eligibility.eligible:
        problems.append(eligibility.refusal)
    if problems:
        raise RiseRuleError(*problems)
    label = RiseEngagement.Kind(kind).label
    with transaction.atomic():
        open_already = RiseEngagement.objects.filter(establishment=establishment, kind=kind, ended_on__isnull=True)
        if open_already.exists():
            raise RiseRuleError(
                f"{establishment.name} already has open RISE {label.lower()}: record its end before starting another."
            )
        try:
            with transaction.atomic():
                engagement = RiseEngagement.objects.create(
                    establishment=establishment,
                    kind=kind,
                    adviser=adviser,
                    support_plan=support_plan,
                    grant_amount=grant_amount,
                    started_on=started_on,
                    recorded_by=by,
                )
        except IntegrityError as exc:  # another officer recorded one at the same moment
            raise RiseRuleError(
                f"{establishment.name} already has open RISE {label.lower()}: record its end before starting another."
            ) from exc
        audit.record(
            actor=by,
            verb="RISE engagement recorded",
            target=engagement,
            after={**_state(engagement), "eligibility": eligibility.words},
            reason=reason or eligibility.words,
        )
    return engagement


def end_rise_engagement(
    engagement: RiseEngagement, ended_on: dt.date, outcome: str, by: User, reason: str
) -> RiseEngagement:
    """Records the end of an open engagement: the date (not before it started, not still to come), what it
    achieved and why it is ending. An ended engagement is never changed again."""
    outcome, reason = outcome.strip(), reason.strip()
    with transaction.atomic():
        current = RiseEngagement.objects.select_for_update().select_related("establishment").get(pk=engagement.pk)
        if current.ended_on is not None:
            raise RiseRuleError(
                f"This RISE engagement already ended on {_day(current.ended_on)}; an ended engagement is not changed."
            )
        problems: list[str] = []
        if ended_on < current.started_on:
            problems.append(f"The end date cannot be before the engagement started, on {_day(current.started_on)}.")
        if ended_on > timezone.localdate():
            problems.append("The end date cannot be in the future: record the end when it has happened.")
        if not outcome:
            problems.append("Say what the engagement achieved: an engagement is ended with its outcome.")
        if not reason:
            problems.append("Say why the engagement is ending.")
        if problems:
            raise RiseRuleError(*problems)
        current.ended_on = ended_on
        current.outcome = outcome
        current.save(update_fields=["ended_on", "outcome"])
        audit.record(
            actor=by,
            verb="RISE engagement ended",
            target=current,
            before={"ended_on": None, "outcome": ""},
            after={"ended_on": ended_on, "outcome": outcome},
            reason=reason,
        )
    engagement.ended_on, engagement.outcome = current.ended_on, current.outcome
    return current
