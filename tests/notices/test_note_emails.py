"""A note of visit sent to a school reaches its headteacher by e-mail through a real SMTP server, as each user
chose; never without an address, never from a change that was rolled back, and a mail server that is down
never undoes the change."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from headway.accounts.models import AuditEvent, NoticeKind, User
from headway.accounts.notices import email_choices_save
from headway.visits import notes
from headway.visits.models import NoteOfVisit, Notice
from tests.notices.conftest import Collector
from tests.visits.test_notes_workflow import World, draft, make_world


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db: None) -> World:
    made = make_world()
    made.officer.first_name, made.officer.last_name = "Olivia", "Reid"
    made.officer.save()
    made.head.first_name, made.head.last_name = "Helen", "Carter"
    made.head.save()
    return made


def send_through_the_page(world: World, capture: Any) -> NoteOfVisit:
    note = draft(world)
    with capture(execute=True):
        response = client_for(world.officer).post(f"/notes/{note.pk}/send/")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.SENT
    return note


def test_a_headteacher_receives_the_note_awaiting_email(
    world: World, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    note = send_through_the_page(world, django_capture_on_commit_callbacks)
    [message] = mailbox.to("head@alton.test")
    assert message.recipients == ["head@alton.test"]
    assert message.sender == "school.improvement@hants.example"
    assert message.subject == "Note of visit to Alton Infant School waiting for your response"
    body = message.body
    assert body.startswith("Dear Helen Carter,")
    assert "Olivia Reid has sent you the note of the visit to Alton Infant School on 8 October 2025." in body
    assert f"https://headway.hants.example/notes/{note.pk}/respond/" in body
    assert "https://headway.hants.example/accounts/notices/" in body
    assert "officer.alton" not in body and "2025-10-08" not in body  # names and dates in words
    # The chair has an address too; nobody else was written to.
    assert sorted(r for m in mailbox.all() for r in m.recipients) == ["chair@alton.test", "head@alton.test"]
    assert Notice.objects.filter(recipient=world.head, link=f"/notes/{note.pk}/respond/").count() == 1


def test_a_user_who_turned_the_kind_off_gets_the_notice_but_no_email(
    world: World, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    page = client_for(world.chair).post("/accounts/notices/", {"email_kinds": [NoticeKind.LETTER_ISSUED]})
    assert page.status_code == 302
    event = AuditEvent.objects.get(verb="e-mail notices chosen")
    assert event.actor == world.chair
    assert event.before == {"note_awaiting": True, "note_shared": True, "plan_review_due": True, "booking": True}
    assert event.after == {"note_awaiting": False, "note_shared": False, "plan_review_due": False, "booking": False}

    send_through_the_page(world, django_capture_on_commit_callbacks)
    assert mailbox.to("chair@alton.test") == []
    assert len(mailbox.to("head@alton.test")) == 1
    assert Notice.objects.filter(recipient=world.chair, text__contains="waiting for your response").count() == 1


def test_turning_a_kind_off_for_another_role_does_not_stop_mine(
    world: World, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    """An officer's choices are their own: they cannot reach a headteacher's, and the kinds an officer does
    not get are left alone."""
    email_choices_save(user=world.officer, email_kinds=[], by=world.officer)
    send_through_the_page(world, django_capture_on_commit_callbacks)
    assert len(mailbox.to("head@alton.test")) == 1
    with pytest.raises(ValueError, match="unknown kinds"):
        email_choices_save(user=world.head, email_kinds=["everything"], by=world.head)


def test_a_user_without_an_address_gets_no_email(
    world: World, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world.head.email = ""
    world.head.save()
    send_through_the_page(world, django_capture_on_commit_callbacks)
    assert [m.recipients for m in mailbox.all()] == [["chair@alton.test"]]
    assert Notice.objects.filter(recipient=world.head).count() == 1


def test_an_inactive_account_gets_no_email(
    world: World, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world.chair.is_active = False
    world.chair.save()
    send_through_the_page(world, django_capture_on_commit_callbacks)
    assert mailbox.to("chair@alton.test") == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing_and_a_committed_one_sends(mailbox: Collector) -> None:
    """With real commits (no test transaction around it): a send rolled back by a later failure sends nothing
    and leaves no notice; the same send committed reaches the server."""
    world = make_world()
    note = draft(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        notes.note_send(note=note, by=world.officer)
        raise RuntimeError("something after the send failed")
    assert mailbox.all() == []
    assert not Notice.objects.exists()
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.DRAFT

    notes.note_send(note=note, by=world.officer)
    assert sorted(r for m in mailbox.all() for r in m.recipients) == ["chair@alton.test", "head@alton.test"]


def test_a_mail_server_that_is_down_does_not_undo_the_send(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.notices.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2  # nobody listens
    with caplog.at_level(logging.ERROR, logger="headway.accounts.notices"):
        note = send_through_the_page(world, django_capture_on_commit_callbacks)
    assert note.status == NoteOfVisit.Status.SENT
    assert Notice.objects.filter(recipient=world.head).count() == 1
    assert "Could not send the e-mail" in caplog.text


def test_the_school_response_reaches_the_officer(
    world: World, mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    note = send_through_the_page(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.head).post(
            f"/notes/{note.pk}/respond/", {"response": "inaccurate", "comments": "We met the English lead."}
        )
    [message] = mailbox.to("o@la.test")
    assert message.subject == "Alton Infant School says your note of visit is inaccurate"
    assert message.body.startswith("Dear Olivia Reid,")
    assert "We met the English lead." in message.body
