"""One populated world for the URL x role access test: something of every kind, for every page to show.

Authority A is Barnsley (370), from the invented GIAS register and governance samples (``tests/governance``):
school A is Oakleigh Road School (maintained), school B Meadowside Pupil Referral Unit, and Coppetts Wood Primary
an academy of trust 16002. Authority B is Barnet (302). Everything below belongs to authority A and, where it
belongs to a school, to school A: an import, an area with an adviser, a KPI set, a categorisation round with a
proposal, an early years setting with a round and a visit, a visit with a note and a circumstance, a school
causing concern with its plan, review, judgement, warning notice, letters, RISE engagement and an academy's
contact, a provider and a commission, a partnership, a course with a booking, a governance review and a
training session, and an area's meeting with an action.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils import timezone

from headway.accounts.models import Role, User
from headway.concerns import rise
from headway.concerns import services as concerns
from headway.concerns.models import Letter, StatutoryPower
from headway.cpd import services as cpd
from headway.earlyyears.models import Setting, SettingRound, SettingVisit
from headway.governance import services as governance
from headway.imports.models import ImportRun
from headway.inspections.models import Framework, Inspection, Source
from headway.meetings import services as meetings
from headway.meetings.types import meeting_type_named
from headway.risk.models import CategorisationRound, CategoryProposal
from headway.schools import services as schools
from headway.schools.models import Area, AreaRole
from headway.strategy.services import kpi_set_load
from headway.support import services as support
from headway.support.models import PaidBy, Partnership, PartnershipMembership, ProviderKind
from headway.visits import notes
from headway.visits.calendar import academic_year_ensure
from headway.visits.models import Circumstance, Visit
from tests.factories import UserFactory
from tests.governance.world import make_world as governance_world

ROLES = ("anonymous", "school_a", "school_b", "board", "officer_a", "officer_b", "admin_a", "superuser")
SECRET = "Confidential: the review group discussed Oakleigh Road School's governance."


@dataclass
class AccessWorld:
    users: dict[str, User]
    values: dict[str, dict[str, Any]]  # URL name (or "*") -> parameter name -> value
    secret: str = SECRET


def _inspect(school: Any, on: dt.date, grade: int) -> None:
    Inspection.objects.create(
        establishment=school, framework=Framework.EIF_2019, source=Source.OFSTED_MI, start_date=on,
        publication_date=on + dt.timedelta(days=30), overall_effectiveness=grade, inspection_type="Section 5",
    )  # fmt: skip


def build() -> AccessWorld:
    g = governance_world()
    la, school, academy = g.barnsley, g.school, g.academy
    today = timezone.localdate()
    admin: User = UserFactory(username="admin.barnsley", role=Role.LA_ADMIN, local_authority=la, first_name="Ade")
    superuser = User.objects.create_superuser("root", password="x")
    officer = g.officer
    users = {
        "school_a": g.head,
        "school_b": g.other_head,
        "board": g.board_member,
        "officer_a": officer,
        "officer_b": g.outsider,
        "admin_a": admin,
        "superuser": superuser,
    }

    # The register: an area of A with school A in it and an adviser.
    area = Area.objects.create(local_authority=la, name="Dearne", kind=Area.Kind.CLUSTER)
    type(school).objects.filter(pk=school.pk).update(area=area)
    assignment = schools.area_officer_add(
        area=area, officer=officer, role=AreaRole.ADVISER, starts_on=dt.date(2025, 9, 1), by=admin
    )
    import_run = ImportRun.objects.order_by("pk").first()
    assert import_run is not None

    # Strategy: Barnsley's KPI set.
    kpis = kpi_set_load(path=_kpi_set("barnsley-2022"), actor_name="test").kpi_set
    indicator = kpis.indicators.order_by("pk").first()
    assert indicator is not None

    # Risk: a round with a proposal for school A, not yet decided.
    round_ = CategorisationRound.objects.create(
        local_authority=la, policy_name="two-axis-2021", policy_version=1, policy_title="Two-axis categorisation",
        as_of=today, opened_by_name="test",
    )  # fmt: skip
    proposal = CategoryProposal.objects.create(
        round=round_,
        establishment=school,
        category="C",
        category_label="Requires support",
        causing_concern=False,
        risk=0.4,
    )

    # Early years: a setting of A, a round and a visit.
    setting = Setting.objects.create(
        provider_urn="EY999001", local_authority=la, provider_type="Childcare on non-domestic premises",
        status="Active", name="Little Acorns Nursery",
    )  # fmt: skip
    setting_round = SettingRound.objects.create(
        local_authority=la,
        policy_name="barnet-settings-2021",
        policy_version=1,
        policy_title="Settings",
        as_of=today,
        opened_by=officer,
    )
    setting_visit = SettingVisit.objects.create(
        setting=setting, officer=officer, planned_on=today, purpose="Support visit"
    )

    # Visits and notes: a visit to school A with a sent note (so done), a planned visit, and a circumstance.
    year = academic_year_ensure(la, 2025)
    visit = Visit.objects.create(
        establishment=school, officer=officer, academic_year=year, planned_on=today + dt.timedelta(days=14),
        purpose="School effectiveness visit",
    )  # fmt: skip
    note = notes.note_create(visit=visit, template_name="standard", author=officer)
    notes.note_update(
        note=note, by=officer, sections={"purpose": "Met the head.", "summary": "Reading is improving."},
        judgements={}, next_steps="Revisit in spring.",
    )  # fmt: skip
    notes.note_send(note=note, by=officer)  # writing the note marked its visit done
    planned = Visit.objects.create(
        establishment=school, officer=officer, academic_year=year, planned_on=today + dt.timedelta(days=28),
        purpose="Follow-up visit",
    )  # fmt: skip
    circumstance = Circumstance.objects.create(
        establishment=school, kind="new_headteacher", starts_on=dt.date(2025, 9, 1), recorded_by=officer
    )

    # Schools causing concern: school A designated, with everything a case has; the academy designated too.
    _inspect(school, dt.date(2025, 3, 10), 3)
    _inspect(academy, dt.date(2025, 3, 11), 3)
    held = concerns.meeting_schedule(local_authority=la, held_on=dt.date(2025, 10, 15), by=admin)
    trigger = [{"name": "judged_inadequate_or_requires_improvement", "label": "Judged requires improvement"}]
    concern = _designate(held, school, admin, officer, trigger)
    concerns.minutes_record(meeting=held, attendees="Ade Admin", minutes=SECRET, by=admin)
    plan = concerns.action_plan_record(
        concern=concern, key_issues="Phonics", where_in_a_year="Good", monitoring_arrangements="Half-termly",
        agreed_on=dt.date(2025, 11, 1), milestones=[{"title": "Phonics above 70%", "due_on": "2026-02-27"}],
        actions=[{"by": "la", "description": "Coaching"}], by=officer,
    )  # fmt: skip
    milestone = plan.milestones.get()
    concerns.plan_review_record(
        plan=plan, reviewed_on=dt.date(2026, 1, 15), progress={milestone.pk: ("amber", "")},
        summary="Some progress", next_steps="Continue", by=officer,
    )  # fmt: skip
    concerns.judgement_record(
        concern=concern, kind="not_engaged", value=True, made_on=dt.date(2025, 11, 1), reason="No", by=officer
    )
    notice = concerns.warning_notice_issue(
        meeting=concerns.meeting_schedule(local_authority=la, held_on=dt.date(2025, 11, 20), by=admin),
        concern=concern, ground="standards", reasons="Not engaged", required_action="Engage",
        discussed_with_head_on=dt.date(2025, 11, 18), by=admin,
    )  # fmt: skip
    power = StatutoryPower.objects.create(
        concern=concern, power="governing_body", power_label="Appoint additional governors (section 64)",
        decided_on=dt.date(2025, 12, 1), starts_on=dt.date(2025, 12, 1), recorded_by=admin,
    )  # fmt: skip
    academy_concern = _designate(
        concerns.meeting_schedule(local_authority=la, held_on=dt.date(2025, 10, 16), by=admin),
        academy, admin, officer, trigger,
    )  # fmt: skip
    contact = concerns.academy_contact_record(
        concern=academy_concern, raised_with="headteacher", sent_on=dt.date(2025, 10, 20), what_was_sent="A letter",
        by=officer,
    )  # fmt: skip
    letter = Letter.objects.create(
        concern=concern, kind=Letter.Kind.DESIGNATION, recipient=Letter.Recipient.HEADTEACHER,
        addressee="The headteacher", subject="Oakleigh Road School causing concern", body="Dear headteacher",
        dated=dt.date(2025, 10, 15), docx=b"PK\x03\x04 a docx", pdf=b"%PDF-1.4 a letter", created_by=officer,
    )  # fmt: skip
    engagement = rise.record_rise_engagement(
        establishment=school, kind="universal", adviser="", support_plan="RISE network",
        started_on=dt.date(2025, 10, 1), by=officer,
    )  # fmt: skip

    # Support: a provider of A and a commission for school A; a partnership.
    provider = support.provider_record(
        local_authority=la, name="Barnsley English Hub", kind=ProviderKind.TEACHING_SCHOOL_HUB, phases=["Primary"],
        specialisms=["writing"], capacity_days_per_term=Decimal(20), day_rate=Decimal(400), by=officer,
    )  # fmt: skip
    commission = support.commission_record(
        provider=provider, establishment=school, need="writing", description="Coaching", days=Decimal(2),
        paid_by=PaidBy.LA, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 12, 31), by=officer,
        today=dt.date(2025, 9, 1),
    )  # fmt: skip
    partnership = Partnership.objects.create(
        local_authority=la, name="Dearne partnership", type="structured", start_year=2025,
        source=Partnership.Source.HAND, policy_name="partnerships-2026", created_by=officer,
    )  # fmt: skip
    PartnershipMembership.objects.create(partnership=partnership, establishment=school)

    # CPD: a course of A's offer with a place booked for school A.
    course = cpd.course_record(
        local_authority=la, title="Teaching writing", kind="course", description="Composition.",
        audiences=["teachers"], topic_names=["writing"], provider=provider, runs_on=today + dt.timedelta(days=30),
        venue="Barnsley", places=10, cost=Decimal(0), by=officer, today=today,
    )  # fmt: skip
    booking = cpd.booking_make(
        course=course, establishment=school, attendee_name="Sam Writer", attendee_role="English leader", by=officer,
        today=today,
    )  # fmt: skip

    # Governance: a review of school A's board and a training session attended by one of its governors.
    governance.review_record(
        establishment=school, reviewed_on=today, reviewed_by="National leader of governance", outcome=SECRET,
        required_by_concerns_policy=True, by=officer, today=today,
    )  # fmt: skip
    session = governance.training_session_record(
        local_authority=la, title="Safeguarding", held_on=today, led_by="", by=officer
    )
    governor = g.board.appointments.get(gid="700008")
    (attendance,) = governance.attendance_record(session=session, appointments=[governor], by=officer, today=today)

    # Meetings: a cluster meeting of the area, with minutes and an action.
    meeting = meetings.meeting_schedule(
        meeting_type=meeting_type_named("barnsley-cluster-meeting"), local_authority=la, area=area,
        held_on=today, by=officer,
    )  # fmt: skip
    meetings.minutes_record(meeting=meeting, attendees="Ola Officer", minutes=SECRET, by=officer)
    action = meetings.action_add(
        meeting=meeting, description="Broker support", owner=officer, due_on=today + dt.timedelta(days=30), by=officer
    )

    extra = _newer_objects(la, officer, admin)
    common: dict[str, Any] = {"urn": school.urn, "la_code": la.code, "year": 2023, "file_format": "csv"}
    values: dict[str, dict[str, Any]] = {
        "*": common,
        "schools:area": {"area_id": area.pk},
        "visits:link_officer_area": {"area_id": area.pk},
        "schools:area_officers": {"area_id": area.pk},
        "schools:area_officer_end": {"assignment_id": assignment.pk},
        "imports:detail": {"pk": import_run.pk},
        "strategy:local_actual": {"indicator_id": indicator.pk},
        "strategy:*": {"set_id": kpis.pk, "indicator_id": indicator.pk},
        "risk:*": {"pk": round_.pk},
        "risk:decide": {"pk": proposal.pk},
        "earlyyears:round": {"pk": setting_round.pk},
        "earlyyears:note": {"pk": setting_visit.pk},
        "earlyyears:detail": {"urn": setting.provider_urn},
        "visits:circumstance_end": {"pk": circumstance.pk},
        "visits:visit_change": {"pk": planned.pk},  # only a planned visit can be changed
        "notes:create": {"visit_id": planned.pk},
        "notes:self_evaluation": {"visit_id": planned.pk},  # the school completes it before the visit
        "notes:*": {"pk": note.pk},
        "concerns:academy_contact": {"urn": academy.urn},  # its subject is the academy
        "concerns:*": {
            "meeting_id": held.pk,
            "notice_id": notice.pk,
            "power_id": power.pk,
            "letter_id": letter.pk,
            "contact_id": contact.pk,
            "engagement_id": engagement.pk,
            "pack_id": _pack(held, officer).pk,
        },
        "support:*": {"provider_id": provider.pk, "commission_id": commission.pk},
        "partnerships:*": {"partnership_id": partnership.pk, "action": "remove"},
        "cpd:*": {"course_id": course.pk, "booking_id": booking.pk},
        "governance:*": {"uid": g.trust_board.uid, "session_id": session.pk, "attendance_id": attendance.pk},
        "meetings:*": {"type_name": "barnsley-cluster-meeting", "meeting_id": meeting.pk, "action_id": action.pk},
        "accounts:*": {"pk": officer.pk, "uidb64": "MQ", "token": "not-a-real-token"},
        "api:*": {"pk": round_.pk, "rest": "no-such-thing/"},
        "partnerships:proposing": {"task_id": "00000000-0000-4000-8000-000000000000"},  # no such task
        "risk:training_progress": {"task_id": "00000000-0000-4000-8000-000000000000"},  # no such task
        "risk:round_progress": {"task_id": "00000000-0000-4000-8000-000000000000"},  # no such task
        **extra,
    }
    return AccessWorld(users=users, values=values)


def _newer_objects(la: Any, officer: User, admin: User) -> dict[str, dict[str, Any]]:
    """Objects of the models added lately (API tokens, import jobs): made only when the app has the model."""
    values: dict[str, dict[str, Any]] = {}
    try:
        token_model = apps.get_model("api", "ApiToken")
    except LookupError:
        pass
    else:
        token = token_model.objects.create(user=officer, name="Power BI", key_hash="0" * 64, prefix="hw_0000")
        values["api_tokens:*"] = {"token_id": token.pk}
    try:
        job_model = apps.get_model("imports", "ImportJob")
    except LookupError:
        pass
    else:
        job = job_model.objects.create(
            kind="gias", file_name="edubasealldata.csv", sha256="0" * 64, status="finished", phase="finished",
            started_by=admin, local_authority=la, actor_name=admin.username,
        )  # fmt: skip
        values["imports:job"] = values["imports:job_progress"] = {"pk": job.pk}
    return values


def _pack(held: Any, by: User) -> Any:
    """The review group pack as a PDF, made (headway.concerns.packs)."""
    from headway.concerns.models import MeetingPack

    return MeetingPack.objects.create(meeting=held, requested_by=by, status="ready", pdf=b"%PDF-1.4 the pack")


def _designate(held: Any, school: Any, by: User, lead: User, trigger: list[dict[str, str]]) -> Any:
    decision = concerns.designate(
        meeting=held, establishment=school, reasons="Judged requires improvement.",
        discussed_with_head_on=held.held_on - dt.timedelta(days=7), by=by, triggers=trigger, lead_officer=lead,
    )  # fmt: skip
    assert decision.concern is not None
    return decision.concern


def _kpi_set(name: str) -> Any:
    from pathlib import Path

    import headway.strategy

    return Path(headway.strategy.__file__).parent / "kpi_sets" / f"{name}.yaml"
