"""On SQLite a streamed import commits each batch it writes, so another user's save waits for one batch, never the
whole file (issue 12, part 2); the file is still checked whole first, so a bad file writes nothing. On PostgreSQL
the whole file stays one transaction. ``benchmarks/import_lockout.py`` measures the wait on a real database file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from headway.accounts.models import AuditEvent
from headway.imports import services
from headway.imports.models import ImportRun
from headway.imports.registry import importer_for
from headway.imports.services import ImportProgress, commits_each_batch, run_import
from headway.schools.importers import GiasImporter
from headway.schools.models import Establishment
from tests.helpers import FIXTURES, row_counts

SAMPLE = FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"  # 18 real Hampshire schools


def test_sqlite_commits_each_batch_and_postgresql_the_whole_file() -> None:
    assert commits_each_batch() is (connection.vendor == "sqlite")
    with override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=False):
        assert commits_each_batch() is False


@pytest.mark.django_db(transaction=True)
@override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=True)
def test_between_batches_no_transaction_is_open_and_earlier_batches_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "COMMIT_BATCH", 5)
    seen: list[tuple[bool, int]] = []

    def progress(step: ImportProgress) -> None:
        if step.phase == "writing":
            seen.append((connection.in_atomic_block, Establishment.objects.count()))

    result = run_import(importer_for("gias"), SAMPLE, actor_name="test", progress=progress)

    assert not result.rejected, result.errors
    assert Establishment.objects.count() == 18
    # Said once before writing starts, then after each of the four batches (5, 5, 5, 3 schools), each time with
    # no transaction open: another user's save is never kept waiting for more than one batch.
    assert seen == [(False, 0), (False, 5), (False, 10), (False, 15), (False, 18)]
    run = ImportRun.objects.get(pk=result.import_id)
    assert run.created == result.created and run.problems == []
    assert AuditEvent.objects.filter(verb="import.completed").count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=True)
def test_a_bad_file_is_still_refused_whole_before_anything_is_written(tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    # The last school's row cut short: the check reads the whole file before the first batch is written.
    bad = tmp_path / "cut_short.csv"
    bad.write_bytes(b"".join([*lines[:-1], lines[-1][:40] + b"\r\n"]))
    before = row_counts()

    result = run_import(importer_for("gias"), bad, actor_name="test")

    assert result.rejected
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
@override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=True)
def test_a_file_changed_after_its_check_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "gias.csv"
    path.write_bytes(SAMPLE.read_bytes())
    before = row_counts()

    def progress(step: ImportProgress) -> None:
        if step.phase == "writing":  # checked, not yet written: someone saves over the file
            path.write_bytes(SAMPLE.read_bytes().replace(b"Alton", b"Elton"))

    result = run_import(importer_for("gias"), path, actor_name="test", progress=progress)

    assert result.rejected
    assert result.errors == ["gias.csv:-:-: the file changed while it was being imported"]
    assert row_counts() == before


class FailingOnSecondBatch(GiasImporter):
    """The GIAS importer, with the database failing under its second batch (a full disk, say)."""

    batches = 0

    def apply(self, records: list[Any], context: Any) -> Any:
        type(self).batches += 1
        if type(self).batches == 2:
            raise RuntimeError("disk I/O error")
        return super().apply(records, context)


@pytest.mark.django_db(transaction=True)
@override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=True)
def test_a_failure_part_way_is_recorded_and_importing_again_finishes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "COMMIT_BATCH", 5)
    FailingOnSecondBatch.batches = 0

    with pytest.raises(RuntimeError, match="disk I/O error"):
        run_import(FailingOnSecondBatch(), SAMPLE, actor_name="test")

    assert Establishment.objects.count() == 5  # the first batch is kept
    run = ImportRun.objects.get()
    assert run.problems == [
        "hampshire_extract_sample.csv: the import stopped after writing 5 of its records (disk I/O error). "
        "What was written is kept; import the file again to finish it."
    ]
    stopped = AuditEvent.objects.get(verb="import.stopped")
    assert stopped.after == {"kind": "gias", "file": "hampshire_extract_sample.csv", "written": 5}

    again = run_import(importer_for("gias"), SAMPLE, actor_name="test")

    assert not again.rejected
    assert again.updated == 0
    assert Establishment.objects.count() == 18
    # The same file a third time changes nothing.
    third = run_import(importer_for("gias"), SAMPLE, actor_name="test")
    assert (third.created, third.updated) == (0, 0)


# --- one transaction, one reading (PostgreSQL's default; forced here on either database) -----------------


@pytest.mark.django_db(transaction=True)
@override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=False)
def test_in_one_transaction_the_file_is_read_once_and_a_late_bad_row_rolls_back_the_batches_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "WRITE_BATCH", 5)
    written: list[int] = []

    class Counting(GiasImporter):
        def apply(self, records: list[Any], context: Any) -> Any:
            counts = super().apply(records, context)
            written.append(Establishment.objects.count())
            return counts

    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    bad = tmp_path / "cut_short.csv"
    # The last school's row cut short, after three batches of five schools have been written.
    bad.write_bytes(b"".join([*lines[:-1], lines[-1][:40] + b"\r\n"]))
    before = row_counts()

    result = run_import(Counting(), bad, actor_name="test")

    assert written == [5, 10, 15]  # written as read, in the import's transaction ...
    assert result.rejected
    assert any("row has" in error for error in result.errors), result.errors
    assert result.notices[-1].startswith("Nothing was imported")
    assert row_counts() == before  # ... and rolled back whole: no school, no import record, no audit event
    assert not ImportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=False)
def test_in_one_transaction_a_good_file_is_read_once_and_imports_as_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "WRITE_BATCH", 5)
    opened: list[str] = []
    real_open = services.open_table

    def counting_open(path: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(path).name)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(services, "open_table", counting_open)
    phases: list[str] = []

    result = run_import(
        importer_for("gias"), SAMPLE, actor_name="test", progress=lambda step: phases.append(step.phase)
    )

    assert not result.rejected, result.errors
    assert opened == ["hampshire_extract_sample.csv"]  # one reading
    assert phases[-2:] == ["writing", "finished"]  # "writing" only once every row is checked
    assert Establishment.objects.count() == 18
    run = ImportRun.objects.get(pk=result.import_id)
    assert (run.rows_read, run.created) == (18, result.created)
    again = run_import(importer_for("gias"), SAMPLE, actor_name="test")
    assert (again.created, again.updated) == (0, 0)


@pytest.mark.django_db(transaction=True)
@override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=False)
@pytest.mark.parametrize("each_batch", [False, True])
def test_in_one_transaction_skipping_bad_rows_imports_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, each_batch: bool
) -> None:
    monkeypatch.setattr(services, "WRITE_BATCH", 5)
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    bad = tmp_path / "cut_short.csv"
    # The third school's row cut after its tenth field (at a field's end, so the next row stays whole).
    short = b'","'.join(lines[3].split(b'","')[:10]) + b'"\r\n'
    bad.write_bytes(b"".join([*lines[:3], short, *lines[4:]]))

    with override_settings(HEADWAY_IMPORT_COMMIT_EACH_BATCH=each_batch):
        result = run_import(importer_for("gias"), bad, actor_name="test", skip_bad_rows=True)

    assert not result.rejected, result.errors
    assert result.skipped == 1 and len(result.errors) == 1
    assert Establishment.objects.count() == 17
