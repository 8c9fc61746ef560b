"""One school's whole time causing concern, on the real Hampshire sample, run on SQLite and PostgreSQL:
a categorisation round finds the trigger after Alton Infant School is judged requires improvement, the review
group designates it, a lead officer and an action plan follow, two termly reviews rate every milestone, a
monitoring meeting challenges the school, and a year later (not engaging, unlikely to be good within six
months) the review group issues a formal warning notice on the standards ground. The school does not comply,
the LA gives written notice of eligibility and appoints an interim executive board. The case is then told
again from the audit trail alone, and no decision was ever changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from headway.accounts.models import AuditEvent
from headway.concerns import rules, selectors, services, timeline
from headway.concerns.models import (
    ActionPlan,
    ConcernJudgement,
    ConcernStatus,
    DecisionKind,
    Letter,
    MonitoringMeeting,
    PlanReview,
    ReviewGroupDecision,
    SchoolCausingConcern,
    StatutoryPower,
    WarningNotice,
)
from headway.concerns.policy import concern_policy_named
from headway.risk.policy import policy_named
from headway.risk.selectors import latest_proposal
from headway.risk.services import round_run
from tests.concerns.world import ALTON, inspect, make_world, meeting

RI_TRIGGER = "judged_inadequate_or_requires_improvement"
POLICY = concern_policy_named()


class Ledger:
    """Proves, after every step, that no decision row was changed and that the records only grow."""

    def __init__(self) -> None:
        self.decisions: dict[int, dict[str, Any]] = {}
        self.counts: dict[str, int] = {}

    def check(self) -> None:
        rows = {row["id"]: row for row in ReviewGroupDecision.objects.values()}
        for pk, row in self.decisions.items():
            assert rows.get(pk) == row, f"decision {pk} was changed or deleted"
        self.decisions = rows
        counts = {
            model._meta.label: model._default_manager.count()
            for model in (
                ReviewGroupDecision,
                AuditEvent,
                ActionPlan,
                PlanReview,
                MonitoringMeeting,
                ConcernJudgement,
                WarningNotice,
                StatutoryPower,
                Letter,
            )
        }
        for label, count in counts.items():
            assert count >= self.counts.get(label, 0), f"{label} rows went down"
        self.counts = counts


@pytest.mark.django_db
def test_a_school_causing_concern_from_trigger_to_interim_executive_board() -> None:
    world = make_world()
    school = world.school
    assert school.urn == ALTON
    ledger = Ledger()
    barnet = policy_named("hampshire-2022")  # Barnet's 2020 policy as Hampshire adopted it (data/demo/config)

    # A round before the inspection finds nothing; Ofsted then judges Alton requires improvement. --------------------
    before_ri = round_run(
        local_authority=world.hampshire,
        policy=barnet,
        as_of=dt.date(2025, 2, 1),
        by=world.head_of_service,
        with_risk=False,
    )
    assert before_ri.proposals.get(establishment=school).triggers == []
    inspect(school, dt.date(2025, 3, 10), 3, published=dt.date(2025, 4, 9))
    categorisation = round_run(
        local_authority=world.hampshire,
        policy=barnet,
        as_of=dt.date(2025, 9, 1),
        by=world.head_of_service,
        with_risk=False,
    )
    proposal = categorisation.proposals.get(establishment=school)
    assert [t["name"] for t in proposal.triggers] == [RI_TRIGGER]
    assert proposal.causing_concern and proposal.category == "4a"  # RI, capacity to improve not yet judged
    assert proposal.evidence["latest_grade"] == 3
    assert latest_proposal(school) == proposal
    ledger.check()

    # The review group: the agenda lists Alton under new triggers; Alton is designated. --------------------------------
    first = meeting(world, dt.date(2025, 10, 15))
    services.agenda_prepare(meeting=first, by=world.head_of_service)
    first.refresh_from_db()
    new = {row["urn"]: row for row in first.agenda["new_triggers"]}
    assert ALTON in new
    assert new[ALTON]["name"] == "Alton Infant School" and new[ALTON]["round"] == "2025-09-01"
    assert new[ALTON]["triggers"] == [proposal.triggers[0]["label"]]
    assert all(row["urn"] != ALTON for row in first.agenda["schools"])

    designation = services.designate(
        meeting=first,
        establishment=school,
        reasons="Judged requires improvement in March 2025; leadership capacity to improve not yet secure.",
        discussed_with_head_on=dt.date(2025, 10, 8),
        by=world.head_of_service,
    )  # no triggers given: the latest proposal's
    concern = designation.concern
    assert concern is not None
    assert concern.triggers == [{"name": RI_TRIGGER, "label": proposal.triggers[0]["label"]}]
    assert concern.evidence["latest_grade"] == 3
    assert concern.status == ConcernStatus.CAUSING_CONCERN and concern.lead_officer is None
    services.minutes_record(
        meeting=first,
        attendees="Sam Service (chair), Olu Lead, governor services",
        minutes="Alton Infant School designated as causing concern.",
        by=world.head_of_service,
    )
    ledger.check()

    services.lead_officer_assign(
        concern=concern, officer=world.officer, reason="Alton's link officer since 2023.", by=world.head_of_service
    )
    ledger.check()

    # The action plan, with brokered support, and two termly reviews. -------------------------------------------------
    action_plan = services.action_plan_record(
        concern=concern,
        key_issues="Early reading below expectations; governors do not hold leaders to account.",
        where_in_a_year="Phonics screening in line with national; governors challenging leaders on reading.",
        monitoring_arrangements="Half-termly visits by the lead officer; termly reviews; review group each half-term.",
        agreed_on=dt.date(2025, 11, 5),
        milestones=[
            {"title": "Phonics programme in every class", "due_on": dt.date(2026, 1, 30)},
            {"title": "Governor skills audit and training", "due_on": dt.date(2026, 3, 27)},
            {"title": "Year 1 phonics check at national", "due_on": dt.date(2026, 7, 17)},
        ],
        actions=[
            {"by": "school", "description": "Train every teacher in the phonics programme", "owner": "Headteacher"},
            {"by": "school", "description": "Governors' reading link visits each half-term", "owner": "Chair"},
            {"by": "la", "description": "Broker a national leader of governance", "due_on": dt.date(2025, 12, 1)},
        ],
        support=[
            {
                "provider": "National leader of governance",
                "description": "Review of governance",
                "hours": 10,
                "cost": "4500.00",
                "paid_by": "la",
            },
            {"provider": "English hub", "description": "Phonics training", "hours": "6.5", "cost": 0, "paid_by": "dfe"},
        ],
        by=world.officer,
    )
    milestones = list(action_plan.milestones.all())
    ledger.check()

    def review(on: dt.date, rags: list[str], summary: str) -> PlanReview:
        return services.plan_review_record(
            plan=action_plan,
            reviewed_on=on,
            progress={m.pk: (rag, f"{m.title}: {rag}.") for m, rag in zip(milestones, rags, strict=True)},
            summary=summary,
            next_steps="Continue the plan; governor training next term.",
            by=world.officer,
        )

    review(dt.date(2026, 2, 10), ["green", "amber", "red"], "Phonics in place; governance behind.")
    ledger.check()
    keep = services.keep(
        meeting=meeting(world, dt.date(2026, 3, 4)),
        concern=concern,
        reasons="Some progress on phonics; governance not yet effective.",
        discussed_with_head_on=dt.date(2026, 2, 27),
        by=world.head_of_service,
    )
    ledger.check()
    review(dt.date(2026, 5, 12), ["green", "amber", "amber"], "Governor audit half done; phonics results unsure.")
    assert selectors.rag_counts(selectors.latest_review(concern)) == {"red": 0, "amber": 2, "green": 1}
    assert rules.plan_review_due(concern, POLICY) == dt.date(2026, 5, 12) + dt.timedelta(days=105)
    ledger.check()

    services.monitoring_meeting_record(
        concern=concern,
        held_on=dt.date(2026, 6, 10),
        chaired_by="Head of school improvement",
        attendees="Headteacher, chair of governors, Olu Lead",
        notes="Challenged on the governance milestone; the chair declined the offered training.",
        by=world.officer,
    )
    ledger.check()

    # A year on: not engaging, unlikely to be good within six months. A formal warning notice. ------------------------
    for kind in (ConcernJudgement.Kind.NOT_ENGAGED, ConcernJudgement.Kind.UNLIKELY_GOOD_IN_SIX_MONTHS):
        services.judgement_record(
            concern=concern,
            kind=kind,
            value=True,
            made_on=dt.date(2026, 10, 1),
            reason="Governors declined the brokered support; phonics check below national.",
            by=world.officer,
        )
    ledger.check()
    third = meeting(world, dt.date(2026, 10, 21))
    services.agenda_prepare(meeting=third, by=world.head_of_service)
    third.refresh_from_db()
    (row,) = [s for s in third.agenda["schools"] if s["urn"] == ALTON]
    assert row["months"] == 12 and row["plan_version"] == 1 and row["last_review"] == "2026-05-12"
    assert row["warning_notice_proposed"] == [
        r.label for r in POLICY.warning_notice_rules if r.name != "review_not_secured"
    ]
    assert row["removal_blocked"]
    assert third.agenda["previous_meeting"] == "2026-03-04"
    notice = services.warning_notice_issue(
        meeting=third,
        concern=concern,
        ground="standards",
        reasons="Standards remain unacceptably low; the school has not engaged with the support brokered for it.",
        required_action="Take up the national leader of governance's review and the phonics support.",
        discussed_with_head_on=dt.date(2026, 10, 14),
        by=world.head_of_service,
    )
    assert notice.ground_label == POLICY.grounds["standards"]
    assert notice.compliance_working_days == 15 and notice.compliance_ends_on == dt.date(2026, 11, 11)
    assert concern.status == ConcernStatus.WARNING_NOTICE
    ledger.check()

    # Not complied with; written notice of eligibility; an interim executive board. -----------------------------------
    services.warning_notice_outcome(
        notice=notice, complied=False, on=dt.date(2026, 11, 12), reason="No response by 11 November.", by=world.officer
    )
    ledger.check()
    services.eligibility_notice_give(
        notice=notice, on=dt.date(2026, 11, 16), reason="Warning notice not complied with.", by=world.head_of_service
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.ELIGIBLE and concern.eligible_since == dt.date(2026, 11, 16)
    ledger.check()
    ieb = services.power_use(
        concern=concern,
        power="interim_executive_board",
        decided_on=dt.date(2026, 12, 1),
        starts_on=dt.date(2027, 1, 4),
        notes="The director decided to replace the governing body with an IEB.",
        by=world.head_of_service,
    )
    ledger.check()

    # The case told again from the audit trail alone. -----------------------------------------------------------------
    trail = timeline.audit_trail_for(concern)
    events = [e for e in trail if e.verb != "letter generated"]
    assert [e.verb for e in events] == [
        "review group decision: designate",
        "designated as causing concern",
        "lead officer assigned",
        "action plan recorded",
        "action plan reviewed",
        "review group decision: keep",
        "action plan reviewed",
        "monitoring meeting recorded",
        "concern judgement recorded",
        "concern judgement recorded",
        "review group decision: warning_notice",
        "warning notice issued",
        "formal warning notice",
        "warning notice outcome",
        "written notice of eligibility given",
        "eligible for intervention",
        "statutory power used",
    ]
    assert trail == sorted(trail, key=lambda e: (e.occurred_at, e.id))
    for event in trail:
        assert event.actor is not None and event.actor_name == event.actor.get_username(), event.verb
        assert event.occurred_at is not None, event.verb
    by_verb: dict[str, list[AuditEvent]] = {}
    for event in events:
        by_verb.setdefault(event.verb, []).append(event)

    def one(verb: str) -> AuditEvent:
        (event,) = by_verb[verb]
        return event

    designate_event = one("review group decision: designate")
    assert designate_event.actor == world.head_of_service
    assert designate_event.target_id == str(designation.pk) and designate_event.before is None
    assert designate_event.after == {
        "school": ALTON,
        "meeting": "2025-10-15",
        "decision": "designate",
        "discussed_with_head_on": "2025-10-08",
    }
    designated_event = one("designated as causing concern")
    assert designated_event.before is None
    assert designated_event.after is not None
    assert designated_event.after["status"] == "causing_concern" and designated_event.after["designated_on"] == (
        "2025-10-15"
    )
    assert designated_event.after["triggers"] == concern.triggers
    assert one("lead officer assigned").before == {"lead_officer": None}
    assert one("lead officer assigned").after == {"lead_officer": "officer.alton"}
    plan_event = one("action plan recorded")
    assert plan_event.actor == world.officer and plan_event.before is None
    assert plan_event.after is not None and plan_event.after["version"] == 1
    assert plan_event.after["support"] == [
        "National leader of governance: 10.0 h, £4500.00 (la)",
        "English hub: 6.5 h, £0.00 (dfe)",
    ]
    assert [e.after["progress"] for e in by_verb["action plan reviewed"] if e.after] == [
        dict(zip([m.title for m in milestones], ["green", "amber", "red"], strict=True)),
        dict(zip([m.title for m in milestones], ["green", "amber", "amber"], strict=True)),
    ]
    assert one("review group decision: keep").target_id == str(keep.pk)
    assert [e.after for e in by_verb["concern judgement recorded"]] == [
        {"judgement": "not_engaged", "value": True, "made_on": "2026-10-01"},
        {"judgement": "unlikely_good_within_6_months", "value": True, "made_on": "2026-10-01"},
    ]
    issued = one("warning notice issued")
    assert issued.target_id == str(notice.pk)
    assert issued.after == {
        "ground": "standards",
        "issued_on": "2026-10-21",
        "compliance_ends_on": "2026-11-11",
        "proposed_because": ["not_engaged", "prolonged_concern"],
    }
    assert one("formal warning notice").before == {"status": "causing_concern"}
    assert one("formal warning notice").after == {"status": "warning_notice"}
    assert one("warning notice outcome").before == {"outcome": "open", "outcome_on": None}
    assert one("warning notice outcome").after == {"outcome": "not_complied", "outcome_on": "2026-11-12"}
    assert one("written notice of eligibility given").after == {"eligibility_notice_on": "2026-11-16"}
    eligible = one("eligible for intervention")
    assert eligible.before == {"status": "warning_notice", "eligible_since": None, "eligibility_ground": ""}
    assert eligible.after == {
        "status": "eligible_for_intervention",
        "eligible_since": "2026-11-16",
        "eligibility_ground": POLICY.eligibility_grounds["warning_notice_not_complied"],
    }
    power = one("statutory power used")
    assert power.target_id == str(ieb.pk)
    assert power.after == {
        "power": "interim_executive_board",
        "decided_on": "2026-12-01",
        "starts_on": "2027-01-04",
        "eligible_because": "warning_notice_not_complied",
    }

    # The decisions are all still there, as first recorded, newest first. ---------------------------------------------
    decisions = list(concern.decisions.order_by("pk"))
    assert [d.kind for d in decisions] == [DecisionKind.DESIGNATE, DecisionKind.KEEP, DecisionKind.WARNING_NOTICE]
    assert [d.recorded_at for d in decisions] == [
        designation.recorded_at,
        keep.recorded_at,
        notice.decision.recorded_at,
    ]
    assert [d.reasons for d in decisions] == [designation.reasons, keep.reasons, notice.decision.reasons]
    ledger.check()
    assert SchoolCausingConcern.objects.filter(establishment=school).count() == 1

    # The register shows Alton eligible for intervention, with its warning notice. ------------------------------------
    (listed,) = [r for r in selectors.concerns_list(world.hampshire) if r["urn"] == str(ALTON)]
    assert listed == {
        "urn": str(ALTON),
        "name": "Alton Infant School",
        "since": "2025-10-15",
        "triggers": [RI_TRIGGER],
        "lead_officer": "Olu Lead",
        "status": "eligible_for_intervention",
        "warning_notice": {
            "issued_on": "2026-10-21",
            "ground": "standards",
            "compliance_ends_on": "2026-11-11",
            "outcome": "not_complied",
        },
    }
    case = selectors.case_for(school, POLICY, dt.date(2026, 12, 2))
    assert case.eligibility is not None and case.eligibility.since == dt.date(2026, 11, 16)
    assert case.removal_blocker and not case.statement_needed

    # Letters: headteacher and chair for the designation and for the warning notice (and the eligibility notice). -----
    def recipients(kind: str) -> list[str]:
        return sorted(concern.letters.filter(kind=kind).values_list("recipient", flat=True))

    assert recipients(Letter.Kind.DESIGNATION) == ["chair", "headteacher"]
    assert recipients(Letter.Kind.WARNING_NOTICE) == ["chair", "headteacher"]
    assert concern.letters.get(kind=Letter.Kind.WARNING_NOTICE, recipient="headteacher").warning_notice == notice
    assert {e.target_id for e in trail if e.verb == "letter generated"} == {
        str(pk) for pk in concern.letters.values_list("pk", flat=True)
    }
