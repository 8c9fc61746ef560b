"""The shared background runner (headway.background) used beyond imports: partnership proposals (CP-SAT) run as
a task on the database queue, with a page that waits for them and only the person who asked may follow."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from headway import background
from headway.accounts.models import Role, User
from headway.support import partnership_views
from headway.support.models import Partnership
from tests.background import use_database_queue
from tests.factories import UserFactory
from tests.support.test_optimiser import village
from tests.support.test_partnership_rules import YEAR, Town, make_town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_queue(settings: Any) -> None:
    use_database_queue(settings)


@pytest.fixture
def town() -> Town:
    made = make_town()
    village(made, schools=8)
    return made


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_proposing_partnerships_runs_on_the_worker_and_the_page_waits(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partnership_views, "PROPOSE_SECONDS", 2.0)
    town.school("Remote", strong=False, km=(60, 60))
    town.ask("Remote")
    client = client_for(town.officer)
    response = client.post(reverse("partnerships:list"), {"year": str(YEAR)})
    task = DBTaskResult.objects.get()
    assert task.task_path == "headway.support.tasks.propose_partnerships" and task.status == "READY"
    assert response.status_code == 302 and response["Location"] == f"/partnerships/proposing/{task.id}/"
    assert not Partnership.objects.filter(source="optimiser").exists(), "nothing is solved in the request"

    waiting = client.get(response["Location"])
    assert waiting.status_code == 200
    text = waiting.content.decode()
    assert "Proposing partnerships" in text and "Waiting for the background worker to start" in text
    assert '<meta http-equiv="refresh" content="3">' in text

    # Another officer of the same authority cannot follow someone else's run.
    colleague: User = UserFactory(username="colleague", role=Role.LA_OFFICER, local_authority=town.authority)
    assert client_for(colleague).get(response["Location"]).status_code == 404

    background.run_pending()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Partnership.objects.filter(status="proposed", source="optimiser").exists()
    ended = client.get(response["Location"])
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("partnerships:list"))
    page = client.get(ended["Location"]).content.decode()
    assert "Schools not placed" in page and "Remote School" in page and "partnerships proposed for" in page
    assert client.get(response["Location"]).status_code == 404, "a run is shown once, then forgotten"


def test_a_task_state_says_waiting_running_finished_or_failed(db: None) -> None:
    from headway.imports.tasks import run_import_job

    queued = background.enqueue(run_import_job, 999_999)
    assert queued.status == "waiting" and not queued.done
    assert background.state(queued.id) == queued
    background.run_pending()
    after = background.state(queued.id)
    assert after is not None and after.status == "finished" and after.return_value is None  # no such job
    assert background.state("7d0b3a8e-0000-4000-8000-000000000000") is None


def test_training_the_risk_model_goes_through_the_worker(db: None, tmp_path: Any, capsys: Any) -> None:
    import json

    from django.core.management import call_command
    from django.test import override_settings

    from tests.risk.test_risk_model import load_barnsley_walsall

    load_barnsley_walsall()
    with override_settings(VAR_DIR=tmp_path):
        call_command("risk", "train", "--until", "2016-08-31", "--background", "--json")
        queued = json.loads(capsys.readouterr().out)
        assert queued["queued"] is True and queued["status"] == "waiting"
        assert not (tmp_path / "models").exists(), "nothing is trained by the command itself"
        background.run_pending()
    done = background.state(queued["task"])
    assert done is not None and done.status == "finished"
    assert done.return_value["trained_until"] == "2016-08-31"
    saved = sorted((tmp_path / "models").glob("*.joblib"))
    assert [p.name for p in saved] == [f"{done.return_value['version']}.joblib"]
