"""The note pages through Django's test client: who sees what, the editor, the response form, the PDF, the
notices and the weekly digest command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from headway.accounts.models import User
from headway.visits import notes
from headway.visits.models import NoteOfVisit, Notice, Visit
from tests.helpers import DateBoxesClient
from tests.visits.test_notes_workflow import World, draft, make_world, sent


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def client_for(user: User) -> Client:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def test_officer_writes_a_note_in_the_editor_and_sends_it(world: World) -> None:
    client = client_for(world.officer)
    page = client.get("/notes/")
    assert "School effectiveness visit" in page.content.decode()
    response = client.post(f"/notes/visits/{world.visit.pk}/new/", {"template": "standard"})
    note = NoteOfVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/notes/{note.pk}/edit/"
    page = client.get(f"/notes/{note.pk}/edit/")
    assert page.status_code == 200
    assert "Judgement on safeguarding" in page.content.decode()

    bad = client.post(f"/notes/{note.pk}/edit/", {"judgement_inclusion": "Secure", "section_summary": "x"})
    assert bad.status_code == 200
    assert "Give the evidence for the judgement on inclusion." in bad.content.decode()

    client.post(
        f"/notes/{note.pk}/edit/",
        {
            "section_summary": "Good visit.",
            "deep_dive_subject": "Mathematics",
            "judgement_inclusion": "Secure",
            "evidence_inclusion": "SEND register reviewed.",
            "actions": "Review the SEND policy.",
        },
    )
    note.refresh_from_db()
    assert note.sections == {"summary": "Good visit.", "deep_dive_subject": "Mathematics"}
    assert note.judgements["inclusion"]["judgement"] == "Secure"
    response = client.post(f"/notes/{note.pk}/send/")
    note.refresh_from_db()
    assert note.status == "sent"
    assert client.get(f"/notes/{note.pk}/edit/").status_code == 302  # not a draft any more


def test_the_head_sees_a_sent_note_only_and_marks_it_inaccurate(world: World) -> None:
    note = draft(world)
    head = client_for(world.head)
    assert head.get(f"/notes/{note.pk}/").status_code == 404  # a draft is not the school's yet
    notes.note_send(note=note, by=world.officer)
    listing = head.get("/notes/").content.decode()
    assert "Notes awaiting you" in listing and f"/notes/{note.pk}/respond/" in listing
    page = head.post(f"/notes/{note.pk}/respond/", {"response": "inaccurate", "comments": ""})
    assert "Say what is inaccurate in the note." in page.content.decode()
    head.post(f"/notes/{note.pk}/respond/", {"response": "inaccurate", "comments": "Wrong date."})
    note.refresh_from_db()
    assert (note.status, note.headteacher_comments) == ("inaccurate", "Wrong date.")
    officer_page = client_for(world.officer).get(f"/notes/{note.pk}/").content.decode()
    assert "The school marked the note inaccurate" in officer_page and "Wrong date." in officer_page


def test_other_schools_users_and_other_authorities_get_404(world: World) -> None:
    note = sent(world)
    for person in (world.other_head, world.outsider):
        client = client_for(person)
        assert client.get(f"/notes/{note.pk}/").status_code == 404
        assert client.get(f"/notes/{note.pk}.pdf").status_code == 404
        assert client.post(f"/notes/{note.pk}/respond/", {"response": "agree"}).status_code == 404
    assert client_for(world.officer).post(f"/notes/{note.pk}/respond/", {"response": "agree"}).status_code == 403
    assert client_for(world.board).get("/notes/").status_code == 403
    note.refresh_from_db()
    assert note.status == "sent"


def test_a_final_note_is_visible_to_the_school_only_once_shared(world: World) -> None:
    note = notes.note_agree(note=sent(world), by=world.head)
    notes.note_finalise(note=note, by=world.officer)
    chair = client_for(world.chair)
    assert chair.get(f"/notes/{note.pk}/").status_code == 404
    client_for(world.officer).post(f"/notes/{note.pk}/share/")
    page = chair.get(f"/notes/{note.pk}/")
    assert page.status_code == 200 and "shared with governors" in page.content.decode()
    assert Notice.objects.filter(recipient=world.chair, text__contains="shared").exists()


def test_a_head_cannot_share_or_finalise_through_the_pages(world: World) -> None:
    note = notes.note_agree(note=sent(world), by=world.head)
    head = client_for(world.head)
    head.post(f"/notes/{note.pk}/finalise/")
    note.refresh_from_db()
    assert note.status == "agreed"


def test_the_pdf(world: World) -> None:
    note = sent(world)
    response = client_for(world.head).get(f"/notes/{note.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "note-of-visit-115850-2025-10-08-v1.pdf" in response["Content-Disposition"]


def test_notices_page_counts_and_marks_read(world: World) -> None:
    sent(world)
    head = client_for(world.head)
    assert "Notices (1 unread)" in head.get("/notes/").content.decode()
    page = head.get("/notes/notices/").content.decode()
    assert "waiting for your response" in page and "New" in page
    assert "Notices (1 unread)" not in head.get("/notes/").content.decode()


def test_notes_digest_command(db: None, django_capture_on_commit_callbacks: object) -> None:
    world = make_world(planned_on=dt.date(2025, 9, 20))
    note = sent(world)  # writing the note marked its visit done, so that visit is not overdue
    assert Visit.objects.get(pk=world.visit.pk).status == Visit.Status.DONE
    later = Visit.objects.create(
        establishment=world.school,
        officer=world.officer,
        academic_year=world.visit.academic_year,
        planned_on=dt.date(2025, 9, 24),
        purpose="Follow-up visit",
    )
    out = StringIO()
    call_command("notes_digest", "--as-of", "2025-10-01", "--json", stdout=out)  # the later visit is overdue then
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["digests"] == [{"officer": "officer.alton", "awaiting": [note.pk], "overdue": [later.pk]}]
    assert Notice.objects.filter(recipient=world.officer, text__startswith="Weekly digest").count() == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("notes_digest", "--as-of", "2025-09-01", stdout=StringIO())  # not overdue yet
    assert [m.to for m in mail.outbox] == [["o@la.test"]]
    assert "Notes awaiting the school's response: 1" in mail.outbox[0].body
    assert "Visits overdue (planned before today and not recorded as done): 0" in mail.outbox[0].body

    out = StringIO()
    call_command("notes_digest", "--dry-run", "--as-of", "2025-10-01", stdout=out)
    assert "Would send 1 digest(s)" in out.getvalue()
    assert Notice.objects.filter(recipient=world.officer, text__startswith="Weekly digest").count() == 2
