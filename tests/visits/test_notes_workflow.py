"""The note-of-visit workflow: its order, who may act, read-only final notes, corrections as versions, and
every transition in the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core import mail

from headway.accounts.audit import history_for
from headway.accounts.models import AuditEvent, Role, User
from headway.schools.models import Establishment, LocalAuthority
from headway.visits import notes
from headway.visits.models import AcademicYear, NoteOfVisit, Notice, Visit
from headway.visits.notes import NoteWorkflowError
from headway.visits.self_evaluation import self_evaluation_submit
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.helpers import FIXTURES, load

ALTON, ANSTEY = 115850, 115851


@dataclass
class World:
    school: Establishment
    other_school: Establishment
    visit: Visit
    officer: User
    colleague: User
    outsider: User
    head: User
    chair: User
    other_head: User
    board: User


def make_world(*, planned_on: dt.date | None = None) -> World:
    """The real Hampshire GIAS sample; a visit to Alton Infant School by an officer; its headteacher and
    chair of governors; another school's headteacher; an officer of another authority; a board member."""
    result = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not result.rejected, result.errors
    hampshire = LocalAuthority.objects.get(code="850")
    school = Establishment.objects.get(urn=ALTON)
    other = Establishment.objects.get(urn=ANSTEY)
    officer = UserFactory(username="officer.alton", role=Role.LA_OFFICER, local_authority=hampshire, email="o@la.test")
    colleague = UserFactory(username="admin.hampshire", role=Role.LA_ADMIN, local_authority=hampshire)
    outsider = UserFactory(username="officer.elsewhere", role=Role.LA_OFFICER, local_authority=LocalAuthorityFactory())
    head = UserFactory(username="head.alton", role=Role.SCHOOL_USER, email="head@alton.test")
    head.schools.set([school])
    chair = UserFactory(username="chair.alton", role=Role.SCHOOL_USER, email="chair@alton.test")
    chair.schools.set([school])
    other_head = UserFactory(username="head.anstey", role=Role.SCHOOL_USER, email="head@anstey.test")
    other_head.schools.set([other])
    board = UserFactory(username="board.hampshire", role=Role.BOARD_MEMBER, local_authority=hampshire)
    year = AcademicYear.objects.create(local_authority=hampshire, start_year=2025)
    visit = Visit.objects.create(
        establishment=school,
        officer=officer,
        academic_year=year,
        planned_on=planned_on or dt.date(2025, 10, 8),
        purpose="School effectiveness visit",
    )
    return World(school, other, visit, officer, colleague, outsider, head, chair, other_head, board)


def draft(world: World, template: str = "standard") -> NoteOfVisit:
    note = notes.note_create(visit=world.visit, template_name=template, author=world.officer)
    if template == "standard":
        notes.note_update(
            note=note,
            by=world.officer,
            sections={"purpose": "Met the head and the maths lead.", "summary": "Strong start to the year."},
            judgements={"curriculum_and_teaching": {"judgement": "Secure", "evidence": "Maths deep dive."}},
            actions="Head to review the calculation policy by half-term.",
            next_steps="Revisit in spring.",
        )
    else:
        notes.note_update(note=note, by=world.officer, sections={"diagnosis": "Attendance is falling."}, judgements={})
    return note


def sent(world: World) -> NoteOfVisit:
    return notes.note_send(note=draft(world), by=world.officer)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def verbs(note: NoteOfVisit) -> list[str]:
    return list(history_for(note).order_by("occurred_at", "id").values_list("verb", flat=True))


# The happy paths --------------------------------------------------------------------------------------------


def test_the_whole_workflow_is_audited_in_order(world: World, django_capture_on_commit_callbacks: object) -> None:
    note = draft(world)
    note = notes.note_send(note=note, by=world.officer)
    assert note.status == NoteOfVisit.Status.SENT and note.sent_at is not None
    note = notes.note_mark_inaccurate(note=note, by=world.head, comments="We met the English lead, not maths.")
    assert note.status == NoteOfVisit.Status.INACCURATE
    assert note.headteacher_comments == "We met the English lead, not maths."
    note = notes.note_finalise(note=note, by=world.officer)
    assert note.status == NoteOfVisit.Status.FINAL and note.finalised_at is not None
    note = notes.note_share_with_governors(note=note, by=world.officer)
    assert note.shared_with_governors_at is not None
    correction = notes.note_correct(note=note, by=world.officer, reason="The head is right about who we met.")
    assert (correction.status, correction.version, correction.previous_version_id) == ("draft", 2, note.pk)
    assert correction.sections == note.sections and correction.judgements == note.judgements

    assert verbs(note) == [
        "note.created",
        "note.updated",
        "note.sent",
        "note.marked_inaccurate",
        "note.finalised",
        "note.shared_with_governors",
        "note.correction_started",
    ]
    assert verbs(correction) == ["note.created"]
    inaccurate = history_for(note).get(verb="note.marked_inaccurate")
    assert inaccurate.actor == world.head
    assert inaccurate.before == {"status": "sent", "headteacher_comments": ""}
    assert inaccurate.after["status"] == "inaccurate"
    assert inaccurate.reason == "We met the English lead, not maths."
    assert notes.school_response(note) == "inaccurate"


def test_the_head_can_agree(world: World) -> None:
    note = notes.note_agree(note=sent(world), by=world.chair)
    assert note.status == NoteOfVisit.Status.AGREED
    assert verbs(note)[-1] == "note.agreed"
    assert notes.school_response(note) == "agreed"
    assert Notice.objects.filter(recipient=world.officer, text__contains="agreed").exists()


def test_walsall_dsin_is_a_second_template(world: World) -> None:
    note = notes.note_send(note=draft(world, "walsall-dsin"), by=world.officer)
    assert note.sections == {"diagnosis": "Attendance is falling."}
    assert note.judgements == {}
    with pytest.raises(NoteWorkflowError, match="no area"):
        notes.clean_content(
            notes.note_template_named("walsall-dsin"),
            sections={},
            judgements={"inclusion": {"judgement": "Secure"}},
            self_grades={},
        )


# The order is enforced --------------------------------------------------------------------------------------


def test_no_response_before_sending_and_no_finalising_before_a_response(world: World) -> None:
    note = draft(world)
    with pytest.raises(NoteWorkflowError, match="the note is draft; it must be sent to the headteacher"):
        notes.note_agree(note=note, by=world.head)
    with pytest.raises(NoteWorkflowError, match="Cannot finalise"):
        notes.note_finalise(note=note, by=world.officer)
    notes.note_send(note=note, by=world.officer)
    with pytest.raises(NoteWorkflowError, match="Cannot finalise"):
        notes.note_finalise(note=note, by=world.officer)
    with pytest.raises(NoteWorkflowError, match="Cannot send"):
        notes.note_send(note=note, by=world.officer)


def test_no_sharing_before_final(world: World) -> None:
    note = draft(world)
    for step in (
        lambda: None,
        lambda: notes.note_send(note=note, by=world.officer),
        lambda: notes.note_agree(note=note, by=world.head),
    ):
        step()
        with pytest.raises(NoteWorkflowError, match="Cannot share the note"):
            notes.note_share_with_governors(note=note, by=world.officer)
    notes.note_finalise(note=note, by=world.officer)
    notes.note_share_with_governors(note=note, by=world.officer)
    with pytest.raises(NoteWorkflowError, match="already shared"):
        notes.note_share_with_governors(note=note, by=world.officer)


def test_no_edits_after_sending_or_final(world: World) -> None:
    note = sent(world)
    edit = {"sections": {"summary": "Changed."}, "judgements": {}}
    with pytest.raises(NoteWorkflowError, match="Cannot edit the note: the note is sent"):
        notes.note_update(note=note, by=world.officer, **edit)
    notes.note_agree(note=note, by=world.head)
    notes.note_finalise(note=note, by=world.officer)
    with pytest.raises(NoteWorkflowError, match="Cannot edit the note: the note is final"):
        notes.note_update(note=note, by=world.officer, **edit)
    note.refresh_from_db()
    assert note.sections["summary"] == "Strong start to the year."
    with pytest.raises(NoteWorkflowError, match="Cannot correct"):
        notes.note_correct(note=draft(world), by=world.officer, reason="x")


def test_a_final_note_is_corrected_once(world: World) -> None:
    note = notes.note_agree(note=sent(world), by=world.head)
    notes.note_finalise(note=note, by=world.officer)
    with pytest.raises(NoteWorkflowError, match="Say why"):
        notes.note_correct(note=note, by=world.officer, reason=" ")
    notes.note_correct(note=note, by=world.officer, reason="Typo in the actions.")
    with pytest.raises(NoteWorkflowError, match="already has a newer version"):
        notes.note_correct(note=note, by=world.officer, reason="Again.")


def test_marking_inaccurate_needs_comments(world: World) -> None:
    note = sent(world)
    with pytest.raises(NoteWorkflowError, match="comments are required"):
        notes.note_mark_inaccurate(note=note, by=world.head, comments="  ")
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.SENT


def test_an_empty_note_cannot_be_sent(world: World) -> None:
    note = notes.note_create(visit=world.visit, template_name="standard", author=world.officer)
    with pytest.raises(NoteWorkflowError, match="empty"):
        notes.note_send(note=note, by=world.officer)


# Who may act ------------------------------------------------------------------------------------------------


def test_only_that_schools_users_can_respond(world: World) -> None:
    note = sent(world)
    for person in (world.other_head, world.officer, world.colleague, world.board, world.outsider):
        with pytest.raises(NoteWorkflowError, match="only the school's own users can respond"):
            notes.note_agree(note=note, by=person)
    world.head.is_active = False
    world.head.save()
    with pytest.raises(NoteWorkflowError, match="only the school's own users"):
        notes.note_mark_inaccurate(note=note, by=world.head, comments="x")
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.SENT
    assert not AuditEvent.objects.filter(verb__in=["note.agreed", "note.marked_inaccurate"]).exists()


def test_only_the_officer_or_that_authoritys_staff_write(world: World) -> None:
    for person in (world.head, world.outsider, world.board):
        with pytest.raises(NoteWorkflowError, match="only the visit's officer"):
            notes.note_create(visit=world.visit, template_name="standard", author=person)
    note = draft(world)
    for person in (world.head, world.outsider, world.board):
        with pytest.raises(NoteWorkflowError, match="only the visit's officer"):
            notes.note_send(note=note, by=person)
    notes.note_send(note=note, by=world.colleague)  # LA staff of the authority may


# The self-grade and the judgement -----------------------------------------------------------------------------


def test_disagreement_with_the_self_grade_is_explicit(world: World) -> None:
    grades = {area: {"grade": "Highly effective"} for area in _self_evaluation_areas()}
    grades["early_years"] = {"grade": "Not applicable"}
    self_evaluation_submit(visit=world.visit, by=world.head, grades=grades, barriers="Staff turnover.")
    note = notes.note_create(visit=world.visit, template_name="standard", author=world.officer)
    with pytest.raises(NoteWorkflowError, match="record disagreement"):
        notes.note_update(
            note=note, by=world.officer, sections={}, judgements={"inclusion": {"judgement": "Secure", "evidence": "e"}}
        )
    notes.note_update(
        note=note,
        by=world.officer,
        sections={},
        judgements={"inclusion": {"judgement": "Secure", "evidence": "e", "disagrees_with_self_grade": True}},
    )
    assert note.judgements["inclusion"] == {
        "judgement": "Secure",
        "evidence": "e",
        "self_grade": "Highly effective",
        "disagrees_with_self_grade": True,
    }


def _self_evaluation_areas() -> list[str]:
    from headway.visits.note_templates import self_evaluation_form_named

    return [a.key for a in self_evaluation_form_named().areas]


# Notifications ------------------------------------------------------------------------------------------------


def test_sending_notifies_the_school_in_app_and_by_email_after_commit(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        note = sent(world)
    assert sorted(m.to[0] for m in mail.outbox) == ["chair@alton.test", "head@alton.test"]
    assert "Alton Infant School" in mail.outbox[0].subject
    assert f"/notes/{note.pk}/respond/" in mail.outbox[0].body
    notices = Notice.objects.filter(recipient=world.head)
    assert [n.link for n in notices] == [f"/notes/{note.pk}/respond/"]
    assert not Notice.objects.filter(recipient=world.other_head).exists()


def test_a_failed_transition_sends_no_email(world: World, django_capture_on_commit_callbacks: object) -> None:
    note = draft(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NoteWorkflowError):  # type: ignore[operator]
        notes.note_send(note=note, by=world.head)
    assert mail.outbox == []
    assert not Notice.objects.exists()
