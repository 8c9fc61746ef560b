"""The demo's schools causing concern: a review-group meeting for Hampshire a few months before the day the
demo is loaded, designating the schools the categorisation round flags from their real Ofsted outcomes, each
with an illustrative action plan and one review, so that the next review falls due in the coming weeks. The
plans are invented for the demo and say so; the triggers come from the real data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway.accounts.models import User
from headway.concerns import services
from headway.concerns.models import SchoolCausingConcern
from headway.concerns.policy import concern_policy_in_force
from headway.risk.models import CategoryProposal
from headway.schools.models import LocalAuthority

DEMO_SCHOOLS = 4
#: The review group met about four months before the demo is loaded.
MEETING_DAYS_AGO = 120
#: The action plan's next review falls due this many days after the demo is loaded.
REVIEW_DUE_IN_DAYS = 21


def _weekday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


@dataclass(frozen=True)
class ConcernDates:
    """The demo's dates for schools causing concern, relative to the day it is loaded."""

    meeting_on: dt.date
    discussed_with_head_on: dt.date
    plan_agreed_on: dt.date
    first_milestone_on: dt.date
    second_milestone_on: dt.date
    reviewed_on: dt.date

    @classmethod
    def as_of(cls, today: dt.date) -> ConcernDates:
        meeting_on = today - dt.timedelta(days=MEETING_DAYS_AGO)
        if meeting_on.month == 8:  # review groups do not meet in the summer holiday: the July meeting instead
            meeting_on = dt.date(meeting_on.year, 7, 15)
        meeting_on = _weekday_on_or_before(meeting_on)
        every = concern_policy_in_force(today).plan_review_at_least_every_days
        agreed_on = meeting_on + dt.timedelta(days=14)
        reviewed_on = max(agreed_on, today + dt.timedelta(days=REVIEW_DUE_IN_DAYS - every))
        return cls(
            meeting_on=meeting_on,
            discussed_with_head_on=meeting_on - dt.timedelta(days=5),
            plan_agreed_on=agreed_on,
            first_milestone_on=agreed_on + dt.timedelta(days=42),
            second_milestone_on=agreed_on + dt.timedelta(days=365),
            reviewed_on=min(reviewed_on, today),
        )


def demo_concerns_load(
    *, local_authority: LocalAuthority, head_of_service: User, lead_officer: User, today: dt.date
) -> list[str]:
    """Designates up to four flagged schools at a demo review group (once: nothing happens when the authority
    has any school causing concern); returns what it did."""
    if SchoolCausingConcern.objects.filter(establishment__local_authority=local_authority).exists():
        return []
    proposals = (
        CategoryProposal.objects.filter(round__local_authority=local_authority, causing_concern=True)
        .exclude(triggers=[])
        .filter(establishment__status__istartswith="open")
        .select_related("establishment")
        .order_by("-round__opened_at", "category", "establishment__urn")
    )
    chosen: list[CategoryProposal] = []
    for proposal in proposals:
        if proposal.establishment_id not in {p.establishment_id for p in chosen}:
            chosen.append(proposal)
        if len(chosen) == DEMO_SCHOOLS:
            break
    if not chosen:
        return []
    dates = ConcernDates.as_of(today)
    policy = concern_policy_in_force(dates.meeting_on)
    meeting = services.meeting_schedule(local_authority=local_authority, held_on=dates.meeting_on, by=head_of_service)
    services.agenda_prepare(meeting=meeting, by=head_of_service, policy=policy)
    done: list[str] = []
    for proposal in chosen:
        school = proposal.establishment
        decision = services.designate(
            meeting=meeting,
            establishment=school,
            reasons="Demo: the categorisation round flagged the school from its latest Ofsted outcome.",
            discussed_with_head_on=dates.discussed_with_head_on,
            by=head_of_service,
            lead_officer=lead_officer,
            policy=policy,
        )
        concern = decision.concern
        assert concern is not None
        plan = services.action_plan_record(
            concern=concern,
            key_issues="Demo: the quality of teaching in reading and mathematics; the precision of leaders' checks.",
            where_in_a_year="Demo: judged good at the next inspection; pupils' attainment in line with national.",
            monitoring_arrangements="Demo: half-termly visits by the lead officer; termly review of this plan.",
            agreed_on=dates.plan_agreed_on,
            milestones=[
                {"title": "Reading leader appointed and trained", "due_on": dates.first_milestone_on},
                {"title": "Phonics screening check at national", "due_on": dates.second_milestone_on},
            ],
            actions=[
                {
                    "by": "school",
                    "description": "Daily phonics for every pupil in Years 1 and 2",
                    "owner": "Headteacher",
                },
                {
                    "by": "la",
                    "description": "Lead officer visits each half-term",
                    "owner": lead_officer.get_full_name(),
                },
            ],
            support=[
                {
                    "provider": "Demo: local English hub",
                    "description": "Phonics training for all staff",
                    "hours": 12,
                    "cost": 1800,
                    "paid_by": "la",
                }
            ],
            by=head_of_service,
        )
        services.plan_review_record(
            plan=plan,
            reviewed_on=dates.reviewed_on,
            progress={
                m.pk: ("green" if i == 0 else "amber", "Demo rating") for i, m in enumerate(plan.milestones.all())
            },
            summary="Demo: the reading leader is in post; phonics outcomes not yet known.",
            next_steps="Demo: keep half-termly visits; review again next term.",
            by=head_of_service,
        )
        done.append(f"{school.name} ({school.urn})")
    if done:
        done[0] = f"review group of {dates.meeting_on:%-d %B %Y}: {done[0]}"
    return done
