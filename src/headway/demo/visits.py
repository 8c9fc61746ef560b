"""The demo's visit plan: the demo categorisation round's proposals for Hampshire confirmed as they stand, the
visit plan of the academic year containing the day the demo is loaded, built as of that year's start (so every
visit of the year is planned), the visits before that day marked done, and a note of the latest of them to
Alton Infant School sent to its headteacher, so that head.alton has a note awaiting their response. The note's
text is invented for the demo and says so."""

from __future__ import annotations

import datetime as dt

from headway.accounts.models import User
from headway.reports import terms
from headway.risk.models import CategorisationRound, CategoryDecision
from headway.risk.services import round_confirm_all
from headway.schools.models import LocalAuthority
from headway.visits import notes
from headway.visits.models import Visit
from headway.visits.planning import visit_mark_done, visit_plan_build

ALTON = 115850


def plan_as_of(today: dt.date) -> tuple[int, dt.date]:
    """The academic year containing ``today`` (the year it starts) and the day its plan is built as of: the
    year's first day, 1 September."""
    start_year = terms.academic_year(today)
    return start_year, dt.date(start_year, 9, 1)


def demo_visits_load(*, local_authority: LocalAuthority, by: User, today: dt.date) -> list[str]:
    """Confirm the latest round (when nothing of it is confirmed yet), build the year's plan, mark the visits
    before ``today`` done and send one note, once: nothing happens when the year already has visits. Returns
    what it did."""
    start_year, as_of = plan_as_of(today)
    if Visit.objects.filter(
        academic_year__local_authority=local_authority, academic_year__start_year=start_year
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
    result = visit_plan_build(local_authority=local_authority, start_year=start_year, today=as_of, by=by)
    summary = result.summary()
    done.append(f"{result.academic_year} plan built ({summary['visits']} visits to {summary['schools']} schools)")
    past = list(
        Visit.objects.filter(academic_year=result.academic_year, status=Visit.Status.PLANNED, planned_on__lt=today)
        .select_related("establishment", "officer")
        .order_by("planned_on", "pk")
    )
    for visit in past:
        visit_mark_done(visit=visit, by=visit.officer or by)
    if past:
        done.append(f"{len(past)} visits before {today:%-d %B %Y} marked done")
    alton = next((v for v in reversed(past) if v.establishment.urn == ALTON), None)
    if alton is None:
        done.append(f"no visit to {ALTON} before {today:%-d %B %Y}, so no note of visit yet")
        return done
    visit = alton
    author = visit.officer or by
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
