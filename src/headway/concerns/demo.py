"""The demo's schools causing concern: a review-group meeting for Hampshire that designates the schools
the categorisation round flags from their real Ofsted outcomes, with an illustrative action plan and review.
The plans are invented for the demo and say so; the triggers come from the real data."""

from __future__ import annotations

import datetime as dt

from headway.accounts.models import User
from headway.concerns import services
from headway.concerns.models import SchoolCausingConcern
from headway.risk.models import CategoryProposal
from headway.schools.models import LocalAuthority

MEETING_ON = dt.date(2022, 5, 11)
DEMO_SCHOOLS = 4


def demo_concerns_load(*, local_authority: LocalAuthority, head_of_service: User, lead_officer: User) -> list[str]:
    """Designates up to four flagged schools at a demo review group (once); returns what it did."""
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
    meeting = services.meeting_schedule(local_authority=local_authority, held_on=MEETING_ON, by=head_of_service)
    services.agenda_prepare(meeting=meeting, by=head_of_service)
    done: list[str] = []
    for proposal in chosen:
        school = proposal.establishment
        decision = services.designate(
            meeting=meeting,
            establishment=school,
            reasons="Demo: the categorisation round flagged the school from its latest Ofsted outcome.",
            discussed_with_head_on=MEETING_ON - dt.timedelta(days=5),
            by=head_of_service,
            lead_officer=lead_officer,
        )
        concern = decision.concern
        assert concern is not None
        plan = services.action_plan_record(
            concern=concern,
            key_issues="Demo: the quality of teaching in reading and mathematics; the precision of leaders' checks.",
            where_in_a_year="Demo: judged good at the next inspection; pupils' attainment in line with national.",
            monitoring_arrangements="Demo: half-termly visits by the lead officer; termly review of this plan.",
            agreed_on=MEETING_ON + dt.timedelta(days=14),
            milestones=[
                {"title": "Reading leader appointed and trained", "due_on": dt.date(2022, 7, 15)},
                {"title": "Phonics screening check at national", "due_on": dt.date(2023, 6, 30)},
            ],
            actions=[
                {
                    "by": "school",
                    "description": "Daily phonics for every pupil in Years 1 and 2",
                    "owner": "Headteacher",
                },
                {"by": "la", "description": "Lead officer visits each half-term", "owner": lead_officer.get_username()},
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
            reviewed_on=dt.date(2022, 7, 20),
            progress={
                m.pk: ("green" if i == 0 else "amber", "Demo rating") for i, m in enumerate(plan.milestones.all())
            },
            summary="Demo: the reading leader is in post; phonics outcomes not yet known.",
            next_steps="Demo: keep half-termly visits; review again in the autumn term.",
            by=head_of_service,
        )
        done.append(f"{school.name} ({school.urn})")
    return done
