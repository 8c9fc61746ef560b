"""The schools-causing-concern rules, each proved by a test that fails when the rule is broken: removal after
RI or inadequate, designation as the informal warning, decisions (headteacher first, with reasons, never
overwritten), formal warning notices (when proposed, ground, compliance period in working days), eligibility
for intervention, statutory powers, statements of action, lead officers, action plans and their termly
reviews, academies (no LA powers; escalation only after the trust) and the audit of every change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import models

from headway.accounts.models import AuditEvent, Role
from headway.concerns import rules, services
from headway.concerns.models import (
    AcademyContact,
    ActionPlan,
    ConcernJudgement,
    ConcernStatus,
    DecisionKind,
    Letter,
    Milestone,
    MilestoneProgress,
    PlanReview,
    ReviewGroupDecision,
    ReviewGroupMeeting,
    SchoolCausingConcern,
    StatementOfAction,
    StatutoryPower,
    WarningNotice,
)
from headway.concerns.policy import concern_policy_named
from headway.concerns.services import ConcernRuleError
from headway.inspections.models import Framework, Inspection, Judgement, Source
from headway.schools.models import Establishment
from tests.concerns.world import TRIGGER, World, designated, inspect, make_world, meeting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

POLICY = concern_policy_named()
DESIGNATED_ON = dt.date(2025, 10, 15)  # designated()'s default meeting
JK = ConcernJudgement.Kind


# Helpers --------------------------------------------------------------------------------------------------------------

RECORDS: tuple[type[models.Model], ...] = (
    SchoolCausingConcern,
    ReviewGroupDecision,
    ConcernJudgement,
    WarningNotice,
    StatutoryPower,
    StatementOfAction,
    ActionPlan,
    Milestone,
    PlanReview,
    MilestoneProgress,
    AcademyContact,
    Letter,
    AuditEvent,
)


def db_state() -> dict[str, Any]:
    """Every concerns row count, the audit trail's length and each concern's state."""
    state: dict[str, Any] = {model._meta.label: model._default_manager.count() for model in RECORDS}
    state["concerns"] = list(
        SchoolCausingConcern.objects.order_by("pk").values_list(
            "pk", "status", "eligible_since", "eligibility_ground", "lead_officer_id", "removed_on", "removal_reason"
        )
    )
    state["notices"] = list(
        WarningNotice.objects.order_by("pk").values_list("pk", "outcome", "outcome_on", "eligibility_notice_on")
    )
    return state


@contextmanager
def refused(match: str) -> Iterator[None]:
    """The service call inside refuses with a ConcernRuleError matching ``match`` and writes nothing."""
    before = db_state()
    with pytest.raises(ConcernRuleError, match=match):
        yield
    assert db_state() == before


def last_event(verb: str) -> AuditEvent:
    event = AuditEvent.objects.filter(verb=verb).order_by("-occurred_at", "-id").first()
    assert event is not None, f"no audit event {verb!r}"
    return event


def judge(world: World, concern: SchoolCausingConcern, kind: str, value: bool, on: dt.date) -> ConcernJudgement:
    return services.judgement_record(
        concern=concern,
        kind=kind,
        value=value,
        made_on=on,
        reason=f"Lead officer's judgement of {on}.",
        by=world.officer,
    )


def issue(
    world: World,
    concern: SchoolCausingConcern,
    on: ReviewGroupMeeting | dt.date,
    *,
    ground: str = "standards",
    **kwargs: Any,
) -> WarningNotice:
    held = on if isinstance(on, ReviewGroupMeeting) else meeting(world, on)
    return services.warning_notice_issue(
        meeting=held,
        concern=concern,
        ground=ground,
        reasons="Standards remain unacceptably low and the school has not engaged with support.",
        required_action="Secure the agreed support for reading and governance within the compliance period.",
        discussed_with_head_on=held.held_on - dt.timedelta(days=7),
        by=world.head_of_service,
        **kwargs,
    )


def report_card(school: Establishment, on: dt.date, grades: list[int], *, safeguarding_met: bool | None) -> Inspection:
    """A November 2025 report-card inspection: no overall grade, one graded row per evaluation area."""
    inspection = Inspection.objects.create(
        establishment=school,
        framework=Framework.REPORT_CARD_2025,
        source=Source.OFSTED_MI,
        start_date=on,
        publication_date=on + dt.timedelta(days=30),
        overall_effectiveness=None,
        safeguarding_met=safeguarding_met,
        inspection_type="Section 5",
    )
    for n, grade in enumerate(grades):
        Judgement.objects.create(
            inspection=inspection, area=f"area {n}", scale=Judgement.Scale.REPORT_CARD, grade=grade
        )
    return inspection


def key_judgements(school: Establishment, on: dt.date, grades: list[int]) -> Inspection:
    """A September 2024 inspection: no overall grade, the four key judgements graded 1-4."""
    inspection = inspect(school, on, None, framework=Framework.NO_OVERALL_2024)
    for area, grade in zip(
        ["Quality of education", "Behaviour and attitudes", "Personal development", "Leadership and management"],
        grades,
        strict=True,
    ):
        Judgement.objects.create(inspection=inspection, area=area, scale=Judgement.Scale.FOUR_POINT, grade=grade)
    return inspection


def remove(world: World, concern: SchoolCausingConcern, on: dt.date) -> ReviewGroupDecision:
    return services.remove(
        meeting=meeting(world, on),
        concern=concern,
        reasons="Judged good at the latest inspection; improvement secure.",
        discussed_with_head_on=on - dt.timedelta(days=5),
        by=world.head_of_service,
    )


def eligible_by_notice(world: World) -> tuple[SchoolCausingConcern, WarningNotice]:
    """Alton, designated in October 2025, not engaging, a notice of 21 October 2026 not complied with and
    written notice of eligibility given on 16 November 2026."""
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 10, 1))
    notice = issue(world, concern, dt.date(2026, 10, 21))
    services.warning_notice_outcome(
        notice=notice, complied=False, on=dt.date(2026, 11, 12), reason="Support still refused.", by=world.officer
    )
    services.eligibility_notice_give(
        notice=notice, on=dt.date(2026, 11, 16), reason="Notice not complied with.", by=world.head_of_service
    )
    concern.refresh_from_db()
    return concern, notice


def plan(world: World, concern: SchoolCausingConcern, **kwargs: Any) -> ActionPlan:
    values: dict[str, Any] = {
        "key_issues": "Early reading; governance.",
        "where_in_a_year": "Good at the next inspection.",
        "monitoring_arrangements": "Half-termly visits by the lead officer.",
        "agreed_on": dt.date(2025, 11, 5),
        "milestones": [
            {"title": "Phonics programme in place", "due_on": dt.date(2026, 1, 31)},
            {"title": "Governor skills audit done", "due_on": "2026-03-31"},
        ],
        "actions": [
            {"by": "school", "description": "Train all staff in the phonics programme", "owner": "Head"},
            {"by": "la", "description": "Broker a national leader of governance", "due_on": dt.date(2025, 12, 1)},
        ],
        "by": world.officer,
    }
    values.update(kwargs)
    return services.action_plan_record(concern=concern, **values)


# Removal --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("grade", [3, 4])
def test_removal_is_refused_after_ri_or_inadequate_with_no_later_inspection(grade: int) -> None:
    world = make_world()
    concern = designated(world)  # judged requires improvement on 10 March 2025
    if grade == 4:
        inspect(world.school, dt.date(2025, 9, 10), 4)
    held = meeting(world, dt.date(2026, 7, 1))
    with refused("cannot be removed: the inspection of .* judged it " + rules.GRADE_WORDS[grade]):
        services.remove(
            meeting=held,
            concern=concern,
            reasons="The school feels it has improved.",
            discussed_with_head_on=dt.date(2026, 6, 24),
            by=world.head_of_service,
        )
    assert rules.removal_blocker(concern, POLICY) is not None
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CAUSING_CONCERN


@pytest.mark.parametrize("grade", [1, 2])
def test_removal_is_allowed_after_a_later_good_or_outstanding_inspection(grade: int) -> None:
    world = make_world()
    concern = designated(world)
    inspect(world.school, dt.date(2026, 5, 12), grade)
    decision = remove(world, concern, dt.date(2026, 7, 1))
    concern.refresh_from_db()
    assert decision.kind == DecisionKind.REMOVE
    assert concern.status == ConcernStatus.REMOVED
    assert concern.removed_on == dt.date(2026, 7, 1)
    assert concern.removal_reason == "Judged good at the latest inspection; improvement secure."
    event = last_event("removed from the register")
    assert event.actor == world.head_of_service
    assert event.before == {"status": "causing_concern", "removed_on": None, "removal_reason": ""}
    assert event.after == {
        "status": "removed",
        "removed_on": "2026-07-01",
        "removal_reason": "Judged good at the latest inspection; improvement secure.",
    }


def test_removal_waits_for_the_outcome_of_an_open_warning_notice() -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, "not_engaged", True, dt.date(2025, 11, 20))
    notice = issue(world, concern, dt.date(2025, 12, 1))
    inspect(world.school, dt.date(2026, 5, 12), 2)  # judged good since: the removal rule itself is met
    held = meeting(world, dt.date(2026, 6, 1))
    with refused("warning notice whose outcome is not recorded"):
        services.remove(
            meeting=held,
            concern=concern,
            reasons="Judged good at the latest inspection.",
            discussed_with_head_on=dt.date(2026, 5, 28),
            by=world.head_of_service,
        )
    services.warning_notice_outcome(
        notice=notice, complied=True, on=dt.date(2026, 1, 5), reason="Support secured", by=world.head_of_service
    )
    assert remove(world, concern, dt.date(2026, 7, 1)).kind == DecisionKind.REMOVE


def test_an_earlier_good_inspection_does_not_clear_a_later_ri_judgement() -> None:
    world = make_world()
    concern = designated(world)  # Alton was judged good in 2015, then RI in March 2025
    assert Inspection.objects.filter(establishment=world.school, overall_effectiveness=2).exists()
    assert rules.removal_blocker(concern, POLICY) is not None


@pytest.mark.parametrize(
    ("grades", "safeguarding_met", "allowed"),
    [
        ([3, 3, 4, 3, 5], True, True),  # every area at the expected standard or better
        ([3, 3, 2, 3, 3], True, False),  # one area needs attention
        ([3, 1, 3, 3, 3], True, False),  # one area needs urgent improvement
        ([4, 4, 4, 4, 4], False, False),  # safeguarding not met
    ],
)
def test_removal_under_the_report_card_framework(
    grades: list[int], safeguarding_met: bool | None, allowed: bool
) -> None:
    world = make_world()
    concern = designated(world)
    report_card(world.school, dt.date(2026, 3, 2), grades, safeguarding_met=safeguarding_met)
    standing = rules.inspection_standing(world.school, POLICY)
    assert standing is not None and standing.inspection.framework == Framework.REPORT_CARD_2025
    assert standing.good_or_better is allowed
    if allowed:
        remove(world, concern, dt.date(2026, 7, 1))
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.REMOVED
    else:
        held = meeting(world, dt.date(2026, 7, 1))
        match = "safeguarding not met" if safeguarding_met is False else "areas below the expected standard"
        with refused(match):
            services.remove(
                meeting=held,
                concern=concern,
                reasons="Report card received.",
                discussed_with_head_on=dt.date(2026, 6, 24),
                by=world.head_of_service,
            )


@pytest.mark.parametrize(("grades", "allowed"), [([2, 2, 3, 2], False), ([2, 4, 1, 2], False), ([2, 1, 2, 2], True)])
def test_removal_under_the_september_2024_framework_reads_the_key_judgements(grades: list[int], allowed: bool) -> None:
    world = make_world()
    concern = designated(world)
    key_judgements(world.school, dt.date(2026, 2, 3), grades)
    assert (rules.removal_blocker(concern, POLICY) is None) is allowed
    if allowed:
        remove(world, concern, dt.date(2026, 7, 1))
        assert SchoolCausingConcern.objects.get(pk=concern.pk).status == ConcernStatus.REMOVED
    else:
        held = meeting(world, dt.date(2026, 7, 1))
        with refused("judged its weakest area (requires improvement|inadequate)"):
            services.remove(
                meeting=held,
                concern=concern,
                reasons="Key judgements received.",
                discussed_with_head_on=dt.date(2026, 6, 24),
                by=world.head_of_service,
            )


def test_a_removed_entry_keeps_its_history_and_a_later_designation_is_a_new_entry() -> None:
    world = make_world()
    first = designated(world)
    plan(world, first)
    inspect(world.school, dt.date(2026, 5, 12), 2)
    remove(world, first, dt.date(2026, 7, 1))
    with refused("is no longer on the register"):
        services.keep(
            meeting=ReviewGroupMeeting.objects.get(held_on=dt.date(2026, 7, 1)),
            concern=first,
            reasons="Keep.",
            discussed_with_head_on=dt.date(2026, 6, 30),
            by=world.head_of_service,
        )

    inspect(world.school, dt.date(2027, 11, 3), 3)
    decision = services.designate(
        meeting=meeting(world, dt.date(2028, 1, 19)),
        establishment=world.school,
        reasons="Judged requires improvement again.",
        discussed_with_head_on=dt.date(2028, 1, 12),
        by=world.head_of_service,
        triggers=TRIGGER,
    )
    second = decision.concern
    assert second is not None and second.pk != first.pk
    first.refresh_from_db()
    assert first.status == ConcernStatus.REMOVED and first.removed_on == dt.date(2026, 7, 1)
    assert first.plans.count() == 1
    assert [d.kind for d in first.decisions.order_by("pk")] == [DecisionKind.DESIGNATE, DecisionKind.REMOVE]
    assert list(world.school.concerns.order_by("designated_on").values_list("pk", "status")) == [
        (first.pk, ConcernStatus.REMOVED),
        (second.pk, ConcernStatus.CAUSING_CONCERN),
    ]
    assert second.plans.count() == 0 and second.decisions.count() == 1


# Designation and decisions --------------------------------------------------------------------------------------------


def test_designation_is_the_informal_warning() -> None:
    world = make_world()
    concern = designated(world)
    assert concern.status == ConcernStatus.CAUSING_CONCERN
    assert concern.get_status_display() == "Causing concern (informal warning)"
    assert concern.designated_on == DESIGNATED_ON
    assert concern.triggers == TRIGGER
    assert concern.lead_officer == world.officer
    decision = concern.decisions.get()
    assert decision.kind == DecisionKind.DESIGNATE
    assert decision.discussed_with_head_on == dt.date(2025, 10, 8)
    # Designation alone proposes no formal warning notice.
    assert rules.warning_notice_reasons(concern, POLICY, dt.date(2027, 1, 1)) == []
    event = last_event("designated as causing concern")
    assert event.actor == world.head_of_service
    assert event.after is not None and event.after["status"] == "causing_concern"
    assert event.after["triggers"] == TRIGGER
    assert event.reason == "Judged requires improvement; leadership capacity not yet secure."


def test_a_second_designation_while_one_is_open_is_refused() -> None:
    world = make_world()
    designated(world)
    held = meeting(world, dt.date(2025, 12, 3))
    with refused("has been causing concern since 15 October 2025"):
        services.designate(
            meeting=held,
            establishment=world.school,
            reasons="Again.",
            discussed_with_head_on=dt.date(2025, 11, 26),
            by=world.head_of_service,
            triggers=TRIGGER,
        )


def test_designation_needs_a_trigger() -> None:
    world = make_world()
    held = meeting(world, dt.date(2025, 10, 15))
    with refused("needs at least one trigger"):
        services.designate(
            meeting=held,
            establishment=world.school,
            reasons="Concerns about leadership.",
            discussed_with_head_on=dt.date(2025, 10, 8),
            by=world.head_of_service,
        )


@pytest.mark.parametrize(
    ("discussed", "reasons", "match"),
    [
        (None, "Judged requires improvement.", "Record when the decision was discussed with the headteacher"),
        (dt.date(2025, 10, 16), "Judged requires improvement.", "The headteacher must be spoken to first"),
        (dt.date(2025, 10, 8), "   ", "A decision needs its reasons"),
        (dt.date(2025, 10, 8), "", "A decision needs its reasons"),
    ],
)
def test_a_decision_needs_the_headteacher_first_and_its_reasons(
    discussed: dt.date | None, reasons: str, match: str
) -> None:
    world = make_world()
    inspect(world.school, dt.date(2025, 3, 10), 3)
    held = meeting(world, dt.date(2025, 10, 15))
    with refused(match):
        services.designate(
            meeting=held,
            establishment=world.school,
            reasons=reasons,
            discussed_with_head_on=discussed,
            by=world.head_of_service,
            triggers=TRIGGER,
        )
    assert not world.school.concerns.exists()


def test_the_headteacher_may_be_told_on_the_day_of_the_meeting() -> None:
    world = make_world()
    concern = designated(world)
    held = meeting(world, dt.date(2025, 12, 3))
    decision = services.keep(
        meeting=held,
        concern=concern,
        reasons="Progress too early to judge.",
        discussed_with_head_on=held.held_on,
        by=world.head_of_service,
    )
    assert decision.discussed_with_head_on == held.held_on


def test_a_decision_about_another_authoritys_school_is_refused() -> None:
    world = make_world()
    concern = designated(world)
    elsewhere = services.meeting_schedule(
        local_authority=world.outsider.local_authority, held_on=dt.date(2025, 12, 3), by=world.outsider
    )
    with refused("is not one of this review group's schools"):
        services.keep(
            meeting=elsewhere,
            concern=concern,
            reasons="Keep.",
            discussed_with_head_on=dt.date(2025, 12, 1),
            by=world.outsider,
        )


def test_decisions_are_never_overwritten_only_superseded() -> None:
    world = make_world()
    concern = designated(world)
    first = concern.decisions.get()
    frozen = ReviewGroupDecision.objects.filter(pk=first.pk).values().get()
    later = services.keep(
        meeting=meeting(world, dt.date(2025, 12, 3)),
        concern=concern,
        reasons="Keep: the plan is only just agreed.",
        discussed_with_head_on=dt.date(2025, 11, 28),
        by=world.officer,
    )
    assert ReviewGroupDecision.objects.filter(pk=first.pk).values().get() == frozen
    assert list(concern.decisions.values_list("pk", flat=True)) == [later.pk, first.pk]  # newest first
    event = last_event("review group decision: keep")
    assert event.target_id == str(later.pk)
    assert event.after == {
        "school": world.school.urn,
        "meeting": "2025-12-03",
        "decision": "keep",
        "discussed_with_head_on": "2025-11-28",
    }


# Formal warning notices -----------------------------------------------------------------------------------------------


def test_no_warning_notice_is_proposed_without_a_judgement() -> None:
    world = make_world()
    concern = designated(world)
    held = meeting(world, dt.date(2027, 1, 13))
    assert rules.warning_notice_reasons(concern, POLICY, held.held_on) == []
    with refused("does not propose a formal warning notice"):
        issue(world, concern, held)


@pytest.mark.parametrize("kind", [JK.NOT_ENGAGED, JK.REVIEW_NOT_SECURED])
def test_a_warning_notice_is_proposed_when_the_school_has_not_engaged_or_not_secured_a_review(kind: str) -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, kind, True, dt.date(2026, 1, 20))
    reasons = rules.warning_notice_reasons(concern, POLICY, dt.date(2026, 1, 28))
    assert [r.rule.name for r in reasons] == [kind]
    notice = issue(world, concern, dt.date(2026, 1, 28))
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.WARNING_NOTICE
    assert notice.ground == "standards" and notice.ground_label == POLICY.grounds["standards"]
    assert notice.compliance_working_days == POLICY.compliance_default_days == 15
    assert notice.decision.kind == DecisionKind.WARNING_NOTICE
    event = last_event("warning notice issued")
    assert event.after is not None and event.after["proposed_because"] == [kind]
    status = last_event("formal warning notice")
    assert status.before == {"status": "causing_concern"} and status.after == {"status": "warning_notice"}


def test_a_no_judgement_does_not_propose_a_notice() -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, False, dt.date(2026, 1, 20))
    judge(world, concern, JK.REVIEW_NOT_SECURED, False, dt.date(2026, 1, 20))
    assert rules.warning_notice_reasons(concern, POLICY, dt.date(2026, 1, 28)) == []


def test_prolonged_concern_needs_more_than_twelve_months() -> None:
    world = make_world()
    concern = designated(world)  # 15 October 2025
    judge(world, concern, JK.UNLIKELY_GOOD_IN_SIX_MONTHS, True, dt.date(2026, 9, 30))
    for day in (dt.date(2026, 4, 15), dt.date(2026, 10, 14), dt.date(2026, 10, 15)):
        assert rules.warning_notice_reasons(concern, POLICY, day) == [], day
    exactly = meeting(world, dt.date(2026, 10, 15))
    with refused("does not propose a formal warning notice"):
        issue(world, concern, exactly)
    reasons = rules.warning_notice_reasons(concern, POLICY, dt.date(2026, 10, 16))
    assert [r.rule.name for r in reasons] == ["prolonged_concern"]
    notice = issue(world, concern, dt.date(2026, 10, 16))
    assert notice.issued_on == dt.date(2026, 10, 16)


def test_prolonged_concern_needs_the_unlikely_good_judgement() -> None:
    world = make_world()
    concern = designated(world)
    assert rules.warning_notice_reasons(concern, POLICY, dt.date(2027, 6, 1)) == []
    judge(world, concern, JK.UNLIKELY_GOOD_IN_SIX_MONTHS, False, dt.date(2027, 5, 1))
    assert rules.warning_notice_reasons(concern, POLICY, dt.date(2027, 6, 1)) == []


def test_a_later_no_judgement_supersedes_a_yes() -> None:
    world = make_world()
    concern = designated(world)
    yes = judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 1, 10))
    assert [r.judgement for r in rules.warning_notice_reasons(concern, POLICY, dt.date(2026, 1, 28))] == [yes]
    judge(world, concern, JK.NOT_ENGAGED, False, dt.date(2026, 2, 10))
    held = meeting(world, dt.date(2026, 3, 4))
    assert rules.warning_notice_reasons(concern, POLICY, held.held_on) == []
    with refused("does not propose a formal warning notice"):
        issue(world, concern, held)
    # The yes still stands for a date before the no, and both judgements are kept.
    assert rules.warning_notice_reasons(concern, POLICY, dt.date(2026, 2, 9))
    assert concern.judgements.count() == 2


def test_a_judgement_made_after_the_meeting_does_not_count_at_it() -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 3, 10))
    assert rules.warning_notice_reasons(concern, POLICY, dt.date(2026, 3, 4)) == []


@pytest.mark.parametrize("ground", ["standards", "breakdown", "safety", "pay_and_conditions"])
def test_a_warning_notice_states_one_of_the_four_statutory_grounds(ground: str) -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 1, 20))
    notice = issue(world, concern, dt.date(2026, 1, 28), ground=ground)
    assert notice.ground == ground
    assert notice.ground_label == POLICY.grounds[ground]
    assert set(POLICY.grounds) == {"standards", "breakdown", "safety", "pay_and_conditions"}


@pytest.mark.parametrize("ground", ["behaviour", "", "Standards"])
def test_a_warning_notice_on_another_ground_is_refused(ground: str) -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 1, 20))
    held = meeting(world, dt.date(2026, 1, 28))
    with refused("Choose the statutory ground"):
        issue(world, concern, held, ground=ground)


def test_the_compliance_period_cannot_be_shorter_than_the_policy_minimum() -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 1, 20))
    held = meeting(world, dt.date(2026, 1, 28))
    assert POLICY.compliance_minimum_days == 10
    with refused("at least 10 working days"):
        issue(world, concern, held, compliance_working_days=9)
    notice = issue(world, concern, held, compliance_working_days=10)
    assert notice.compliance_working_days == 10
    assert notice.compliance_ends_on == dt.date(2026, 2, 11)  # Wed 28 Jan + 10 working days


@pytest.mark.parametrize(
    ("start", "days", "ends"),
    [
        (dt.date(2026, 10, 21), 15, dt.date(2026, 11, 11)),  # weekends only
        (dt.date(2026, 1, 16), 1, dt.date(2026, 1, 19)),  # Friday + 1 is Monday
        (dt.date(2026, 5, 22), 10, dt.date(2026, 6, 8)),  # the late-May bank holiday (25 May 2026)
        (dt.date(2026, 4, 2), 10, dt.date(2026, 4, 20)),  # Good Friday 3 April and Easter Monday 6 April 2026
        (dt.date(2026, 4, 30), 3, dt.date(2026, 5, 6)),  # the early-May bank holiday (4 May 2026)
        (dt.date(2026, 8, 28), 1, dt.date(2026, 9, 1)),  # the August bank holiday (31 August 2026)
        (dt.date(2025, 12, 18), 10, dt.date(2026, 1, 6)),  # Christmas Day, Boxing Day, New Year's Day
        (dt.date(2026, 12, 23), 3, dt.date(2026, 12, 30)),  # Christmas on a Friday: Boxing Day moves to the 28th
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start: dt.date, days: int, ends: dt.date) -> None:
    assert rules.add_working_days(start, days) == ends


@pytest.mark.parametrize(
    ("issued_on", "ends"),
    [(dt.date(2026, 5, 22), dt.date(2026, 6, 8)), (dt.date(2026, 4, 2), dt.date(2026, 4, 20))],
)
def test_the_compliance_period_ends_after_its_working_days(issued_on: dt.date, ends: dt.date) -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 3, 1))
    notice = issue(world, concern, issued_on, compliance_working_days=10)
    assert notice.compliance_ends_on == ends


def test_a_second_open_warning_notice_is_refused_until_the_first_is_decided() -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 1, 20))
    first = issue(world, concern, dt.date(2026, 1, 28))
    held = meeting(world, dt.date(2026, 2, 4))
    with refused("already has a warning notice whose outcome is not recorded"):
        issue(world, concern, held, ground="breakdown")
    services.warning_notice_outcome(
        notice=first, complied=True, on=dt.date(2026, 2, 18), reason="Support taken up.", by=world.officer
    )
    second = issue(world, concern, dt.date(2026, 3, 4), ground="breakdown")
    assert list(concern.warning_notices.order_by("issued_on")) == [first, second]


def test_an_academy_cannot_be_given_a_warning_notice() -> None:
    world = make_world()
    concern = designated(world, school=world.academy)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 1, 20))
    assert rules.warning_notice_reasons(concern, POLICY, dt.date(2026, 1, 28))  # the rule would propose one ...
    held = meeting(world, dt.date(2026, 1, 28))
    with refused("is not a maintained school: the LA cannot issue it a warning notice"):  # ... but no power
        issue(world, concern, held)


def test_non_compliance_is_recorded_only_after_the_compliance_period() -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 10, 1))
    notice = issue(world, concern, dt.date(2026, 10, 21))
    assert notice.compliance_ends_on == dt.date(2026, 11, 11)
    for day in (dt.date(2026, 10, 30), dt.date(2026, 11, 11)):
        with refused("non-compliance can be recorded only after it ends"):
            services.warning_notice_outcome(
                notice=notice, complied=False, on=day, reason="No response.", by=world.officer
            )
    services.warning_notice_outcome(
        notice=notice, complied=False, on=dt.date(2026, 11, 12), reason="No response.", by=world.officer
    )
    notice.refresh_from_db()
    assert notice.outcome == WarningNotice.Outcome.NOT_COMPLIED and notice.outcome_on == dt.date(2026, 11, 12)
    event = last_event("warning notice outcome")
    assert event.before == {"outcome": "open", "outcome_on": None}
    assert event.after == {"outcome": "not_complied", "outcome_on": "2026-11-12"}
    with refused("outcome is already recorded"):
        services.warning_notice_outcome(
            notice=notice, complied=True, on=dt.date(2026, 11, 20), reason="Changed mind.", by=world.officer
        )


# Eligibility for intervention -----------------------------------------------------------------------------------------


def test_not_eligible_after_a_notice_complied_with() -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 10, 1))
    notice = issue(world, concern, dt.date(2026, 10, 21))
    services.warning_notice_outcome(
        notice=notice, complied=True, on=dt.date(2026, 11, 2), reason="Support taken up.", by=world.officer
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CAUSING_CONCERN
    assert rules.eligibility(concern, POLICY) is None
    with refused("follows only a warning notice not complied with"):
        services.eligibility_notice_give(notice=notice, on=dt.date(2026, 11, 16), reason="x", by=world.officer)


def test_not_eligible_after_non_compliance_until_written_notice_is_given() -> None:
    world = make_world()
    concern = designated(world)
    judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 10, 1))
    notice = issue(world, concern, dt.date(2026, 10, 21))
    services.warning_notice_outcome(
        notice=notice, complied=False, on=dt.date(2026, 11, 12), reason="No response.", by=world.officer
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.WARNING_NOTICE
    assert rules.eligibility(concern, POLICY) is None
    assert services.eligibility_refresh(concern=concern, by=world.officer) is None
    with refused("is not eligible for intervention"):
        services.power_use(
            concern=concern,
            power="interim_executive_board",
            decided_on=dt.date(2026, 12, 1),
            starts_on=dt.date(2027, 1, 4),
            notes="IEB.",
            by=world.head_of_service,
        )


def test_eligible_once_written_notice_follows_non_compliance() -> None:
    world = make_world()
    concern, notice = eligible_by_notice(world)
    assert concern.status == ConcernStatus.ELIGIBLE
    assert concern.eligible_since == dt.date(2026, 11, 16) == notice.eligibility_notice_on
    assert concern.eligibility_ground == POLICY.eligibility_grounds["warning_notice_not_complied"]
    found = rules.eligibility(concern, POLICY)
    assert found is not None and found.ground == "warning_notice_not_complied"
    given = last_event("written notice of eligibility given")
    assert given.before == {"eligibility_notice_on": None} and given.after == {"eligibility_notice_on": "2026-11-16"}
    event = last_event("eligible for intervention")
    assert event.before == {"status": "warning_notice", "eligible_since": None, "eligibility_ground": ""}
    assert event.after == {
        "status": "eligible_for_intervention",
        "eligible_since": "2026-11-16",
        "eligibility_ground": POLICY.eligibility_grounds["warning_notice_not_complied"],
    }
    with refused("has already been given"):
        services.eligibility_notice_give(notice=notice, on=dt.date(2026, 11, 20), reason="Again.", by=world.officer)


@pytest.mark.parametrize(("category", "ground"), [("SM", "special_measures"), ("SWK", "serious_weaknesses")])
def test_a_maintained_school_judged_sm_or_swk_is_eligible_from_publication(category: str, ground: str) -> None:
    world = make_world()
    concern = designated(world)
    assert rules.eligibility(concern, POLICY) is None
    inspect(world.school, dt.date(2025, 12, 2), 4, category=category, published=dt.date(2026, 1, 15))
    found = services.eligibility_refresh(concern=concern, by=world.officer)
    assert found is not None and found.ground == ground and found.since == dt.date(2026, 1, 15)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.ELIGIBLE
    assert concern.eligible_since == dt.date(2026, 1, 15)
    assert concern.eligibility_ground == POLICY.eligibility_grounds[ground]
    # A second refresh changes nothing and writes nothing.
    before = db_state()
    services.eligibility_refresh(concern=concern, by=world.officer)
    assert db_state() == before


def test_designating_a_school_in_special_measures_makes_it_eligible_at_once() -> None:
    world = make_world()
    inspect(world.school, dt.date(2025, 9, 9), 4, category="SM", published=dt.date(2025, 10, 6))
    concern = designated(world)
    assert concern.status == ConcernStatus.ELIGIBLE
    assert concern.eligible_since == dt.date(2025, 10, 6)


def test_an_academy_is_never_eligible_for_intervention_even_in_special_measures() -> None:
    world = make_world()
    concern = designated(world, school=world.academy)
    inspect(world.academy, dt.date(2025, 12, 2), 4, category="SM", published=dt.date(2026, 1, 15))
    assert rules.eligibility(concern, POLICY) is None
    assert services.eligibility_refresh(concern=concern, by=world.officer) is None
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CAUSING_CONCERN and concern.eligible_since is None
    with refused("The LA has no powers of intervention in The Priory Primary School"):
        services.power_use(
            concern=concern,
            power="interim_executive_board",
            decided_on=dt.date(2026, 2, 1),
            starts_on=dt.date(2026, 2, 2),
            notes="IEB.",
            by=world.head_of_service,
        )
    with refused("A statement of action is for a maintained school"):
        services.statement_of_action_record(concern=concern, by=world.officer)


# Statutory powers -----------------------------------------------------------------------------------------------------


def test_powers_are_refused_when_the_school_is_not_eligible() -> None:
    world = make_world()
    concern = designated(world)
    with refused("is not eligible for intervention"):
        services.power_use(
            concern=concern,
            power="additional_governors",
            decided_on=dt.date(2026, 2, 1),
            starts_on=dt.date(2026, 2, 2),
            notes="Two additional governors.",
            by=world.head_of_service,
        )


def test_a_power_cannot_be_decided_before_the_school_became_eligible() -> None:
    world = make_world()
    concern, _ = eligible_by_notice(world)
    with refused("became eligible for intervention only on 16 November 2026"):
        services.power_use(
            concern=concern,
            power="interim_executive_board",
            decided_on=dt.date(2026, 11, 15),
            starts_on=dt.date(2026, 12, 1),
            notes="IEB.",
            by=world.head_of_service,
        )
    with refused("cannot start before it is decided"):
        services.power_use(
            concern=concern,
            power="interim_executive_board",
            decided_on=dt.date(2026, 12, 1),
            starts_on=dt.date(2026, 11, 30),
            notes="IEB.",
            by=world.head_of_service,
        )


def test_each_of_the_four_powers_is_recorded_with_its_dates() -> None:
    world = make_world()
    concern, _ = eligible_by_notice(world)
    assert set(POLICY.statutory_powers) == {
        "require_arrangements",
        "additional_governors",
        "interim_executive_board",
        "suspend_delegated_budget",
    }
    for n, code in enumerate(POLICY.statutory_powers):
        decided = dt.date(2026, 11, 16) + dt.timedelta(days=n)
        used = services.power_use(
            concern=concern,
            power=code,
            decided_on=decided,
            starts_on=decided + dt.timedelta(days=14),
            notes=f"Decided by the director ({code}).",
            by=world.head_of_service,
        )
        rule = POLICY.statutory_powers[code]
        assert used.power == code and used.power_label == f"{rule.label} ({rule.section})"
        assert used.decided_on == decided and used.starts_on == decided + dt.timedelta(days=14)
        assert used.ends_on is None
        event = last_event("statutory power used")
        assert event.target_id == str(used.pk) and event.actor == world.head_of_service
        assert event.after == {
            "power": code,
            "decided_on": decided.isoformat(),
            "starts_on": (decided + dt.timedelta(days=14)).isoformat(),
            "eligible_because": "warning_notice_not_complied",
        }
    assert concern.powers.count() == 4
    ieb = concern.powers.get(power="interim_executive_board")
    with refused("The power cannot end before it started"):
        services.power_end(power=ieb, ends_on=ieb.starts_on - dt.timedelta(days=1), reason="Ended.", by=world.officer)
    services.power_end(power=ieb, ends_on=dt.date(2027, 9, 1), reason="Governing body reconstituted.", by=world.officer)
    ieb.refresh_from_db()
    assert ieb.ends_on == dt.date(2027, 9, 1)
    with refused("already recorded"):
        services.power_end(power=ieb, ends_on=dt.date(2027, 9, 2), reason="Again.", by=world.officer)


def test_an_unknown_power_is_refused() -> None:
    world = make_world()
    concern, _ = eligible_by_notice(world)
    with refused("Unknown power 'close_the_school'"):
        services.power_use(
            concern=concern,
            power="close_the_school",
            decided_on=dt.date(2026, 12, 1),
            starts_on=dt.date(2026, 12, 1),
            notes="No.",
            by=world.head_of_service,
        )


# Statements of action -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["SM", "SWK"])
def test_a_statement_of_action_is_required_for_a_maintained_school_in_sm_or_swk(category: str) -> None:
    world = make_world()
    concern = designated(world)
    inspection = inspect(world.school, dt.date(2025, 12, 2), 4, category=category, published=dt.date(2026, 1, 15))
    assert rules.statement_of_action_inspection(concern, POLICY) == inspection
    assert services.statements_of_action_ensure(local_authority=world.hampshire, by=world.officer) == 1
    assert services.statements_of_action_ensure(local_authority=world.hampshire, by=world.officer) == 0
    statement = concern.statements_of_action.get()
    assert statement.category == category and statement.inspection == inspection
    assert statement.due_on == dt.date(2026, 1, 29)  # Thursday 15 January + 10 working days
    assert statement.visits_per_year == POLICY.statement_visits_per_year
    assert statement.submitted_on is None
    services.statement_of_action_record(
        concern=concern, by=world.officer, submitted_on=dt.date(2026, 1, 27), summary="Fortnightly visits."
    )
    statement.refresh_from_db()
    assert statement.submitted_on == dt.date(2026, 1, 27) and concern.statements_of_action.count() == 1
    event = last_event("statement of action updated")
    assert event.before == {"submitted_on": None, "summary": ""}
    assert event.after == {"submitted_on": "2026-01-27", "summary": "Fortnightly visits."}


def test_no_statement_of_action_for_a_school_judged_requires_improvement() -> None:
    world = make_world()
    concern = designated(world)
    assert rules.statement_of_action_inspection(concern, POLICY) is None
    assert services.statements_of_action_ensure(local_authority=world.hampshire, by=world.officer) == 0
    with refused("A statement of action is for a maintained school in special measures or with serious weaknesses"):
        services.statement_of_action_record(concern=concern, by=world.officer)


def test_no_statement_of_action_for_an_academy() -> None:
    world = make_world()
    concern = designated(world, school=world.academy)
    inspect(world.academy, dt.date(2025, 12, 2), 4, category="SWK", published=dt.date(2026, 1, 15))
    assert rules.statement_of_action_inspection(concern, POLICY) is None
    assert services.statements_of_action_ensure(local_authority=world.hampshire, by=world.officer) == 0


@pytest.mark.parametrize(
    ("published", "due"),
    [
        (dt.date(2026, 1, 15), dt.date(2026, 1, 29)),
        (dt.date(2026, 5, 21), dt.date(2026, 6, 5)),  # over the late-May bank holiday
        (dt.date(2025, 12, 18), dt.date(2026, 1, 6)),  # over Christmas and New Year
    ],
)
def test_the_statement_of_action_is_due_ten_working_days_after_publication(published: dt.date, due: dt.date) -> None:
    world = make_world()
    inspection = inspect(world.school, dt.date(2025, 11, 4), 4, category="SM", published=published)
    assert POLICY.statement_due_working_days == 10
    assert rules.statement_of_action_due(inspection, POLICY) == due


# Lead officers --------------------------------------------------------------------------------------------------------


def test_the_lead_officer_must_be_an_active_officer_of_the_schools_authority() -> None:
    world = make_world()
    concern = designated(world)
    retired = UserFactory(username="officer.retired", role=Role.LA_OFFICER, local_authority=world.hampshire)
    retired.is_active = False
    retired.save()
    for person, match in (
        (world.outsider, "is not an officer of Hampshire"),
        (world.head, "is not an officer of the LA"),
        (world.board, "is not an officer of the LA"),
        (retired, "is not an officer of the LA"),
    ):
        with refused(match):
            services.lead_officer_assign(concern=concern, officer=person, reason="Caseload.", by=world.head_of_service)
    with refused("Say why"):
        services.lead_officer_assign(concern=concern, officer=world.colleague, reason=" ", by=world.head_of_service)
    services.lead_officer_assign(
        concern=concern, officer=world.colleague, reason="Olu's caseload is full.", by=world.head_of_service
    )
    concern.refresh_from_db()
    assert concern.lead_officer == world.colleague
    event = last_event("lead officer assigned")
    assert event.before == {"lead_officer": "officer.alton"} and event.after == {"lead_officer": "officer.other"}
    assert event.reason == "Olu's caseload is full."


def test_designation_with_another_authoritys_officer_as_lead_is_refused() -> None:
    world = make_world()
    inspect(world.school, dt.date(2025, 3, 10), 3)
    held = meeting(world, dt.date(2025, 10, 15))
    with refused("is not an officer of Hampshire"):
        services.designate(
            meeting=held,
            establishment=world.school,
            reasons="RI.",
            discussed_with_head_on=dt.date(2025, 10, 8),
            by=world.head_of_service,
            triggers=TRIGGER,
            lead_officer=world.outsider,
        )


# Action plans and reviews ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"milestones": []}, "at least one interim milestone"),
        ({"actions": []}, "the actions of the school and of the LA"),
        ({"key_issues": " "}, "needs its key issues"),
        ({"actions": [{"by": "trust", "description": "x"}]}, "Every action needs who"),
        ({"milestones": [{"title": "", "due_on": "2026-01-01"}]}, "Every milestone needs a title"),
    ],
)
def test_an_action_plan_needs_milestones_and_actions(changes: dict[str, Any], match: str) -> None:
    world = make_world()
    concern = designated(world)
    with refused(match):
        plan(world, concern, **changes)


def test_a_plan_revision_needs_a_reason_and_keeps_version_one() -> None:
    world = make_world()
    concern = designated(world)
    first = plan(world, concern)
    with refused("Say why the plan is being revised"):
        plan(world, concern, agreed_on=dt.date(2026, 3, 1))
    second = plan(
        world,
        concern,
        agreed_on=dt.date(2026, 3, 1),
        milestones=[{"title": "Reading age gap closed", "due_on": dt.date(2026, 7, 17)}],
        change_reason="Phonics milestone met; reading is the next priority.",
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert [m.title for m in first.milestones.all()] == ["Phonics programme in place", "Governor skills audit done"]
    assert first.actions.count() == 2
    assert list(concern.plans.values_list("version", flat=True)) == [2, 1]
    event = last_event("action plan revised")
    assert event.before == {"version": 1}
    assert event.after is not None and event.after["version"] == 2
    assert event.after["milestones"] == ["Reading age gap closed"]
    assert event.reason == "Phonics milestone met; reading is the next priority."


def test_a_review_rates_every_milestone_red_amber_or_green_on_the_current_plan() -> None:
    world = make_world()
    concern = designated(world)
    first = plan(world, concern)
    phonics, governors = first.milestones.all()

    def review(on: dt.date, progress: dict[int, tuple[str, str]], target: ActionPlan | None = None) -> PlanReview:
        return services.plan_review_record(
            plan=target or first,
            reviewed_on=on,
            progress=progress,
            summary="Phonics on track; governance behind.",
            next_steps="Governor training in the spring term.",
            by=world.officer,
        )

    with refused("Rate progress on every milestone: missing Governor skills audit done"):
        review(dt.date(2026, 2, 10), {phonics.pk: ("green", "")})
    with refused("rate red, amber or green"):
        review(dt.date(2026, 2, 10), {phonics.pk: ("green", ""), governors.pk: ("purple", "")})
    with refused("cannot be before the plan was agreed"):
        review(dt.date(2025, 11, 1), {phonics.pk: ("green", ""), governors.pk: ("red", "")})
    done = review(dt.date(2026, 2, 10), {phonics.pk: ("green", "Met."), governors.pk: ("amber", "Half done.")})
    assert dict(done.progress.values_list("milestone__title", "rag")) == {
        "Phonics programme in place": "green",
        "Governor skills audit done": "amber",
    }
    event = last_event("action plan reviewed")
    assert event.after == {
        "reviewed_on": "2026-02-10",
        "plan_version": 1,
        "progress": {"Phonics programme in place": "green", "Governor skills audit done": "amber"},
    }
    second = plan(world, concern, agreed_on=dt.date(2026, 3, 1), change_reason="Revised after the review.")
    with refused("Review the current version of the action plan"):
        review(dt.date(2026, 5, 12), {phonics.pk: ("green", ""), governors.pk: ("green", "")})
    new = {m.pk: ("amber", "") for m in second.milestones.all()}
    assert review(dt.date(2026, 5, 12), new, target=second).plan == second


def test_the_plan_review_is_due_at_least_every_policy_period() -> None:
    world = make_world()
    concern = designated(world)
    assert rules.plan_review_due(concern, POLICY) is None
    first = plan(world, concern)  # agreed 5 November 2025
    assert POLICY.plan_review_at_least_every_days == 105
    assert rules.plan_review_due(concern, POLICY) == dt.date(2025, 11, 5) + dt.timedelta(days=105)
    services.plan_review_record(
        plan=first,
        reviewed_on=dt.date(2026, 2, 10),
        progress={m.pk: ("amber", "") for m in first.milestones.all()},
        summary="Some progress.",
        next_steps="Continue.",
        by=world.officer,
    )
    assert rules.plan_review_due(concern, POLICY) == dt.date(2026, 5, 26)
    plan(world, concern, agreed_on=dt.date(2026, 3, 1), change_reason="New priorities.")
    assert rules.plan_review_due(concern, POLICY) == dt.date(2026, 3, 1) + dt.timedelta(days=105)


# Academies ------------------------------------------------------------------------------------------------------------


def _academy_concern(world: World) -> SchoolCausingConcern:
    """An open concern about the Priory academy made directly, so that the test alone decides what was raised
    with whom (designation letters may raise it with the headteacher and chair themselves)."""
    return SchoolCausingConcern.objects.create(
        establishment=world.academy, designated_on=dt.date(2025, 10, 15), triggers=TRIGGER
    )


def test_an_academy_concern_is_escalated_only_after_the_headteacher_chair_and_trust() -> None:
    world = make_world()
    concern = _academy_concern(world)
    escalation = meeting(world, dt.date(2026, 3, 4))

    def escalate(to: str = "regional_director") -> ReviewGroupDecision:
        return services.escalate(
            meeting=escalation,
            concern=concern,
            raised_with=to,
            what_was_sent="Letter of 4 March 2026 with the review group's minute and the trust's plan.",
            reasons="The trust's plan has not improved reading; two terms without progress.",
            discussed_with_head_on=dt.date(2026, 2, 25),
            by=world.head_of_service,
        )

    with refused(
        "Raise the concern with the headteacher, the chair of the local governing body and the trust before escalating"
    ):
        escalate()
    for who, on in (("headteacher", dt.date(2025, 10, 20)), ("chair", dt.date(2025, 10, 20))):
        services.academy_contact_record(
            concern=concern, raised_with=who, sent_on=on, what_was_sent="Designation letter.", by=world.officer
        )
    with refused("Raise the concern with the trust before escalating it"):
        escalate()
    trust = services.academy_contact_record(
        concern=concern,
        raised_with="trust",
        sent_on=dt.date(2026, 3, 5),  # after the escalation meeting: does not count at it
        what_was_sent="Letter to the CEO.",
        by=world.officer,
    )
    with refused("the trust before escalating"):
        escalate()
    trust.delete()
    trust = services.academy_contact_record(
        concern=concern,
        raised_with="trust",
        sent_on=dt.date(2025, 11, 3),
        what_was_sent="Letter to the CEO.",
        by=world.officer,
    )
    services.academy_response_record(
        contact=trust,
        response="The trust will deploy its school improvement lead.",
        response_on=dt.date(2025, 11, 20),
        trust_plan="Weekly support from the trust's English lead until Easter.",
        by=world.officer,
    )
    event = last_event("academy response recorded")
    assert event.before == {"response": "", "response_on": None, "trust_plan": ""}
    assert event.after is not None and event.after["trust_plan"].startswith("Weekly support")
    with refused("Escalate to one of regional_director, esfa, ofsted"):
        escalate("trust")
    decision = escalate()
    assert decision.kind == DecisionKind.ESCALATE
    sent = concern.academy_contacts.get(raised_with="regional_director")
    assert sent.sent_on == dt.date(2026, 3, 4)
    assert sent.what_was_sent.startswith("Letter of 4 March 2026")
    raised = last_event("academy concern raised")
    assert raised.after == {
        "raised_with": "regional_director",
        "sent_on": "2026-03-04",
        "what_was_sent": sent.what_was_sent,
    }
    assert escalate("esfa").kind == DecisionKind.ESCALATE
    assert list(concern.academy_contacts.values_list("raised_with", flat=True)) == [
        "headteacher",
        "chair",
        "trust",
        "regional_director",
        "esfa",
    ]


def test_escalation_and_academy_contacts_are_refused_for_a_maintained_school() -> None:
    world = make_world()
    concern = designated(world)
    held = meeting(world, dt.date(2026, 3, 4))
    with refused("Escalation is for academies"):
        services.escalate(
            meeting=held,
            concern=concern,
            raised_with="regional_director",
            what_was_sent="Letter.",
            reasons="No progress.",
            discussed_with_head_on=dt.date(2026, 2, 25),
            by=world.head_of_service,
        )
    with refused("is not an academy"):
        services.academy_contact_record(
            concern=concern, raised_with="trust", sent_on=dt.date(2026, 3, 4), what_was_sent="x", by=world.officer
        )


# The audit of every change --------------------------------------------------------------------------------------------


def test_every_service_call_writes_an_audit_event_with_its_actor() -> None:
    world = make_world()
    concern = designated(world)
    concern_plan = plan(world, concern)
    calls: list[tuple[str, Any]] = [
        ("review group meeting scheduled", lambda: meeting(world, dt.date(2026, 2, 4))),
        (
            "review group agenda prepared",
            lambda: services.agenda_prepare(
                meeting=ReviewGroupMeeting.objects.get(held_on=dt.date(2026, 2, 4)), by=world.head_of_service
            ),
        ),
        (
            "review group minutes recorded",
            lambda: services.minutes_record(
                meeting=ReviewGroupMeeting.objects.get(held_on=dt.date(2026, 2, 4)),
                attendees="Sam Service, Olu Lead",
                minutes="Alton kept on the register.",
                by=world.head_of_service,
            ),
        ),
        (
            "review group decision: keep",
            lambda: services.keep(
                meeting=ReviewGroupMeeting.objects.get(held_on=dt.date(2026, 2, 4)),
                concern=concern,
                reasons="Plan just agreed.",
                discussed_with_head_on=dt.date(2026, 2, 2),
                by=world.head_of_service,
            ),
        ),
        (
            "lead officer assigned",
            lambda: services.lead_officer_assign(
                concern=concern, officer=world.colleague, reason="Caseload.", by=world.head_of_service
            ),
        ),
        ("concern judgement recorded", lambda: judge(world, concern, JK.NOT_ENGAGED, True, dt.date(2026, 2, 5))),
        (
            "action plan reviewed",
            lambda: services.plan_review_record(
                plan=concern_plan,
                reviewed_on=dt.date(2026, 2, 10),
                progress={m.pk: ("red", "") for m in concern_plan.milestones.all()},
                summary="No progress.",
                next_steps="Escalate.",
                by=world.officer,
            ),
        ),
        (
            "monitoring meeting recorded",
            lambda: services.monitoring_meeting_record(
                concern=concern,
                held_on=dt.date(2026, 2, 12),
                chaired_by="Head of school improvement",
                attendees="Head, chair, lead officer",
                notes="Challenged on reading.",
                by=world.officer,
            ),
        ),
        ("warning notice issued", lambda: issue(world, concern, dt.date(2026, 2, 25))),
    ]
    for verb, call in calls:
        before = AuditEvent.objects.count()
        call()
        assert AuditEvent.objects.count() > before, verb
        event = last_event(verb)
        assert event.actor is not None and event.actor_name == event.actor.get_username(), verb
        assert event.occurred_at is not None and event.target_id, verb
    minutes = last_event("review group minutes recorded")
    assert minutes.before == {"attendees": "", "minutes": ""}
    assert minutes.after == {"attendees": "Sam Service, Olu Lead", "minutes": "Alton kept on the register."}
    with refused("say why you are correcting them"):
        services.minutes_record(
            meeting=ReviewGroupMeeting.objects.get(held_on=dt.date(2026, 2, 4)),
            attendees="Sam Service",
            minutes="Corrected.",
            by=world.head_of_service,
        )
    judged = last_event("concern judgement recorded")
    assert judged.after == {"judgement": "not_engaged", "value": True, "made_on": "2026-02-05"}
    assert judged.target_type == "concerns.schoolcausingconcern" and judged.target_id == str(concern.pk)
