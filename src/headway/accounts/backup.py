"""Backing up and restoring Headway's database (``headway backup FILE`` / ``headway restore FILE``).

A backup is the database engine's own format, so it can also be read with the engine's tools:

* PostgreSQL: a ``pg_dump`` custom-format archive (``pg_dump -Fc``), restored with ``pg_restore``;
* SQLite: a copy of the database file made with SQLite's online backup, so it is consistent even while the
  app is running.

A file is a Headway backup when it is one of those and holds Headway's tables (the audit trail and the record
of applied migrations). A restore refuses a file that is not, a backup from the other engine, and a backup
from a newer version of Headway (one with migrations this version does not know); it replaces a database
that already holds data only when told to (``--yes``); afterwards it applies this version's migrations, so a
backup from an older version is upgraded.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.migrations.loader import MigrationLoader

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# Tables Django fills when it creates an empty database: a database holding only these is empty.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission", "django_session"})
# Every Headway database has these; a file without them is somebody else's database.
SIGNATURE_TABLES = frozenset({"django_migrations", "accounts_auditevent", "accounts_user"})


class BackupRefused(Exception):
    """A backup or restore that must not go ahead; the message says why in plain words."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    engine: str  # "postgresql" or "sqlite"
    tables: frozenset[str]
    migrations: frozenset[tuple[str, str]]


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupRefused(f"Headway backs up PostgreSQL and SQLite databases, not {vendor}.")
    return vendor


def _pg_environment() -> dict[str, str]:
    """The libpq variables that point pg_dump / pg_restore at Headway's database."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupRefused(f"{command[0]} is not installed; install PostgreSQL's client tools.") from exc
    if done.returncode != 0:
        raise BackupRefused(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def backup(target: Path) -> BackupFile:
    """Writes a backup of the whole database to ``target`` (first to a temporary name beside it, so a failed
    backup never leaves a half-written file under the name asked for)."""
    vendor = engine()
    target = target.resolve()
    if target.is_dir():
        raise BackupRefused(f"{target} is a folder; give the name of the backup file to write.")
    if not target.parent.is_dir():
        raise BackupRefused(f"{target.parent} does not exist.")
    partial = target.with_name(target.name + ".partial")
    try:
        if vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"])
        else:
            partial.unlink(missing_ok=True)
            connection.ensure_connection()
            source = connection.connection
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
            finally:
                copy.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return inspect(target)


def _sqlite_contents(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            migrations: set[tuple[str, str]] = set()
            if "django_migrations" in tables:
                migrations = {(app, name) for app, name in db.execute("SELECT app, name FROM django_migrations")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{path} is not a Headway backup: it cannot be read as a database ({exc}).") from exc
    return tables, migrations


def _pg_contents(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    try:
        listing = _run(["pg_restore", "--list", str(path)])
    except BackupRefused as exc:
        raise BackupRefused(
            f"{path} is not a Headway backup: it cannot be read as a PostgreSQL archive ({exc})."
        ) from exc
    tables = set()
    for line in listing.splitlines():
        parts = line.split()
        # "215; 1259 16390 TABLE public accounts_auditevent postgres"
        if len(parts) >= 6 and parts[3] == "TABLE" and not line.startswith(";"):
            tables.add(parts[5])
    migrations: set[tuple[str, str]] = set()
    if "django_migrations" in tables:
        data = _run(["pg_restore", "--data-only", "--table=django_migrations", "--file=-", str(path)])
        copying = False
        columns: list[str] = []
        for line in data.splitlines():
            if line.startswith("COPY ") and "django_migrations" in line:
                columns = [c.strip() for c in line[line.index("(") + 1 : line.index(")")].split(",")]
                copying = True
            elif copying and line == "\\.":
                copying = False
            elif copying:
                values = dict(zip(columns, line.split("\t"), strict=False))
                migrations.add((values["app"], values["name"]))
    return tables, migrations


def inspect(path: Path) -> BackupFile:
    """What a file is: refuses anything that is not a Headway backup."""
    if not path.is_file():
        raise BackupRefused(f"{path} does not exist.")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        kind = "sqlite"
        tables, migrations = _sqlite_contents(path)
    elif head.startswith(PG_MAGIC):
        kind = "postgresql"
        tables, migrations = _pg_contents(path)
    else:
        raise BackupRefused(
            f"{path} is not a Headway backup: it is neither a PostgreSQL archive made by pg_dump nor a SQLite database."
        )
    missing = SIGNATURE_TABLES - tables
    if missing or not any(app == "accounts" for app, _name in migrations):
        raise BackupRefused(f"{path} is not a Headway backup: it has no Headway tables ({', '.join(sorted(missing))}).")
    return BackupFile(path=path, engine=kind, tables=frozenset(tables), migrations=frozenset(migrations))


def unknown_migrations(found: BackupFile) -> list[str]:
    """Migrations recorded in the backup that this version of Headway does not have."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(f"{app}.{name}" for app, name in found.migrations - known)


def tables_with_rows() -> list[str]:
    """The tables of the current database that hold data (Django's own bookkeeping aside)."""
    holding = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                holding.append(table)
    return holding


def check_restorable(path: Path) -> BackupFile:
    found = inspect(path.resolve())
    vendor = engine()
    if found.engine != vendor:
        raise BackupRefused(
            f"{path} is a backup of a {found.engine} database; this Headway uses a {vendor} database. "
            f"Restore it into a {found.engine} database."
        )
    newer = unknown_migrations(found)
    if newer:
        shown = ", ".join(newer[:5]) + (f" and {len(newer) - 5} more" if len(newer) > 5 else "")
        raise BackupRefused(
            f"{path} is from a newer version of Headway than this one (its database has changes this version "
            f"does not know: {shown}). Upgrade Headway, then restore."
        )
    return found


def restore(found: BackupFile) -> None:
    """Replaces the whole database with the backup's contents. The caller has checked ``check_restorable`` and
    that overwriting is wanted."""
    if found.engine == "sqlite":
        source = sqlite3.connect(f"file:{found.path}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    connection.close()
    # One transaction: if anything goes wrong the database is as it was.
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(found.path),
        ]
    )
    # Tables a later version added are not in an older backup; drop them so that migrate makes them afresh.
    with connection.cursor() as cursor:
        extra = [t for t in connection.introspection.table_names(cursor) if t not in found.tables]
        if extra:
            cursor.execute("DROP TABLE " + ", ".join(connection.ops.quote_name(t) for t in extra) + " CASCADE")
