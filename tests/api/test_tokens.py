"""API tokens: created on the "API tokens" page (the key shown once, only its hash kept), listed with when each
was last used, revoked; every creation and revocation audited; a revoked or unknown token is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import AuditEvent, Role
from headway.api.models import ApiToken
from headway.api.tokens import key_hash, token_create
from headway.refusals import RuleRefused
from tests.factories import UserFactory

SCHOOLS = "/api/v1/schools/"


@pytest.fixture
def officer(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="officer", role=Role.LA_OFFICER, first_name="Olu", last_name="Officer")


def test_a_token_is_shown_once_and_only_its_hash_is_kept(officer) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("api_tokens:list"))
    assert page.status_code == 200 and b"You have no tokens yet" in page.content
    created = client.post(reverse("api_tokens:list"), {"name": "Power BI on my laptop"})
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    key = re.search(r'value="(hw_[^"]+)"', created.content.decode())
    assert key is not None
    token = ApiToken.objects.get(user=officer)
    assert token.name == "Power BI on my laptop" and token.key_hash == key_hash(key.group(1))
    assert key.group(1) not in str(ApiToken.objects.values().get())  # the key itself is nowhere in the table
    again = client.get(reverse("api_tokens:list")).content.decode()
    assert key.group(1) not in again and "Power BI on my laptop" in again and "Never" in again
    event = AuditEvent.objects.get(verb="api_token.created")
    assert event.actor == officer and event.after == {"name": "Power BI on my laptop", "prefix": token.prefix}


def test_a_token_reads_the_api_and_its_use_is_recorded(officer) -> None:  # type: ignore[no-untyped-def]
    new = token_create(user=officer, name="Excel")
    assert Client(headers={"Authorization": f"Token {new.key}"}).get(SCHOOLS).status_code == 200
    assert Client(headers={"Authorization": f"Bearer {new.key}"}).get(SCHOOLS).status_code == 200
    new.token.refresh_from_db()
    assert new.token.last_used_at is not None


def test_a_revoked_token_is_refused(officer) -> None:  # type: ignore[no-untyped-def]
    new = token_create(user=officer, name="Old laptop")
    client = Client()
    client.force_login(officer)
    response = client.post(reverse("api_tokens:revoke", args=[new.token.pk]))
    assert response.status_code == 302
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    assert AuditEvent.objects.filter(verb="api_token.revoked", target_id=str(new.token.pk), actor=officer).exists()
    refused = Client(headers={"Authorization": f"Token {new.key}"}).get(SCHOOLS)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert "Revoked" in client.get(reverse("api_tokens:list")).content.decode()


def test_unknown_tokens_anonymous_requests_and_inactive_users_are_refused(officer) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(SCHOOLS).status_code == 401
    assert Client(headers={"Authorization": "Token hw_not-a-real-key"}).get(SCHOOLS).status_code == 401
    assert Client(headers={"Authorization": "Token"}).get(SCHOOLS).status_code == 401
    assert Client(headers={"Authorization": "Token two parts"}).get(SCHOOLS).status_code == 401
    new = token_create(user=officer, name="BI")
    officer.is_active = False
    officer.save()
    assert Client(headers={"Authorization": f"Token {new.key}"}).get(SCHOOLS).status_code == 401


def test_a_signed_in_user_browses_the_api_with_their_session(officer) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(officer)
    assert client.get(SCHOOLS).status_code == 200
    # A browser opening the address is given the JSON, never DRF's own browsable page (not Headway's design, not
    # accessible, and it shows the username).
    browser = client.get(SCHOOLS, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 200 and browser["Content-Type"].startswith("application/json")
    assert officer.username not in browser.content.decode()


def test_nobody_revokes_another_persons_token(officer) -> None:  # type: ignore[no-untyped-def]
    other = UserFactory(username="someone-else", role=Role.LA_OFFICER)
    theirs = token_create(user=other, name="Theirs")
    client = Client()
    client.force_login(officer)
    assert client.post(reverse("api_tokens:revoke", args=[theirs.token.pk])).status_code == 404
    assert client.get(reverse("api_tokens:revoke", args=[theirs.token.pk])).status_code == 405
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None
    assert Client().get(reverse("api_tokens:list")).status_code == 302  # sign in first


def test_a_token_needs_a_name(officer) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(officer)
    page = client.post(reverse("api_tokens:list"), {"name": "  "})
    assert page.status_code == 200 and b"Enter a name for the token" in page.content
    assert not ApiToken.objects.exists()
    with pytest.raises(RuleRefused):
        token_create(user=officer, name="")


def test_your_account_links_to_the_tokens_page(officer) -> None:  # type: ignore[no-untyped-def]
    """The header links to "Your account", and that page to the tokens page."""
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("schools:list")).content.decode()
    assert f'href="{reverse("accounts:account")}">Your account</a>' in page
    page = client.get(reverse("accounts:account")).content.decode()
    assert f'href="{reverse("api_tokens:list")}">API tokens</a>' in page
