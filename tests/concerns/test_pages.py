"""The schools-causing-concern pages through Django's test client: the review group's meeting (schedule,
agenda, minutes, decisions), a school's case and its forms, the action plan and the board summary."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import User
from headway.concerns import services
from headway.concerns.models import (
    ActionPlan,
    ConcernStatus,
    PlanReview,
    ReviewGroupDecision,
    ReviewGroupMeeting,
    SchoolCausingConcern,
    StatutoryPower,
    WarningNotice,
)
from tests.concerns.world import World, designated, inspect, make_world, meeting
from tests.helpers import DateBoxesClient

pytestmark = pytest.mark.django_db

PDF_READY = importlib.util.find_spec("headway.concerns.pdf") is not None
needs_pdf = pytest.mark.xfail(
    not PDF_READY, reason="headway.concerns.pdf is being written by another engineer", raises=ModuleNotFoundError
)

MILESTONES = [
    ("27/02/2026", "Phonics screening practice above 70%", "Termly check shows 70% or more"),
    ("22/05/2026", "Governors challenge the data", "Minutes show challenge"),
]
ACTIONS = [
    ("school", "Daily phonics catch-up in Year 1", "Ann Head", "31/01/2026"),
    ("la", "Leadership coaching for the headteacher", "Olu Lead", "28/02/2026"),
]
SUPPORT = [("Hampshire English team", "Phonics training", "12", "£1,800", "la")]


def date_parts(name: str, day: str) -> dict[str, str]:
    """A GOV.UK date input's three boxes, from "17/03/2026" ("" leaves them empty)."""
    parts = day.split("/") if day else ["", "", ""]
    return {f"{name}_{index}": part for index, part in enumerate(parts)}


def rows_data(prefix: str, fields: tuple[str, ...], rows: list[tuple[str, ...]]) -> dict[str, str]:
    """A list of rows as the plan's page posts them (a Django formset), dates typed as "17/03/2026"."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for number, row in enumerate(rows):
        for field, value in zip(fields, row, strict=True):
            if field == "due_on":
                data.update(date_parts(f"{prefix}-{number}-due_on", value))
            else:
                data[f"{prefix}-{number}-{field}"] = value
    return data


def plan_data(
    milestones: list[tuple[str, ...]] | None = None,
    actions: list[tuple[str, ...]] | None = None,
    support: list[tuple[str, ...]] | None = None,
    **extra: str,
) -> dict[str, str]:
    data = {
        "key_issues": "Phonics outcomes are low.",
        "where_in_a_year": "Phonics screening at the national average.",
        "monitoring_arrangements": "Half-termly monitoring meeting with the head of service.",
        **date_parts("agreed_on", "10/11/2025"),
        **rows_data(
            "milestones", ("due_on", "title", "success_criteria"), MILESTONES if milestones is None else milestones
        ),
        **rows_data("actions", ("by", "description", "owner", "due_on"), ACTIONS if actions is None else actions),
        **rows_data(
            "support", ("provider", "description", "hours", "cost", "paid_by"), SUPPORT if support is None else support
        ),
    }
    data.update(extra)
    return data


@pytest.fixture
def world() -> World:
    return make_world()


def client_for(user: User) -> Client:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def decision_data(urn: int, kind: str, **extra: str) -> dict[str, str]:
    data = {
        "action": "decision",
        "urn": str(urn),
        "kind": kind,
        "reasons": "Judged requires improvement; leadership not yet secure.",
        "discussed_with_head_on": "05/11/2025",
        "compliance_working_days": "15",
    }
    data.update(extra)
    return data


def test_officers_schedule_a_meeting_prepare_the_agenda_and_record_minutes(world: World) -> None:
    client = client_for(world.officer)
    response = client.post(reverse("concerns:meetings"), {"held_on": "12/11/2025"})
    held = ReviewGroupMeeting.objects.get(local_authority=world.hampshire)
    assert held.held_on == dt.date(2025, 11, 12)
    assert response["Location"] == reverse("concerns:meeting", kwargs={"meeting_id": held.pk})
    assert "12 November 2025" in client.get(reverse("concerns:meetings")).content.decode()

    here = reverse("concerns:meeting", kwargs={"meeting_id": held.pk})
    page = client.get(here).content.decode()
    assert "Prepare the agenda" in page and "The agenda has not been prepared" in page
    client.post(here, {"action": "agenda"})
    held.refresh_from_db()
    assert held.agenda_prepared_at is not None and held.agenda["held_on"] == "2025-11-12"
    assert "New triggers since the last meeting" in client.get(here).content.decode()

    client.post(here, {"action": "minutes", "attendees": "Sam Service, head of service", "minutes": "Alton discussed."})
    held.refresh_from_db()
    assert held.minutes == "Alton discussed."
    response = client.post(here, {"action": "minutes", "attendees": "Sam Service", "minutes": "Corrected."})
    assert response.status_code == 200
    assert "say why you are correcting them" in response.content.decode()
    held.refresh_from_db()
    assert held.minutes == "Alton discussed."
    client.post(
        here, {"action": "minutes", "attendees": "Sam Service", "minutes": "Corrected.", "reason": "Typo in names"}
    )
    held.refresh_from_db()
    assert held.minutes == "Corrected."


def test_the_review_group_designates_a_school_through_the_decision_form(world: World) -> None:
    inspect(world.school, dt.date(2025, 3, 10), 3)
    held = meeting(world, dt.date(2025, 11, 12))
    client = client_for(world.head_of_service)
    here = reverse("concerns:meeting", kwargs={"meeting_id": held.pk})
    triggers = {"triggers": "Judged requires improvement"}

    response = client.post(here, decision_data(world.school.urn, "designate", discussed_with_head_on="", **triggers))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Enter the date discussed with the headteacher" in page
    assert page.count("<title>Error: ") == 1

    response = client.post(
        here, decision_data(world.school.urn, "designate", discussed_with_head_on="13/11/2025", **triggers)
    )
    assert "The headteacher must be spoken to first" in response.content.decode()
    assert not SchoolCausingConcern.objects.exists() and not ReviewGroupDecision.objects.exists()

    response = client.post(
        here, decision_data(world.school.urn, "designate", lead_officer=str(world.officer.pk), **triggers)
    )
    assert response.status_code == 302
    concern = SchoolCausingConcern.objects.get(establishment=world.school)
    assert concern.designated_on == held.held_on and concern.lead_officer == world.officer
    assert concern.triggers == [{"name": "judged_requires_improvement", "label": "Judged requires improvement"}]
    decision = ReviewGroupDecision.objects.get()
    assert decision.discussed_with_head_on == dt.date(2025, 11, 5)
    assert "Alton Infant School" in client.get(here).content.decode()

    register = client.get(reverse("concerns:register")).content.decode()
    assert "Alton Infant School" in register and "Olu Lead" in register and "No plan yet" in register

    case = client.get(reverse("concerns:case", kwargs={"urn": world.school.urn})).content.decode()
    assert "Designate as causing concern" in case and "5 November 2025" in case
    assert "Audit trail" in case and "Designated as causing concern" in case

    response = client.post(here, decision_data(world.school.urn, "designate", **triggers))
    assert "record a decision to keep it instead" in response.content.decode()
    response = client.post(here, decision_data(world.other_school.urn, "keep"))
    assert "Anstey Junior School is not on the register" in response.content.decode()


def test_the_case_shows_the_evidence_the_review_group_saw_in_words(world: World) -> None:
    concern = designated(world)
    concern.evidence = {
        "latest_grade": 3,
        "safeguarding_met": None,
        "stuck": False,
        "risk": 0.0923,
        "would_be_ri_now": None,
        "type_group": "Local authority maintained schools",
    }
    concern.save()
    case = client_for(world.officer).get(reverse("concerns:case", kwargs={"urn": world.school.urn})).content.decode()
    for words in (
        "Latest graded outcome: requires improvement",
        "Safeguarding: not known",
        "Stuck (below good at the last two inspections): no",
        "Predicted risk of a below-good inspection: 9%",
        "Would be judged below good now (officer&#x27;s judgement): not known",
        "Group of school types: Local authority maintained schools",
    ):
        assert words in case
    shown = case.split('id="main-content"')[1]
    for code in ("latest_grade", "would_be_ri_now", "type_group", ": None", ": False", "0.0923"):
        assert code not in shown


def test_the_lead_officer_records_and_revises_the_plan_and_reviews_it(world: World) -> None:
    concern = designated(world)
    client = client_for(world.officer)
    urn = world.school.urn
    url = reverse("concerns:plan_record", kwargs={"urn": urn})
    assert "Record the action plan" in client.get(url).content.decode()

    bad = plan_data(milestones=[*MILESTONES, ("31/13/2026", "", "")])
    response = client.post(url, bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "<title>Error: " in page
    assert "The date of milestone 3 must be a real date" in page and "Enter the title of milestone 3" in page
    assert 'href="#id_milestones-2-due_on_0"' in page and 'href="#id_milestones-2-title"' in page
    response = client.post(url, plan_data(actions=[("someone", "Coaching", "", "")]))
    assert "Choose who acts in action 1: the school or the LA" in response.content.decode()
    response = client.post(url, plan_data(actions=[("", "", "", "")]))
    assert "Enter at least one action, of the school or of the LA" in response.content.decode()
    response = client.post(url, plan_data(support=[("Trust", "Coaching", "-3", "ten pounds", "")]))
    page = response.content.decode()
    assert "The hours of brokered support 1 cannot be negative" in page
    assert "The cost of brokered support 1 must be a number, like 12 or 1800" in page
    assert "Choose who pays for brokered support 1" in page
    assert not ActionPlan.objects.exists()

    # Rows are added and removed by posting back, without JavaScript; nothing is saved meanwhile.
    response = client.post(url, plan_data(row="add-milestones"))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" not in page
    assert 'name="milestones-TOTAL_FORMS" value="3"' in page and "Milestone 3" in page
    assert 'value="Governors challenge the data"' in page
    response = client.post(url, plan_data(row="remove-milestones-0"))
    page = response.content.decode()
    assert 'name="milestones-TOTAL_FORMS" value="1"' in page
    assert 'name="milestones-0-title" type="text" value="Governors challenge the data"' in page
    assert "Phonics screening practice above 70%" not in page
    for hostile in ("remove-milestones-99", "remove-nothing-0", "add-milestones-x", "remove-milestones--1"):
        response = client.post(url, plan_data(row=hostile))
        assert response.status_code == 200
    assert not ActionPlan.objects.exists()
    # Empty rows are ignored.
    assert client.post(url, plan_data(milestones=[*MILESTONES, ("", "", "")], support=[])).status_code == 302
    ActionPlan.objects.all().delete()

    assert client.post(url, plan_data()).status_code == 302
    plan = ActionPlan.objects.get(concern=concern)
    assert plan.version == 1
    assert [m.title for m in plan.milestones.all()] == [
        "Phonics screening practice above 70%",
        "Governors challenge the data",
    ]
    assert [m.due_on for m in plan.milestones.all()] == [dt.date(2026, 2, 27), dt.date(2026, 5, 22)]
    assert plan.actions.count() == 2 and plan.support.get().cost == 1800

    page = client.get(url).content.decode()
    assert "Revise the action plan (version 1)" in page
    assert (
        'value="Governors challenge the data"' in page
        and 'name="milestones-1-due_on_1" type="text" inputmode="numeric" value="5"' in page
    )
    assert "|" not in page.split("<form")[1].split("</form>")[0]
    response = client.post(url, plan_data())
    assert "Enter why the plan is being revised" in response.content.decode()
    assert client.post(url, plan_data(change_reason="Governors asked for a attendance milestone")).status_code == 302
    plan = ActionPlan.objects.get(concern=concern, version=2)

    review_url = reverse("concerns:plan_review", kwargs={"urn": urn})
    first, second = plan.milestones.all()
    data = {
        "reviewed_on": "15/01/2026",
        f"rag_{first.pk}": "amber",
        f"comment_{first.pk}": "62% at the January check",
        "summary": "Some progress.",
        "next_steps": "Keep the catch-up going.",
    }
    response = client.post(review_url, data)
    assert "Rate progress on Governors challenge the data" in response.content.decode()
    data[f"rag_{second.pk}"] = "green"
    assert client.post(review_url, data).status_code == 302
    review = PlanReview.objects.get()
    assert {p.milestone.title: p.rag for p in review.progress.all()} == {
        "Phonics screening practice above 70%": "amber",
        "Governors challenge the data": "green",
    }
    plan_page = client.get(reverse("concerns:plan", kwargs={"urn": urn})).content.decode()
    assert "Action plan, version 2" in plan_page and "Amber: partly on track" in plan_page
    assert "Version 1, agreed on 10 November 2025" in plan_page


def test_a_warning_notice_its_outcome_eligibility_and_an_interim_executive_board(world: World) -> None:
    concern = designated(world)
    client = client_for(world.head_of_service)
    urn = world.school.urn
    case_url = reverse("concerns:case", kwargs={"urn": urn})
    assert "No formal warning notice is proposed" in client.get(case_url).content.decode()

    response = client.post(
        reverse("concerns:judgement", kwargs={"urn": urn}),
        {"kind": "not_engaged", "value": "yes", "made_on": "01/11/2025", "reason": "Missed three meetings."},
    )
    assert response.status_code == 302
    assert "A formal warning notice is proposed because" in client.get(case_url).content.decode()

    held = meeting(world, dt.date(2025, 11, 20))
    here = reverse("concerns:meeting", kwargs={"meeting_id": held.pk})
    response = client.post(here, decision_data(urn, "warning_notice", discussed_with_head_on="18/11/2025"))
    assert "Choose the statutory ground of the warning notice" in response.content.decode()
    response = client.post(
        here,
        decision_data(
            urn,
            "warning_notice",
            discussed_with_head_on="18/11/2025",
            ground="standards",
            required_action="Secure phonics teaching in Key Stage 1.",
        ),
    )
    assert response.status_code == 302
    notice = WarningNotice.objects.get(concern=concern)
    assert notice.compliance_working_days == 15 and notice.issued_on == held.held_on
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.WARNING_NOTICE

    outcome_url = reverse("concerns:notice_outcome", kwargs={"notice_id": notice.pk})
    assert f"{notice.compliance_ends_on:%-d %B %Y}" in client.get(outcome_url).content.decode()
    response = client.post(outcome_url, {"outcome": "not_complied", "on": "25/11/2025", "reason": "No change"})
    assert "non-compliance can be recorded only after it ends" in response.content.decode()
    response = client.post(outcome_url, {"outcome": "not_complied", "on": "05/01/2026", "reason": "No change"})
    assert response.status_code == 302

    power_url = reverse("concerns:power", kwargs={"urn": urn})
    power = {"power": "interim_executive_board", "decided_on": "20/01/2026", "starts_on": "02/02/2026", "notes": ""}
    assert "is not eligible for intervention" in client.post(power_url, power).content.decode()

    response = client.post(
        reverse("concerns:eligibility", kwargs={"notice_id": notice.pk}),
        {"on": "06/01/2026", "reason": "The governing body did not comply."},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.ELIGIBLE and concern.eligible_since == dt.date(2026, 1, 6)

    assert client.post(power_url, power).status_code == 302
    used = StatutoryPower.objects.get(concern=concern)
    assert used.power_label == "Appoint an interim executive board (EIA 2006 s.65)"
    page = client.get(case_url).content.decode()
    assert "Appoint an interim executive board" in page and "Eligible for intervention since 6 January 2026" in page


def test_an_academy_case_offers_no_powers_and_no_warning_notice(world: World) -> None:
    designated(world, school=world.academy)
    client = client_for(world.officer)
    urn = world.academy.urn
    page = client.get(reverse("concerns:case", kwargs={"urn": urn})).content.decode()
    assert "The LA has no powers of intervention in an academy" in page
    assert "Use a statutory power" not in page and "Statutory powers" not in page
    assert "Warning notices" not in page and "formal warning notice is proposed" not in page
    assert "Record that the concern was raised" in page
    assert client.get(reverse("concerns:power", kwargs={"urn": urn})).status_code == 404
    assert client.get(reverse("concerns:statement", kwargs={"urn": urn})).status_code == 404
    assert client.get(reverse("concerns:academy_contact", kwargs={"urn": urn})).status_code == 200
    maintained = designated(world)
    assert (
        client.get(reverse("concerns:academy_contact", kwargs={"urn": maintained.establishment.urn})).status_code == 404
    )
    maintained_page = client.get(reverse("concerns:case", kwargs={"urn": maintained.establishment.urn})).content
    assert b"Escalate" not in maintained_page and b"Concerns raised with the academy" not in maintained_page


def test_an_academy_concern_is_raised_answered_and_escalated(world: World) -> None:
    concern = designated(world, school=world.academy)
    client = client_for(world.officer)
    urn = world.academy.urn
    url = reverse("concerns:academy_contact", kwargs={"urn": urn})
    for raised_with in ("headteacher", "chair", "trust"):
        data = {"raised_with": raised_with, "sent_on": "20/10/2025", "what_was_sent": "Letter of concern"}
        assert client.post(url, data).status_code == 302
    trust = concern.academy_contacts.get(raised_with="trust")
    response_url = reverse("concerns:academy_response", kwargs={"contact_id": trust.pk})
    reply = {"response": "The trust will broker support.", "response_on": "03/11/2025", "trust_plan": "Trust plan"}
    assert client.post(response_url, reply).status_code == 302
    trust.refresh_from_db()
    assert trust.response == "The trust will broker support."

    held = meeting(world, dt.date(2025, 12, 10))
    response = client.post(
        reverse("concerns:meeting", kwargs={"meeting_id": held.pk}),
        decision_data(urn, "escalate", raised_with="regional_director", what_was_sent="Letter to the RD"),
    )
    assert response.status_code == 302
    assert concern.academy_contacts.filter(raised_with="regional_director").exists()
    assert ReviewGroupDecision.objects.filter(meeting=held, kind="escalate").exists()


def test_the_register_lists_the_school_and_hides_removed_ones_unless_asked(world: World) -> None:
    concern = designated(world)
    client = client_for(world.colleague)
    page = client.get(reverse("concerns:register")).content.decode()
    assert "Alton Infant School" in page and "Judged requires improvement" in page and "15 October 2025" in page
    inspect(world.school, dt.date(2026, 3, 3), 2)
    services.remove(
        meeting=meeting(world, dt.date(2026, 4, 20)),
        concern=concern,
        reasons="Judged good.",
        discussed_with_head_on=dt.date(2026, 4, 14),
        by=world.head_of_service,
    )
    assert "Alton Infant School" not in client.get(reverse("concerns:register")).content.decode()
    page = client.get(reverse("concerns:register") + "?removed=1").content.decode()
    assert "Alton Infant School" in page and "Removed from the register" in page


def test_the_lead_officer_judgements_and_monitoring_forms(world: World) -> None:
    concern = designated(world)
    client = client_for(world.head_of_service)
    urn = world.school.urn
    url = reverse("concerns:lead_officer", kwargs={"urn": urn})
    response = client.post(url, {"officer": str(world.outsider.pk), "reason": "Caseload"})
    assert "Select a valid choice" in response.content.decode()
    assert client.post(url, {"officer": str(world.colleague.pk), "reason": "Caseload"}).status_code == 302
    concern.refresh_from_db()
    assert concern.lead_officer == world.colleague

    url = reverse("concerns:monitoring", kwargs={"urn": urn})
    data = {"held_on": "01/12/2025", "chaired_by": "Sam Service", "attendees": "", "notes": "Good progress."}
    assert client.post(url, data).status_code == 302
    assert concern.monitoring_meetings.get().notes == "Good progress."


def test_the_pack_page_and_the_board_summary(world: World) -> None:
    designated(world)
    held = ReviewGroupMeeting.objects.get()
    services.agenda_prepare(meeting=held, by=world.officer)
    client = client_for(world.officer)
    page = client.get(reverse("concerns:pack", kwargs={"meeting_id": held.pk})).content.decode()
    assert "Schools review group pack, 15 October 2025" in page and "Alton Infant School" in page

    board = client_for(world.board)
    page = board.get(reverse("concerns:board") + "?term=autumn-2025").content.decode()
    assert "Schools causing concern, Autumn term 2025" in page and "Alton Infant School" in page
    assert "1 designated" in page
    assert "Alton Infant School" not in board.get(reverse("concerns:board") + "?term=spring-2025").content.decode()
    assert board.get(reverse("concerns:board") + "?term=winter-2025").status_code == 404


@needs_pdf
def test_the_pack_pdf(world: World) -> None:
    designated(world)
    held = ReviewGroupMeeting.objects.get()
    officer = client_for(world.officer)
    asked = officer.post(reverse("concerns:pack_pdf", kwargs={"meeting_id": held.pk}))  # made in the background
    assert asked.status_code == 302
    ready = officer.get(asked["Location"])
    assert "The pack is ready" in ready.content.decode()
    pack = held.packs.get()
    response = officer.get(reverse("concerns:pack_download", kwargs={"meeting_id": held.pk, "pack_id": pack.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@needs_pdf
def test_the_board_summary_pdf(world: World) -> None:
    designated(world)
    response = client_for(world.board).get(reverse("concerns:board_pdf") + "?term=autumn-2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
