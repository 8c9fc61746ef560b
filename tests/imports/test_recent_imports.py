"""The Imports page's "Recent imports" table names who imported each file as people know them: their full
name, their username only when Headway has no name for them, and what ran a command-line import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from headway.accounts.models import Role, User
from headway.imports.models import ImportRun
from tests.factories import LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(file_name: str, by: User | None, minutes_ago: int) -> ImportRun:
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return ImportRun.objects.create(
        kind="gias",
        file_name=file_name,
        sha256=f"{minutes_ago:064d}",
        imported_by=by,
        actor_name=by.get_username() if by else "headway import (command line)",
        started_at=at,
        finished_at=at,
    )


def by_column(page: str, file_name: str) -> str:
    row = page.split(file_name, 1)[1].split("</tr>", 1)[0]
    return row.split('<td class="govuk-table__cell">', 1)[1].split("</td>", 1)[0].strip()


def test_the_by_column_shows_names_not_usernames() -> None:
    hampshire = LocalAuthorityFactory(code="850")
    named: User = UserFactory(
        username="admin.hampshire",
        role=Role.LA_ADMIN,
        local_authority=hampshire,
        first_name="Ada",
        last_name="Lovelace",
    )
    unnamed: User = UserFactory(username="officer.nameless", role=Role.LA_ADMIN, local_authority=hampshire)
    run("by-ada.csv", named, 3)
    run("by-nameless.csv", unnamed, 2)
    run("by-command.csv", None, 1)
    client = Client()
    client.force_login(named)
    page = client.get(reverse("imports:upload")).content.decode()
    assert by_column(page, "by-ada.csv") == "Ada Lovelace"
    assert by_column(page, "by-nameless.csv") == "officer.nameless"
    assert by_column(page, "by-command.csv") == "headway import (command line)"
    assert "admin.hampshire" not in page
