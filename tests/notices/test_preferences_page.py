"""The page where each person chooses which notices also come by e-mail."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.accounts.models import AuditEvent, NoticePreference, Role, User
from headway.accounts.notices import email_choices, wants_email
from tests.factories import UserFactory


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def head(db: None) -> User:
    made: User = UserFactory(username="head.alton", role=Role.SCHOOL_USER, email="head@alton.test")
    return made


def test_the_page_lists_a_heads_kinds_all_on_by_default(head: User) -> None:
    page = client_for(head).get("/accounts/notices/").content.decode()
    assert '<h1 class="govuk-fieldset__heading">' not in page  # the legend is not the page heading
    assert "Your e-mail notices" in page and "head@alton.test" in page
    for label in (
        "A note of visit is waiting for your response",
        "An action plan review is due",
        "A letter has been issued to your school",
        "A CPD place is booked, changed or cancelled",
    ):
        assert label in page
    assert "Your weekly digest" not in page  # officers' only
    assert page.count('type="checkbox"') == 5 and page.count(" checked") == 5
    account = client_for(head).get("/accounts/").content.decode()
    assert 'href="/accounts/notices/"' in account  # "Your account" links to it
    assert all(email_choices(head).values())


def test_saving_turns_kinds_off_and_on_and_is_audited(head: User) -> None:
    client = client_for(head)
    response = client.post("/accounts/notices/", {"email_kinds": ["letter_issued", "booking"]})
    assert response.status_code == 302 and response["Location"] == "/accounts/notices/"
    assert not wants_email(head, "note_awaiting") and wants_email(head, "booking")
    page = client.get("/accounts/notices/").content.decode()
    assert "Your e-mail notices have been saved." in page and page.count(" checked") == 2
    client.post("/accounts/notices/", {"email_kinds": ["letter_issued", "booking"]})  # no change: no audit
    client.post("/accounts/notices/", {"email_kinds": ["letter_issued", "booking", "note_awaiting"]})
    events = list(AuditEvent.objects.filter(verb="e-mail notices chosen").order_by("id"))
    assert [(e.before, e.after) for e in events][-1] == ({"note_awaiting": False}, {"note_awaiting": True})
    assert len(events) == 2 and all(e.actor == head for e in events)


def test_a_kind_the_role_cannot_get_is_refused_and_changes_nothing(head: User) -> None:
    response = client_for(head).post("/accounts/notices/", {"email_kinds": ["weekly_digest", "nonsense"]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NoticePreference.objects.exists()


def test_without_an_address_the_page_says_so(db: None) -> None:
    officer: User = UserFactory(username="officer.x", role=Role.LA_OFFICER, email="")
    page = client_for(officer).get("/accounts/notices/").content.decode()
    assert "We do not have an e-mail address for you" in page
    assert "Your weekly digest" in page and "A school has responded to your note of visit" in page
    assert not wants_email(officer, "weekly_digest")


def test_a_board_member_gets_no_notices_and_a_stranger_must_sign_in(db: None) -> None:
    board: User = UserFactory(username="board.x", role=Role.BOARD_MEMBER)
    assert "Headway does not send you any notices." in client_for(board).get("/accounts/notices/").content.decode()
    response = Client().get("/accounts/notices/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
