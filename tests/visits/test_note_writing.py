"""Writing a note of visit marks its visit done; sending a note to a school where no one has an account asks
first; the note's page names people and events in words."""

from __future__ import annotations

import contextlib
import re
import zlib

import pytest
from django.test import Client

from headway.accounts.audit import history_for
from headway.accounts.models import AuditEvent, User
from headway.visits import notes
from headway.visits.models import NoteOfVisit, Visit
from headway.visits.notes import NoteWorkflowError
from headway.visits.pdf import note_pdf
from tests.visits.test_notes_workflow import World, draft, make_world

NO_ONE = (
    "No one at Alton Infant School has a Headway account yet, so no one will be told about this note. "
    "Ask your administrator to add the headteacher."
)


@pytest.fixture
def world(db: None) -> World:
    found = make_world()
    User.objects.filter(pk=found.officer.pk).update(first_name="Olu", last_name="Adebayo", job_title="Link adviser")
    found.officer.refresh_from_db()
    return found


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(pdf: bytes) -> str:
    """The text an fpdf2 PDF shows (its streams inflated)."""
    shown: list[bytes] = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            stream = zlib.decompress(stream)
        shown += re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", stream)
    return re.sub(r"\s+", " ", " ".join(re.sub(rb"\\(.)", rb"\1", t).decode("latin-1") for t in shown))


def status_of(visit: Visit) -> str:
    return Visit.objects.values_list("status", flat=True).get(pk=visit.pk)


def done_events(visit: Visit) -> list[AuditEvent]:
    return list(history_for(visit).filter(verb="visit.done"))


def no_one_at_the_school(world: World) -> None:
    for person in (world.head, world.chair):
        person.schools.clear()


# Writing marks the visit done ----------------------------------------------------------------------------------------


def test_writing_the_note_marks_the_planned_visit_done_once_and_audits_it(world: World) -> None:
    note = notes.note_create(visit=world.visit, template_name="standard", author=world.officer)
    assert status_of(world.visit) == Visit.Status.PLANNED  # started, nothing written yet
    notes.note_update(note=note, by=world.officer, sections={}, judgements={})
    assert status_of(world.visit) == Visit.Status.PLANNED  # saved empty: still nothing written

    notes.note_update(note=note, by=world.officer, sections={"summary": "Reading is improving."}, judgements={})
    assert status_of(world.visit) == Visit.Status.DONE
    assert note.visit.status == Visit.Status.DONE  # the caller's object sees it too
    (event,) = done_events(world.visit)
    assert event.actor == world.officer and event.reason == "A note of the visit was written."
    assert event.before == {"status": "planned"} and event.after == {"status": "done"}

    notes.note_update(note=note, by=world.officer, sections={"summary": "Reading is improving fast."}, judgements={})
    notes.note_send(note=note, by=world.officer)
    assert len(done_events(world.visit)) == 1  # marked once, not at every save


def test_sending_marks_a_visit_still_planned_done(world: World) -> None:
    note = draft(world)
    Visit.objects.filter(pk=world.visit.pk).update(status=Visit.Status.PLANNED)  # e.g. written before this rule
    notes.note_send(note=note, by=world.officer)
    assert status_of(world.visit) == Visit.Status.DONE
    assert len(done_events(world.visit)) == 2


def test_a_cancelled_visit_has_no_note_and_stays_cancelled(world: World) -> None:
    Visit.objects.filter(pk=world.visit.pk).update(status=Visit.Status.CANCELLED)
    world.visit.refresh_from_db()
    with pytest.raises(NoteWorkflowError, match="the visit was cancelled"):
        notes.note_create(visit=world.visit, template_name="standard", author=world.officer)
    assert not NoteOfVisit.objects.exists()
    response = client_for(world.officer).post(f"/notes/visits/{world.visit.pk}/new/", {"template": "standard"})
    assert response.status_code == 200 and not NoteOfVisit.objects.exists()
    assert "the visit was cancelled" in response.content.decode()
    assert status_of(world.visit) == Visit.Status.CANCELLED


def test_a_note_someone_may_not_write_leaves_the_visit_planned(world: World) -> None:
    note = notes.note_create(visit=world.visit, template_name="standard", author=world.officer)
    for intruder in (world.outsider, world.head, world.board):
        with pytest.raises(NoteWorkflowError):
            notes.note_update(note=note, by=intruder, sections={"summary": "Forged."}, judgements={})
    assert status_of(world.visit) == Visit.Status.PLANNED and not done_events(world.visit)
    response = client_for(world.outsider).post(f"/notes/{note.pk}/edit/", {"section_summary": "Forged."})
    assert response.status_code == 404 and status_of(world.visit) == Visit.Status.PLANNED


def test_the_editor_marks_the_visit_done_when_the_draft_is_saved(world: World) -> None:
    client = client_for(world.officer)
    client.post(f"/notes/visits/{world.visit.pk}/new/", {"template": "standard"})
    note = NoteOfVisit.objects.get()
    assert status_of(world.visit) == Visit.Status.PLANNED
    response = client.post(f"/notes/{note.pk}/edit/", {"section_summary": "Good visit."})
    assert response.status_code == 302 and status_of(world.visit) == Visit.Status.DONE


# The warning before sending to a school where no one has an account ---------------------------------------------------


def test_sending_to_a_school_with_no_accounts_asks_first(world: World) -> None:
    note = draft(world)
    no_one_at_the_school(world)
    client = client_for(world.officer)
    detail = client.get(f"/notes/{note.pk}/").content.decode()
    assert NO_ONE in detail and "Send the note anyway" in detail and "Send to the headteacher" not in detail

    response = client.post(f"/notes/{note.pk}/send/")  # not confirmed: the page asks
    page = response.content.decode()
    assert response.status_code == 200 and NO_ONE in page and 'name="no_users_confirmed" value="yes"' in page
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.DRAFT

    response = client.post(f"/notes/{note.pk}/send/", {"no_users_confirmed": "yes"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.SENT
    sent = history_for(note).get(verb="note.sent")
    assert sent.reason == "No one at the school has a Headway account, so no one was told."


def test_sending_to_a_school_with_accounts_does_not_ask(world: World) -> None:
    note = draft(world)
    client = client_for(world.officer)
    detail = client.get(f"/notes/{note.pk}/").content.decode()
    assert "Headway account" not in detail and "Send to the headteacher" in detail
    assert client.post(f"/notes/{note.pk}/send/").status_code == 302
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.SENT and history_for(note).get(verb="note.sent").reason == ""


def test_an_inactive_headteacher_does_not_count_as_someone_told(world: World) -> None:
    note = draft(world)
    User.objects.filter(pk__in=[world.head.pk, world.chair.pk]).update(is_active=False)
    response = client_for(world.officer).post(f"/notes/{note.pk}/send/")
    assert response.status_code == 200 and NO_ONE in response.content.decode()


def test_confirming_does_not_let_anyone_else_send(world: World) -> None:
    note = draft(world)
    no_one_at_the_school(world)
    for intruder in (world.outsider, world.other_head, world.board):
        response = client_for(intruder).post(f"/notes/{note.pk}/send/", {"no_users_confirmed": "yes"})
        assert response.status_code in {403, 404}
        assert NO_ONE not in response.content.decode()
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.DRAFT
    assert client_for(world.officer).get(f"/notes/{note.pk}/send/").status_code == 405


# People and events in words ------------------------------------------------------------------------------------------


def test_the_note_names_its_author_and_history_in_words(world: World) -> None:
    note = draft(world)
    notes.note_send(note=note, by=world.officer)
    page = client_for(world.officer).get(f"/notes/{note.pk}/").content.decode()
    assert "Olu Adebayo, Link adviser" in page
    history = page.split('id="note-history"')[1].split("</ul>")[0]
    assert "Started the note" in history and "Saved the draft" in history and "Sent the note to the school" in history
    assert " at " in history and ("am:" in history or "pm:" in history)  # "8 October 2025 at 2:30pm"
    for code in ("note.sent", "note.created", "officer.alton", "visit.done"):
        assert code not in page
    school_page = client_for(world.head).get(f"/notes/{note.pk}/respond/").content.decode()
    assert "Written by Olu Adebayo, Link adviser." in school_page and "officer.alton" not in school_page
    shown = pdf_text(note_pdf(note))
    assert "Written by Olu Adebayo, Link adviser." in shown and "officer.alton" not in shown


def test_someone_without_a_name_is_never_shown_by_username(world: World) -> None:
    User.objects.filter(pk=world.officer.pk).update(first_name="", last_name="", job_title="")
    world.officer.refresh_from_db()
    note = draft(world)
    page = client_for(world.colleague).get(f"/notes/{note.pk}/").content.decode()
    assert "officer.alton" not in page and "o@la.test" in page
