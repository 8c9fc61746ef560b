"""``headway backup`` / ``headway restore``, run as an administrator would: the ``headway`` command in a
subprocess against its own database (a SQLite file in a temporary folder, or a scratch PostgreSQL database).

A populated database (the real Hampshire GIAS sample and Ofsted history, a KPI set, a categorisation round
confirmed by a named officer, so the audit trail has decisions with before/after values) is backed up, restored
into an empty database and compared table by table and event by event; the refusals are tried on real files.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backup.database import Database
from tests.helpers import FIXTURES

PG_SERVER = os.environ.get("HEADWAY_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def populate(db: Database) -> None:
    db.run("migrate", "-v0")
    db.run("import", "gias", str(FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"))
    db.run("import", "ofsted", str(FIXTURES / "ofsted" / "valid" / "graded_history_real_sample.csv"))
    db.run("kpi", "load", "barnet-2017-20")
    db.run(
        "shell",
        "-c",
        "from headway.accounts.models import User, Role; "
        "from headway.schools.models import LocalAuthority; "
        "User.objects.create_user('officer.hants', password='x', role=Role.LA_OFFICER, first_name='Zoë', "
        "local_authority=LocalAuthority.objects.get(code='850'))",
    )
    db.run(
        "categorise",
        "--la",
        "850",
        "--policy",
        "two-axis-2021",
        "--as-of",
        "2024-09-01",
        "--confirm-as",
        "officer.hants",
        "--no-risk",
    )


def _postgres_available() -> bool:
    if shutil.which("psql") is None or shutil.which("pg_dump") is None:
        return False
    done = subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-Atc", "SELECT 1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=20,
    )
    return done.returncode == 0


def _psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG_SERVER}/postgres", "-qc", sql], check=True, capture_output=True)


class Engine:
    """Makes databases of one engine: ``new(name)`` an empty one, ``populated(name)`` a copy of one database
    populated once per engine (``populate``)."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind, self.folder = kind, folder
        self.made: list[str] = []
        self._template: Database | None = None

    def new(self, name: str) -> Database:
        var_dir = self.folder / f"{name}-{uuid.uuid4().hex[:6]}"
        var_dir.mkdir()
        if self.kind == "sqlite":
            return Database(url=f"sqlite:///{var_dir / 'headway.sqlite3'}", var_dir=var_dir)
        database = f"headway_backup_test_{uuid.uuid4().hex[:10]}"
        _psql(f"CREATE DATABASE {database}")
        self.made.append(database)
        return Database(url=f"{PG_SERVER}/{database}", var_dir=var_dir)

    def populated(self, name: str) -> Database:
        if self._template is None:
            self._template = self.new("template")
            populate(self._template)
        copy = self.new(name)
        if self.kind == "sqlite":
            shutil.copyfile(self._template.var_dir / "headway.sqlite3", copy.var_dir / "headway.sqlite3")
        else:
            copy_name, template_name = copy.url.rsplit("/", 1)[1], self._template.url.rsplit("/", 1)[1]
            _psql(f"DROP DATABASE {copy_name}")
            _psql(f"CREATE DATABASE {copy_name} TEMPLATE {template_name}")
        return copy


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "postgresql" and not _postgres_available():
        pytest.skip(f"no PostgreSQL server at {PG_SERVER}")
    made = Engine(request.param, tmp_path_factory.mktemp(request.param))
    yield made
    for database in made.made:
        _psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def test_a_backup_restored_into_an_empty_database_has_every_row_and_the_whole_audit_trail(
    engine: Engine, tmp_path: Path
) -> None:
    kind = engine.kind
    source = engine.populated("source")
    before = source.snapshot()
    counts = before["counts"]
    assert isinstance(counts, dict)
    assert counts["schools_establishment"] > 0 and counts["accounts_auditevent"] > 0
    assert counts["risk_categoryproposal"] > 0 if "risk_categoryproposal" in counts else True

    archive = tmp_path / "headway.backup"
    made = source.run("backup", str(archive))
    assert f"Backed up the {kind} database" in made.stdout
    assert not (tmp_path / "headway.backup.partial").exists()

    target = engine.new("target")
    restored = target.run("restore", str(archive))  # an empty database: no --yes needed
    assert "Restored the database" in restored.stdout
    after = target.snapshot()
    assert after["counts"] == before["counts"]
    assert after["trail"] == before["trail"]
    # The restored database works: the app reads it and writes to it.
    target.run("kpi", "load", "barnet-2017-20")


def test_restore_asks_before_replacing_a_database_that_holds_data(engine: Engine, tmp_path: Path) -> None:
    db = engine.populated("live")
    archive = tmp_path / "before-import.backup"
    db.run("backup", str(archive))
    at_backup = db.snapshot()
    db.run("import", "ofsted", str(FIXTURES / "ofsted" / "valid" / "mi_2019_layout_invented.csv"), "--skip-bad-rows")
    changed = db.snapshot()
    assert changed != at_backup

    refused = db.run("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "already holds data" in refused.stderr and "--yes" in refused.stderr
    assert db.snapshot() == changed  # nothing was touched

    db.run("restore", str(archive), "--yes")
    assert db.snapshot() == at_backup


def test_restore_refuses_files_that_are_not_headway_backups(engine: Engine, tmp_path: Path) -> None:
    db = engine.new("live")
    db.run("migrate", "-v0")
    before = db.snapshot()

    text = tmp_path / "notes.txt"
    text.write_text("Not a backup at all\n")
    other_sqlite = tmp_path / "other.sqlite3"
    with sqlite3.connect(other_sqlite) as other:
        other.execute("CREATE TABLE pupils (id integer primary key, name text)")
        other.execute("INSERT INTO pupils (name) VALUES ('Ann')")
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 40)
    for path, problem in (
        (text, "is not a Headway backup"),
        (other_sqlite, "is not a Headway backup"),
        (truncated, "is not a Headway backup"),
        (tmp_path / "missing.backup", "does not exist"),
    ):
        refused = db.run("restore", str(path), "--yes", check=False)
        assert refused.returncode != 0, path
        assert problem in refused.stderr, (path, refused.stderr)
    assert db.snapshot() == before


def test_restore_refuses_a_backup_from_another_engine(engine: Engine, tmp_path: Path) -> None:
    if engine.kind == "sqlite":
        pytest.skip("the PostgreSQL variant makes the SQLite backup it refuses")
    sqlite_dir = tmp_path / "sqlite"
    sqlite_dir.mkdir()
    lite = Database(url=f"sqlite:///{sqlite_dir / 'headway.sqlite3'}", var_dir=sqlite_dir)
    lite.run("migrate", "-v0")
    lite.run("backup", str(tmp_path / "lite.backup"))
    db = engine.new("live")
    db.run("migrate", "-v0")
    refused = db.run("restore", str(tmp_path / "lite.backup"), check=False)
    assert refused.returncode != 0
    assert "is a backup of a sqlite database; this Headway uses a postgresql database" in refused.stderr


def test_restore_refuses_a_backup_from_a_newer_version(engine: Engine, tmp_path: Path) -> None:
    db = engine.populated("newer")
    # A later version of Headway would have recorded a migration this one does not have.
    db.run(
        "shell",
        "-c",
        "from django.db import connection; from django.utils import timezone\n"
        "with connection.cursor() as c: c.execute('INSERT INTO django_migrations (app, name, applied) "
        "VALUES (%s, %s, %s)', ['accounts', '9999_from_the_future', timezone.now()])",
    )
    archive = tmp_path / "newer.backup"
    db.run("backup", str(archive))
    target = engine.new("older")
    target.run("migrate", "-v0")
    before = target.snapshot()
    refused = target.run("restore", str(archive), "--yes", check=False)
    assert refused.returncode != 0
    assert "newer version of Headway" in refused.stderr and "accounts.9999_from_the_future" in refused.stderr
    assert target.snapshot() == before


def test_a_backup_to_a_folder_that_does_not_exist_is_refused(engine: Engine, tmp_path: Path) -> None:
    db = engine.new("live")
    db.run("migrate", "-v0")
    refused = db.run("backup", str(tmp_path / "nowhere" / "x.backup"), check=False)
    assert refused.returncode != 0 and "does not exist" in refused.stderr
