"""The partnership proposals' waiting page polls itself (headway.background.polled): once the run has ended the
poll is answered without using up the result, which the page then shows once, on its reload."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from headway import background
from headway.accounts.models import User
from headway.support import partnership_views
from tests.background import use_database_queue
from tests.support.test_optimiser import village
from tests.support.test_partnership_rules import YEAR, make_town

pytestmark = pytest.mark.django_db


def test_a_poll_after_the_run_ends_leaves_the_result_for_the_page(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_database_queue(settings)
    monkeypatch.setattr(partnership_views, "PROPOSE_SECONDS", 2.0)
    town = make_town()
    village(town, schools=6)
    officer: User = town.officer
    client = Client()
    client.force_login(officer)
    waiting_url = client.post(reverse("partnerships:list"), {"year": str(YEAR)})["Location"]
    poll = {"X-Headway-Poll": "1"}
    assert 'data-status="waiting"' in client.get(waiting_url, headers=poll).content.decode()
    background.run_pending()
    for _ in range(2):  # polls change nothing
        assert client.get(waiting_url, headers=poll).status_code == 204
    ended = client.get(waiting_url)
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("partnerships:list"))
    assert "partnerships proposed for" in client.get(ended["Location"]).content.decode()
    assert client.get(waiting_url, headers=poll).status_code == 404
