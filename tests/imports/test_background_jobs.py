"""Imports from the Imports page run as background tasks on the database queue (django-tasks-db), with their
progress, result, refusal of the same file twice at once, the upload size limit, and history scoped to the
authority."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from headway import background
from headway.accounts.models import AuditEvent, Role, User
from headway.imports import jobs
from headway.imports.models import ImportJob, ImportRun
from headway.schools.models import Establishment
from tests.background import use_database_queue
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.helpers import FIXTURES, load, row_counts

GIAS = FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"
BAD_GIAS = FIXTURES / "gias" / "invalid" / "bad_values_in_two_rows.csv"


@pytest.fixture(autouse=True)
def database_queue(settings: Any) -> None:
    use_database_queue(settings)


@pytest.fixture
def la_admin(db: None) -> User:
    user: User = UserFactory(
        username="admin.hampshire",
        first_name="Hana",
        last_name="Price",
        role=Role.LA_ADMIN,
        local_authority=LocalAuthorityFactory(code="850", name="Hampshire"),
    )
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, path: Path, kind: str = "gias", **extra: Any) -> Any:
    return client.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(path.name, path.read_bytes()), **extra})


def test_an_upload_waits_for_the_worker_then_ends_on_the_commands_result(la_admin: User, capsys: Any) -> None:
    client = signed_in(la_admin)
    response = upload(client, GIAS)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/jobs/{job.pk}/"
    assert (job.status, job.phase, job.started_by, job.local_authority.code) == ("waiting", "waiting", la_admin, "850")
    stored = Path(job.stored_file)
    assert stored.is_file() and stored.suffix == ".csv" and stored.read_bytes() == GIAS.read_bytes()
    assert not Establishment.objects.exists(), "nothing is imported in the request"
    assert DBTaskResult.objects.get().task_path == "headway.imports.tasks.run_import_job"

    waiting = client.get(f"/imports/jobs/{job.pk}/")
    assert waiting.status_code == 200
    page = waiting.content.decode()
    assert "Waiting for the import to start" in page and "<progress" in page
    assert '<meta http-equiv="refresh" content="5">' in page  # without JavaScript the page reloads itself
    assert client.get(f"/imports/jobs/{job.pk}/progress/").json() == {
        "status": "waiting",
        "status_label": "Waiting to start",
        "phase": "waiting",
        "step": 0,
        "steps": 3,
        "rows_read": 0,
        "problems": 0,
        "done": False,
    }
    assert "hampshire_extract_sample.csv" in client.get("/imports/").content.decode()  # in progress, listed

    background.run_pending()

    job.refresh_from_db()
    assert (job.status, job.phase, job.rows_read) == ("finished", "finished", 18)
    assert not stored.exists() and job.stored_file == "", "the upload is deleted once imported"
    assert Establishment.objects.count() == 18
    assert job.import_run == ImportRun.objects.get() and job.import_run.imported_by == la_admin
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    done = client.get(f"/imports/jobs/{job.pk}/")
    assert done.status_code == 200
    text = done.content.decode()
    assert "hampshire_extract_sample.csv imported" in text and "refresh" not in text.split("</head>")[0]
    assert client.get(f"/imports/jobs/{job.pk}/progress/").json()["done"] is True

    # The same result the command prints: the command's JSON for the same file, imported again.
    call_command("import", "gias", str(GIAS), "--json")
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(job.result) == set(printed) and printed["unchanged"] == 18
    assert job.result["created"] > 18 and job.result["errors"] == [] and job.result["rejected"] is False
    assert f"{job.result['created']} created, 0 updated, 0 unchanged, 0 skipped" in text


def test_a_rejected_upload_ends_on_its_problems_as_file_row_column(la_admin: User) -> None:
    client = signed_in(la_admin)
    before = row_counts()
    upload(client, BAD_GIAS)
    job = ImportJob.objects.get()
    background.run_pending()
    job.refresh_from_db()
    assert job.status == "rejected" and job.problems_so_far == 2
    page = client.get(f"/imports/jobs/{job.pk}/")
    assert page.status_code == 422
    assert "bad_values_in_two_rows.csv was not imported" in page.content.decode()
    assert "bad_values_in_two_rows.csv:3:PercentageFSM: &#x27;lots&#x27; is not a number" in page.content.decode()
    after = row_counts()
    assert after.pop("accounts.AuditEvent") == before.pop("accounts.AuditEvent") + 1  # the upload's own audit
    assert after == before
    assert not list(jobs.upload_folder().iterdir()), "the upload is deleted once rejected"


def test_progress_is_written_while_rows_are_read(la_admin: User, tmp_path: Path) -> None:
    """run_import reports every 1,000 rows while it reads; each report is its own short write on the job."""
    rows = "\n".join(
        f"{100000 + n},{100000 + n + 1},Successor,Closed - academy converter,01-09-2020" for n in range(2500)
    )
    path = tmp_path / "links_edubasealldata20250422.csv"
    path.write_text(f"URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n{rows}\n", encoding="utf-8")
    seen: list[tuple[str, int]] = []
    job = jobs.begin(kind="gias-links", options={}, file_name=path.name, sha256="x" * 64, user=la_admin)
    writer = jobs._progress_writer(job.pk)

    def watching(progress: Any) -> None:
        writer(progress)
        job.refresh_from_db()
        seen.append((job.phase, job.rows_read))

    from headway.imports.registry import importer_for
    from headway.imports.services import run_import

    run_import(importer_for("gias-links"), path, skip_bad_rows=True, progress=watching)
    assert seen[:2] == [("reading", 1000), ("reading", 2000)]
    assert ("writing", 2500) in seen and seen[-1] == ("finished", 2500)


def test_a_second_upload_of_the_same_file_is_refused_while_the_first_waits(la_admin: User) -> None:
    client = signed_in(la_admin)
    upload(client, GIAS)
    first = ImportJob.objects.get()
    refused = upload(client, GIAS)
    assert refused.status_code == 409
    message = refused.context["form"].errors["file"][0]
    assert message.startswith("hampshire_extract_sample.csv is already being imported (started by Hana Price")
    assert "Wait for that import to finish" in message
    assert ImportJob.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert [p.name for p in jobs.upload_folder().iterdir()] == [Path(first.stored_file).name]
    assert AuditEvent.objects.filter(verb="import.refused", target_id=str(first.pk)).count() == 1

    # The same file as another kind is another import; and once the first has ended, the file may be sent again.
    assert upload(client, GIAS, "gias-links").status_code == 302
    background.run_pending()
    again = upload(client, GIAS)
    assert again.status_code == 302
    background.run_pending()
    assert ImportJob.objects.filter(kind="gias").latest("id").result["unchanged"] == 18


def test_the_command_line_is_refused_while_the_page_imports_the_same_file(la_admin: User, capsys: Any) -> None:
    upload(signed_in(la_admin), GIAS)
    before = row_counts()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "gias", str(GIAS))
    assert exit_info.value.code == 3
    assert "is already being imported (started by Hana Price" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("import", "gias", str(GIAS), "--json")
    assert json.loads(capsys.readouterr().out)["refused"] is True
    after = row_counts()
    assert after.pop("accounts.AuditEvent") == before.pop("accounts.AuditEvent") + 2  # each refusal is audited
    assert after == before


def test_the_page_is_refused_while_the_command_line_imports_the_same_file(la_admin: User) -> None:
    running = jobs.begin(
        kind="gias", options={}, file_name=str(GIAS), sha256=_sha(GIAS), user=None, actor_name="cron", background=False
    )
    refused = upload(signed_in(la_admin), GIAS)
    assert refused.status_code == 409
    assert "already being imported (started by cron" in refused.content.decode()
    assert ImportJob.objects.get() == running


def test_a_job_abandoned_long_ago_no_longer_holds_its_file(la_admin: User) -> None:
    stale = jobs.begin(kind="gias", options={}, file_name="x.csv", sha256=_sha(GIAS), user=None, background=False)
    ImportJob.objects.filter(pk=stale.pk).update(heartbeat_at=stale.heartbeat_at - jobs.ABANDONED_AFTER * 2)
    assert upload(signed_in(la_admin), GIAS).status_code == 302
    stale.refresh_from_db()
    assert stale.status == "failed" and "stopped without finishing" in stale.failure


def test_a_job_page_whose_worker_was_stopped_says_so_in_the_end(la_admin: User) -> None:
    client = signed_in(la_admin)
    upload(client, GIAS)
    job = ImportJob.objects.get()
    assert client.get(f"/imports/jobs/{job.pk}/progress/").json()["done"] is False
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=job.heartbeat_at - jobs.ABANDONED_AFTER * 2)
    assert client.get(f"/imports/jobs/{job.pk}/progress/").json()["status"] == "failed"
    assert "stopped without finishing" in client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert not list(jobs.upload_folder().iterdir()), "the abandoned upload is deleted"


def test_the_command_can_hand_a_file_to_the_worker(db: None, capsys: Any) -> None:
    call_command("import", "gias", str(GIAS), "--background", "--json")
    queued = json.loads(capsys.readouterr().out)
    assert queued == {"queued": True, "job": ImportJob.objects.get().pk, "status": "waiting"}
    assert not Establishment.objects.exists()
    background.run_pending()
    job = ImportJob.objects.get()
    assert job.status == "finished" and job.actor_name == "headway import (command line)" and job.started_by is None
    assert Establishment.objects.count() == 18


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(la_admin: User, settings: Any) -> None:
    settings.HEADWAY_MAX_UPLOAD_BYTES = 1000
    response = upload(signed_in(la_admin), GIAS)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file must be smaller than 1,000 bytes. Ask your Headway administrator to import a larger file."
    ]
    assert not ImportJob.objects.exists() and not list(jobs.upload_folder().glob("*"))


def test_a_request_whose_body_is_over_the_limit_is_refused_before_it_is_read(la_admin: User, settings: Any) -> None:
    settings.HEADWAY_MAX_UPLOAD_BYTES = 3 * 1024 * 1024
    client = signed_in(la_admin)
    big = SimpleUploadedFile("huge.csv", b"URN\n" + b"1\n" * (3 * 1024 * 1024))
    response = client.post("/imports/", {"kind": "gias", "file": big})
    assert response.status_code == 413
    assert "The file must be smaller than 3 MB." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_failing_import_is_shown_as_stopped_and_lets_the_file_go(la_admin: User, monkeypatch: Any) -> None:
    client = signed_in(la_admin)
    upload(client, GIAS)
    job = ImportJob.objects.get()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "run_import", broken)
    background.run_pending()
    job.refresh_from_db()
    assert job.status == "failed" and job.stored_file == ""
    assert DBTaskResult.objects.get().status == "FAILED"
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "was not imported" in page and "stopped because of an error" in page
    assert "Traceback" not in page and "disk full" not in page
    monkeypatch.undo()
    assert upload(client, GIAS).status_code == 302


# Who sees which imports (hostile: another authority's staff) ----------------------------------------------------


def test_an_authoritys_staff_see_their_own_and_command_line_imports_never_another_authoritys(db: None) -> None:
    hampshire, barnet = LocalAuthorityFactory(code="850"), LocalAuthorityFactory(code="302")
    admin_a = UserFactory(username="admin.a", role=Role.LA_ADMIN, local_authority=hampshire)
    officer_a = UserFactory(username="officer.a", role=Role.LA_OFFICER, local_authority=hampshire)
    admin_b = UserFactory(username="admin.b", role=Role.LA_ADMIN, local_authority=barnet)
    superuser = UserFactory(username="root", is_superuser=True)
    upload(signed_in(admin_b), GIAS)
    background.run_pending()
    b_job = ImportJob.objects.get()
    b_run = ImportRun.objects.get()
    national = load("ofsted", FIXTURES / "ofsted" / "valid" / "graded_history_real_sample.csv")
    upload(signed_in(admin_a), BAD_GIAS)
    a_job = ImportJob.objects.exclude(pk=b_job.pk).get()

    officer = signed_in(officer_a)
    assert officer.get(f"/imports/jobs/{b_job.pk}/").status_code == 404
    assert officer.get(f"/imports/jobs/{b_job.pk}/progress/").status_code == 404
    assert officer.get(f"/imports/{b_run.pk}/").status_code == 404
    assert officer.get(f"/imports/jobs/{a_job.pk}/").status_code == 200
    assert officer.get(f"/imports/{national.import_id}/").status_code == 200
    listed = signed_in(admin_a).get("/imports/").context
    assert [r.pk for r in listed["recent"]] == [national.import_id]
    assert [j.pk for j in listed["in_progress"]] == [a_job.pk]
    everything = signed_in(superuser).get("/imports/").context
    assert {r.pk for r in everything["recent"]} == {national.import_id, b_run.pk}
    assert signed_in(superuser).get(f"/imports/jobs/{b_job.pk}/").status_code == 200


def test_a_school_user_sees_no_import_pages(la_admin: User) -> None:
    upload(signed_in(la_admin), GIAS)
    job = ImportJob.objects.get()
    head = UserFactory(username="head", role=Role.SCHOOL_USER)
    assert signed_in(head).get(f"/imports/jobs/{job.pk}/").status_code == 403
    assert signed_in(head).get(f"/imports/jobs/{job.pk}/progress/").status_code == 403


def _sha(path: Path) -> str:
    from headway.imports.tables import file_sha256

    return file_sha256(path)
