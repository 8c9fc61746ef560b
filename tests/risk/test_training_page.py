"""Training the risk model from the browser: LA administrators (and superusers) start it, the background runner
trains, the page waits and then says what the model learnt from, in words; who asked is audited. Officers, school
users and anyone else's session cannot start it or follow it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from headway import background
from headway.accounts.models import AuditEvent, Role, User
from headway.risk.model import saved_models
from headway.schools.models import LocalAuthority
from tests.background import use_database_queue
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.risk.test_risk_model import load_barnsley_walsall

pytestmark = pytest.mark.django_db

CHOICE = {
    "until_0": "31",
    "until_1": "8",
    "until_2": "2016",
    "since_0": "1",
    "since_1": "9",
    "since_2": "2012",
    "design": "ensemble",
}


@pytest.fixture(autouse=True)
def models_folder(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path / "models"


def person(username: str, role: str, authority: LocalAuthority | None = None, **extra: Any) -> User:
    made: User = UserFactory(username=username, role=role, local_authority=authority, **extra)
    return made


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin() -> User:
    return person(
        "admin.barnsley", Role.LA_ADMIN, LocalAuthorityFactory(code="370"), first_name="Bea", last_name="Bell"
    )


def test_an_la_administrator_trains_the_model_and_sees_what_it_learnt(
    admin: User, models_folder: Path, settings: Any
) -> None:
    load_barnsley_walsall()
    use_database_queue(settings)
    client = client_for(admin)
    form = client.get(reverse("risk:training"))
    assert form.status_code == 200 and "Train the risk model" in form.content.decode()
    assert "Recommended: the two ways below, averaged" in form.content.decode()

    started = client.post(reverse("risk:training"), CHOICE)
    task = DBTaskResult.objects.get()
    assert task.task_path == "headway.risk.tasks.train_model" and task.status == "READY"
    assert started.status_code == 302
    assert started["Location"] == reverse("risk:training_progress", kwargs={"task_id": str(task.id)})
    waiting = client.get(started["Location"]).content.decode()
    assert "Training the risk model" in waiting and 'http-equiv="refresh"' in waiting
    assert not saved_models(models_folder), "nothing is trained in the request"

    assert background.run_pending() == 1
    result = client.get(started["Location"]).content.decode()
    assert "The risk model is trained" in result and 'http-equiv="refresh"' not in result
    (model,) = saved_models(models_folder)
    assert model["trained_until"] == "2016-08-31" and model["design"] == "ensemble"
    assert f"The model learnt from {model['training_rows']:,} examples, {model['below_good']:,} of them below good" in (
        result
    )
    assert "outcomes published by 31 August 2016, from inspections since 1 September 2012" in result
    assert model["version"] not in result and "joblib" not in result, "no codes or file names on screen"

    asked = AuditEvent.objects.get(verb="risk model training requested")
    assert asked.actor == admin and json.loads(json.dumps(asked.after))["until"] == "2016-08-31"
    trained = AuditEvent.objects.get(verb="risk model trained")
    assert trained.actor == admin and trained.after["version"] == model["version"]


def test_too_little_data_is_explained_in_words(admin: User) -> None:
    client = client_for(admin)
    started = client.post(reverse("risk:training"), CHOICE)  # run at once by the tests' runner; nothing loaded
    page = client.get(started["Location"]).content.decode()
    assert "The risk model was not trained" in page
    assert "too few inspections with published outcomes by 31 August 2016" in page
    assert "headway" not in page.split("<main")[1].lower().split("</main>")[0].replace("headway administrator", "")
    assert AuditEvent.objects.filter(verb="risk model training failed", actor=admin).exists()


def test_the_form_refuses_impossible_dates(admin: User) -> None:
    client = client_for(admin)
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    future = {**CHOICE, "until_0": str(tomorrow.day), "until_1": str(tomorrow.month), "until_2": str(tomorrow.year)}
    page = client.post(reverse("risk:training"), future)
    assert page.status_code == 200 and "must be today or in the past" in page.content.decode()
    backwards = {**CHOICE, "since_2": "2017"}
    assert "must be before" in client.post(reverse("risk:training"), backwards).content.decode()
    assert (
        "Choose a way of training"
        in client.post(reverse("risk:training"), {**CHOICE, "design": "magic"}).content.decode()
    )
    assert not AuditEvent.objects.filter(verb__startswith="risk model").exists()


def test_a_superuser_may_train(models_folder: Path) -> None:
    root: User = User.objects.create_superuser("root", password="x")
    client = client_for(root)
    assert client.get(reverse("risk:training")).status_code == 200
    assert client.post(reverse("risk:training"), CHOICE).status_code == 302


def test_officers_school_users_and_strangers_cannot_start_or_follow_training(admin: User, settings: Any) -> None:
    use_database_queue(settings)
    started = client_for(admin).post(reverse("risk:training"), CHOICE)
    progress = started["Location"]
    authority = admin.local_authority
    officer = person("officer.barnsley", Role.LA_OFFICER, authority)
    school_user = person("head.barnsley", Role.SCHOOL_USER)
    board = person("board.barnsley", Role.BOARD_MEMBER, authority)
    for user in (officer, school_user, board):
        client = client_for(user)
        assert client.get(reverse("risk:training")).status_code == 403, user
        assert client.post(reverse("risk:training"), CHOICE).status_code == 403, user
        assert client.get(progress).status_code == 403, user
    # Another authority's administrator (or this one's colleague) may train, but not follow someone else's.
    elsewhere = person("admin.walsall", Role.LA_ADMIN, LocalAuthorityFactory(code="335"))
    assert client_for(elsewhere).get(progress).status_code == 404
    colleague = person("admin2.barnsley", Role.LA_ADMIN, authority)
    assert client_for(colleague).get(progress).status_code == 404
    assert client_for(admin).get(progress + "x/").status_code == 404
    assert Client().get(reverse("risk:training")).status_code == 302  # to sign in
    assert DBTaskResult.objects.count() == 1
    assert AuditEvent.objects.filter(verb="risk model training requested").count() == 1


def test_the_rounds_page_links_to_training_for_administrators_only(admin: User) -> None:
    link = reverse("risk:training")
    assert link in client_for(admin).get(reverse("risk:rounds")).content.decode()
    officer = person("officer.barnsley", Role.LA_OFFICER, admin.local_authority)
    assert link not in client_for(officer).get(reverse("risk:rounds")).content.decode()
