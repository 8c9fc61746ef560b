"""The review group pack as a PDF, made by the background runner: the page asks for it, waits, then offers the
download; only people who may see the meeting can follow it or download it, and downloads are never cached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from headway import background
from headway.accounts.models import AuditEvent, User
from headway.concerns import packs
from headway.concerns.models import MeetingPack, ReviewGroupMeeting
from tests.background import use_database_queue
from tests.concerns.world import World, designated, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    made = make_world()
    designated(made)
    return made


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def held() -> ReviewGroupMeeting:
    return ReviewGroupMeeting.objects.get()


def pack_urls(pack: MeetingPack) -> tuple[str, str]:
    ids = {"meeting_id": pack.meeting_id, "pack_id": pack.pk}
    return reverse("concerns:pack_made", kwargs=ids), reverse("concerns:pack_download", kwargs=ids)


def test_the_pack_is_made_in_the_background_and_the_page_waits_for_it(world: World, settings: Any) -> None:
    use_database_queue(settings)
    officer = client_for(world.officer)
    asked = officer.post(reverse("concerns:pack_pdf", kwargs={"meeting_id": held().pk}))
    pack = MeetingPack.objects.get()
    task = DBTaskResult.objects.get()
    assert task.task_path == "headway.concerns.tasks.make_meeting_pack" and task.status == "READY"
    assert pack.status == "making" and pack.task_id == str(task.id) and bytes(pack.pdf) == b""
    made_url, download_url = pack_urls(pack)
    assert asked.status_code == 302 and asked["Location"] == made_url

    waiting = officer.get(made_url)
    text = waiting.content.decode()
    assert waiting.status_code == 200 and "Making the review group pack" in text
    assert "Waiting for the background worker to start" in text and 'http-equiv="refresh"' in text
    assert officer.get(download_url).status_code == 404, "nothing to download before it is made"

    assert background.run_pending() == 1
    ready = officer.get(made_url)
    text = ready.content.decode()
    assert "The pack is ready" in text and download_url in text and 'http-equiv="refresh"' not in text
    response = officer.get(download_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in [part.strip() for part in response["Cache-Control"].split(",")]
    assert response["Content-Disposition"] == 'inline; filename="review-group-2025-10-15.pdf"'
    assert response.content.startswith(b"%PDF")
    listed = officer.get(reverse("concerns:pack_pdf", kwargs={"meeting_id": held().pk})).content.decode()
    assert download_url in listed and "asked for by Olu Lead" in listed

    event = AuditEvent.objects.get(verb="review group pack requested")
    assert event.actor == world.officer and event.target_id == str(pack.pk)


def test_colleagues_may_download_the_pack_but_nobody_outside_the_authority_team(world: World) -> None:
    officer = client_for(world.officer)
    officer.post(reverse("concerns:pack_pdf", kwargs={"meeting_id": held().pk}))  # made at once (tests' runner)
    pack = MeetingPack.objects.get()
    assert pack.status == "ready"
    made_url, download_url = pack_urls(pack)
    assert client_for(world.colleague).get(download_url).status_code == 200  # may see the meeting's pack
    for person in (world.outsider, world.head, world.other_head, world.board):
        client = client_for(person)
        assert client.get(made_url).status_code == 404, person
        assert client.get(download_url).status_code == 404, person
        assert client.post(reverse("concerns:pack_pdf", kwargs={"meeting_id": held().pk})).status_code == 404
    assert MeetingPack.objects.count() == 1
    assert Client().get(download_url).status_code == 302  # to sign in

    # Another meeting's id with this pack's id is not a way round the check.
    other = ReviewGroupMeeting.objects.create(
        local_authority=world.outsider.local_authority, held_on=dt.date(2025, 11, 1), created_by=world.outsider
    )
    sideways = reverse("concerns:pack_download", kwargs={"meeting_id": other.pk, "pack_id": pack.pk})
    assert client_for(world.outsider).get(sideways).status_code == 404


def test_a_pack_that_cannot_be_made_says_so(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(meeting: ReviewGroupMeeting) -> bytes:
        raise RuntimeError("the PDF library broke")

    monkeypatch.setattr("headway.concerns.pdf.review_group_pack_pdf", broken)
    officer = client_for(world.officer)
    asked = officer.post(reverse("concerns:pack_pdf", kwargs={"meeting_id": held().pk}))
    assert MeetingPack.objects.get().status == "failed"
    page = officer.get(asked["Location"]).content.decode()
    assert "The pack could not be made" in page and "the PDF library broke" not in page
    _made_url, download_url = pack_urls(MeetingPack.objects.get())
    assert officer.get(download_url).status_code == 404


def test_only_the_newest_packs_of_a_meeting_are_kept(world: World) -> None:
    for _ in range(packs.KEEP_PER_MEETING + 2):
        packs.request_pack(held(), by=world.officer)
    kept = list(MeetingPack.objects.order_by("pk").values_list("pk", flat=True))
    assert len(kept) == packs.KEEP_PER_MEETING
    assert kept == sorted(kept)[-packs.KEEP_PER_MEETING :]
    assert MeetingPack.objects.filter(status="ready").count() == packs.KEEP_PER_MEETING


def test_the_waiting_page_answers_its_own_poll_until_the_pack_is_ready(world: World, settings: Any) -> None:
    use_database_queue(settings)
    officer = client_for(world.officer)
    made_url = officer.post(reverse("concerns:pack_pdf", kwargs={"meeting_id": held().pk}))["Location"]
    polled = officer.get(made_url, headers={"X-Headway-Poll": "1"}).content.decode()
    assert 'id="hw-task" data-status="waiting"' in polled  # still the waiting page: the script keeps waiting
    assert "<noscript><meta" in polled, "a timed refresh only without JavaScript (WCAG 2.2.1)"
    background.run_pending()
    ready = officer.get(made_url, headers={"X-Headway-Poll": "1"}).content.decode()
    assert 'id="hw-task"' not in ready and "The pack is ready" in ready  # the script reloads
