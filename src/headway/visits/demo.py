"""The demo's visit plan: the demo categorisation round's proposals for Hampshire confirmed as they stand,
the 2025/26 visit plan built from them (as of 1 August 2025, so every visit of the year is planned), and a
note of visit to Alton Infant School sent to its headteacher, so that head.alton has a note awaiting their
response. The note's text is invented for the demo and says so."""

from __future__ import annotations

import datetime as dt

from headway.accounts.models import User
from headway.risk.models import CategorisationRound, CategoryDecision
from headway.risk.services import round_confirm_all
from headway.schools.models import LocalAuthority
from headway.visits import notes
from headway.visits.models import Visit
from headway.visits.planning import visit_mark_done, visit_plan_build

START_YEAR = 2025
AS_OF = dt.date(2025, 8, 1)
ALTON = 115850


def demo_visits_load(*, local_authority: LocalAuthority, by: User) -> list[str]:
    """Confirm the latest round (when nothing of it is confirmed yet), build the plan and send one note, once:
    nothing happens when the year already has visits. Returns what it did."""
    if Visit.objects.filter(
        academic_year__local_authority=local_authority, academic_year__start_year=START_YEAR
    ).exists():
        return []
    done: list[str] = []
    categorisation_round = CategorisationRound.objects.filter(local_authority=local_authority).first()
    if (
        categorisation_round is not None
        and not CategoryDecision.objects.filter(proposal__round=categorisation_round).exists()
    ):
        confirmed = round_confirm_all(categorisation_round=categorisation_round, by=by)
        done.append(f"{confirmed} proposals of {categorisation_round} confirmed")
    result = visit_plan_build(local_authority=local_authority, start_year=START_YEAR, today=AS_OF, by=by)
    summary = result.summary()
    done.append(f"{result.academic_year} plan built ({summary['visits']} visits to {summary['schools']} schools)")
    visit = (
        Visit.objects.filter(establishment__urn=ALTON, academic_year=result.academic_year, status=Visit.Status.PLANNED)
        .select_related("establishment", "officer")
        .order_by("planned_on")
        .first()
    )
    if visit is None:
        return done
    author = visit.officer or by
    visit_mark_done(visit=visit, by=author)
    note = notes.note_create(visit=visit, template_name="standard", author=author)
    notes.note_update(
        note=note,
        by=author,
        sections={
            "purpose": "Demo: school effectiveness visit; met the headteacher and the English lead.",
            "summary": "Demo: a settled start to the year; phonics teaching is consistent across Year 1.",
        },
        judgements={
            "curriculum_and_teaching": {
                "judgement": "Secure",
                "evidence": "Demo: reading deep dive; phonics sessions seen in Reception and Year 1.",
            },
            "attendance_and_behaviour": {
                "judgement": "Emerging",
                "evidence": "Demo: persistent absence above the Hampshire average in the autumn term.",
            },
        },
        actions="Demo: the headteacher to share the attendance action plan with governors by half-term.",
        next_steps="Demo: look at attendance again at the next visit.",
    )
    notes.note_send(note=note, by=author)
    done.append(f"a note of the visit to {visit.establishment.name} on {visit.planned_on:%-d %B %Y} sent to its head")
    return done
