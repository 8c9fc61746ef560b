"""Every URL of every domain, opened by every role: the status each gets is the one ``tests/access/rules.py``
gives, nobody outside authority A's staff sees what only they may see, and a POST by someone who may not change
anything changes nothing.

The URLs are found by walking the URL configuration (Django's admin and static files aside), so a new URL
without a rule fails ``test_every_url_has_a_rule`` with its name. The world (``tests/access/world.py``) is built
once for the module, inside a transaction rolled back at the end; each URL's test runs in its own savepoint and
each POST in another, rolled back, so no request changes what the next one sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from headway.accounts.models import AuditEvent
from tests.access.rules import ROLES, RULES
from tests.access.urls import every_url, url_for
from tests.access.world import AccessWorld, build

# People who may see nothing of authority A's staff's work: the review group's minutes and a governance
# review's findings (``world.secret``) must never be on a page they get.
NOT_LA_STAFF_OF_A = ("anonymous", "school_a", "school_b", "board", "officer_b")
# People who must not see school A at all.
OUTSIDE_SCHOOL_A = ("school_b", "officer_b")
# Pages that rightly name school A to them: the people on several boards of the other authority's page list every
# board such a person sits on, wherever it is.
NAMES_OTHER_SCHOOLS = {("governance:several_boards", "officer_b")}
# People who may not change anything of authority A (their own authority's listings aside, below).
MAY_NOT_CHANGE_A = ("anonymous", "school_b", "board", "officer_b")
# (URL, role) pairs where a POST rightly writes: a person's own things, or the officer of another authority acting
# on their own authority's listing.
OWN_WRITES: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[AccessWorld]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def client_for(role: str, world: AccessWorld) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def body(response: HttpResponse) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def test_every_url_has_a_rule() -> None:
    found = set(every_url())
    missing = sorted(found - set(RULES))
    stale = sorted(set(RULES) - found)
    assert not missing, "these URLs have no rule in tests/access/rules.py: " + ", ".join(missing)
    assert not stale, "these rules in tests/access/rules.py name URLs that no longer exist: " + ", ".join(stale)


def test_every_role_is_in_the_world(world: AccessWorld) -> None:
    assert set(world.users) | {"anonymous"} == set(ROLES)


@pytest.mark.parametrize("name", list(RULES))
def test_who_may_open_it(name: str, world: AccessWorld, db: None) -> None:
    urls = every_url()
    if name not in urls:
        pytest.fail(f"{name} has a rule but is no longer a URL")
    url = url_for(name, urls[name], world.values)
    expected = RULES[name]
    login = reverse(settings.LOGIN_URL)
    wrong: list[str] = []
    for role in ROLES:
        response = client_for(role, world).get(url)
        if response.status_code != expected.get[role]:
            wrong.append(f"{role} GET {url}: {response.status_code}, expected {expected.get[role]}")
            continue
        sent_elsewhere = response.status_code == 302 and not response["Location"].startswith(login)
        if role == "anonymous" and name != "<unnamed />" and sent_elsewhere:
            wrong.append(f"anonymous GET {url}: sent to {response['Location']}, not to sign in")
        content = body(response)
        if role in NOT_LA_STAFF_OF_A and world.secret.encode() in content:
            wrong.append(f"{role} GET {url}: shows what only authority A's staff may see")
        if role in OUTSIDE_SCHOOL_A and (name, role) not in NAMES_OTHER_SCHOOLS and b"Oakleigh Road" in content:
            wrong.append(f"{role} GET {url}: shows school A")
    if expected.post is not None:
        for role in ROLES:
            with transaction.atomic():
                events = AuditEvent.objects.count()
                response = client_for(role, world).post(url, {})
                written = AuditEvent.objects.count() - events
                transaction.set_rollback(True)
            if response.status_code != expected.post[role]:
                wrong.append(f"{role} POST {url}: {response.status_code}, expected {expected.post[role]}")
            if role in MAY_NOT_CHANGE_A and (name, role) not in OWN_WRITES and written:
                wrong.append(f"{role} POST {url}: wrote {written} audit event(s)")
    assert not wrong, "\n".join(wrong)
