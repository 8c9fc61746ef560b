"""Sign-in is throttled (django-axes): after five wrong passwords the right one is refused too, for an hour,
with the reason in plain words on the sign-in page. Sessions last a working day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from headway.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # every UserFactory user's


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.5") -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_then_the_right_one_is_refused() -> None:
    user: User = UserFactory(username="olu.lead")
    client = Client()
    for _ in range(50):
        sign_in(client, "olu.lead", "guess")
    response = sign_in(client, "olu.lead", PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)
    page = response.content.decode()
    assert "Sign in to Headway" in page and "There is a problem" in page
    assert "The wrong password was entered too many times" in page and "paused for 1 hour" in page
    assert "olu.lead" in page  # the name stays in the box
    assert user.pk is not None


def test_the_lockout_starts_at_the_fifth_wrong_password() -> None:
    UserFactory(username="olu.lead")
    client = Client()
    for attempt in range(1, 5):
        response = sign_in(client, "olu.lead", "guess")
        assert response.status_code == 200, attempt
        assert "enter a correct username and password" in response.content.decode()
    assert sign_in(client, "olu.lead", "guess").status_code == 429
    assert sign_in(Client(), "olu.lead", PASSWORD).status_code == 429


def test_a_right_password_before_the_limit_starts_the_count_again() -> None:
    UserFactory(username="olu.lead")
    client = Client()
    for _ in range(4):
        sign_in(client, "olu.lead", "guess")
    assert sign_in(client, "olu.lead", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "olu.lead", "guess")
    assert sign_in(client, "olu.lead", PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_other_people_and_other_places_can_still_sign_in() -> None:
    """Locked by user name and address together: a guesser elsewhere cannot lock a colleague out of the office."""
    UserFactory(username="olu.lead")
    UserFactory(username="sam.service")
    for _ in range(5):
        sign_in(Client(), "olu.lead", "guess", address="198.51.100.9")
    assert sign_in(Client(), "olu.lead", PASSWORD, address="198.51.100.9").status_code == 429
    assert sign_in(Client(), "sam.service", PASSWORD, address="198.51.100.9").status_code == 302
    assert sign_in(Client(), "olu.lead", PASSWORD, address="203.0.113.5").status_code == 302


def test_after_the_pause_the_right_password_works_again() -> None:
    UserFactory(username="olu.lead")
    for _ in range(5):
        sign_in(Client(), "olu.lead", "guess")
    assert sign_in(Client(), "olu.lead", PASSWORD).status_code == 429
    an_hour_ago = dt.datetime.now(tz=dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=an_hour_ago)
    client = Client()
    assert sign_in(client, "olu.lead", PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_a_session_lasts_a_working_day_not_two_weeks() -> None:
    UserFactory(username="olu.lead")
    client = Client()
    response = sign_in(client, "olu.lead", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 8 * 3600
    assert client.session.get_expiry_age() == 8 * 3600


def test_behind_a_proxy_a_made_up_forwarded_address_does_not_dodge_the_lockout(settings: Any) -> None:
    settings.HEADWAY_PROXY_COUNT = 1
    UserFactory(username="olu.lead")
    for attempt in range(5):
        # The guesser makes up a new address each time; the proxy appends the one it really saw.
        Client().post(
            reverse("accounts:login"),
            {"username": "olu.lead", "password": "guess"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 198.51.100.9",
        )
    refused = Client().post(
        reverse("accounts:login"),
        {"username": "olu.lead", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.77, 198.51.100.9",
    )
    assert refused.status_code == 429
    # The same person from the office, through the same proxy, is not locked out.
    allowed = Client().post(
        reverse("accounts:login"),
        {"username": "olu.lead", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert allowed.status_code == 302
