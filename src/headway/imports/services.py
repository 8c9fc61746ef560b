"""Running an import: file-level checks, row-level checks, then one transaction that writes and records it.

Every importer, now and later, follows the same rules:

* the file is streamed; rows are validated one by one and only the parsed values are kept;
* a structural problem (missing required column, wrong encoding, not CSV/Excel) rejects the whole file;
* a bad value rejects the whole file too, unless ``skip_bad_rows`` is given, when that row is skipped;
* nothing is written for a rejected file; an accepted file is written in one transaction (on SQLite, a
  streamed file one committed batch at a time, so other users' saves wait for a batch, not the file:
  ``commits_each_batch``);
* importing the same file again changes nothing (0 created, 0 updated);
* every accepted import is recorded (file name, SHA-256, who, when, counts) and audited.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import User
from headway.imports.keys_seen import KeysSeen
from headway.imports.models import ImportRun
from headway.imports.problems import FileRejected, Problem
from headway.imports.rows import Row
from headway.imports.tables import file_sha256, open_table

R = TypeVar("R")

#: How many problems are listed before the rest are only counted.
MAX_LISTED_PROBLEMS = 1000
#: Records written at a time by an importer that ``streams``.
WRITE_BATCH = 5000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    #: records the file gives differently but left as they were, because a source that ranks higher holds them
    #: (performance tables: ``headway.performance.precedence``)
    kept: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.kept += other.kept


@dataclass
class ImportContext:
    """What an importer's ``apply`` knows of the import: the run, who and when, the notices so far, and the
    authority an LA administrator's import is limited to (``authority``, its code; None for a superuser or the
    command line, whose imports change every authority's schools)."""

    run: ImportRun
    user: User | None
    today: dt.date
    notices: list[str] = field(default_factory=list)
    authority: str | None = None
    authority_id: int | None = None
    authority_name: str = ""
    #: schools (or settings, boards, links) of other authorities the file gave but the import left as they were
    left: int = 0

    def may_change(self, la_code: str | None) -> bool:
        """Whether the import may change a school of the authority with this code."""
        return self.authority is None or la_code == self.authority

    def leave(self, count: int, what: str = "school(s)") -> None:
        """Record that ``count`` of the file's schools (or ``what``) belong to other authorities and were left."""
        if not count:
            return
        self.left += count
        self.notices.append(
            f"{count} {what} of other authorities were left as they were: an import by an administrator of "
            f"{self.authority_name or 'an authority'} changes only that authority's schools"
        )


def import_scope(user: User | None) -> tuple[str | None, int | None, str]:
    """The authority (code, id, name) an import by ``user`` may change: a superuser's or the command line's
    import changes every authority's schools (code None); anyone else's only their own authority's (and a
    user without an authority, no school at all)."""
    if user is None or user.is_superuser:
        return None, None, ""
    authority = user.local_authority
    if authority is None:
        return "", None, ""
    return authority.code, authority.pk, authority.name


@dataclass
class ImportResult:
    kind: str
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    rejected: bool = False
    import_id: int | None = None
    sha256: str = ""
    #: the file's schools of other authorities that an LA administrator's import left as they were
    left: int = 0
    #: records left as they were because a source that ranks higher holds them (see ``Counts.kept``)
    kept: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        if self.rejected:
            return f"{self.file}: rejected, nothing was imported ({len(self.errors)} problem(s))"
        left = f", {self.left} of other authorities left as they were" if self.left else ""
        kept = f", {self.kept} kept (a file that ranks higher holds them)" if self.kept else ""
        return (
            f"{self.file}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped{kept}{left}"
        )


@dataclass(frozen=True)
class ImportProgress:
    """How far an import has got, for a progress bar: rows read and problems found so far, and the phase
    ("reading" while rows are checked, "writing" once the file has been accepted, "finished")."""

    phase: str
    rows_read: int
    problems: int


#: Called as an import goes on (every ``PROGRESS_EVERY`` rows, and at each change of phase).
ProgressCallback = Callable[[ImportProgress], None]
PROGRESS_EVERY = 1000


class Importer(Generic[R]):
    """A kind of file Headway can import. Subclasses say which columns they read and how to parse a row
    (``parse``) and write the parsed rows (``apply``)."""

    kind: ClassVar[str]
    label: ClassVar[str]
    #: field name -> the headers it may appear under (case-insensitive), first match wins
    columns: Mapping[str, Sequence[str]]
    required_columns: Sequence[str]
    #: a field whose value may spill into extra trailing fields (GIAS's "Linked establishments")
    spill_field: ClassVar[str | None] = None
    #: DfE's performance-table files drop trailing empty fields on some rows; such rows are padded
    pad_short_rows: ClassVar[bool] = False
    #: files with lines of free text above the header: the header is the first row beginning with this column
    header_starts: ClassVar[str | None] = None
    #: a repeated key is a notice (the first row is kept, each repeat named) rather than a problem
    repeats_are_notices: bool = False
    #: ``apply`` is right for any split of the file's records into batches (it reads and writes only what its
    #: records need, and its notices add up), so the file is read twice, to check it and then to write it in
    #: batches of ``WRITE_BATCH`` records, and memory stays flat as files grow
    streams: ClassVar[bool] = False

    def __init__(self, **options: Any) -> None:
        self.options = options

    def resolve_columns(self, header: Sequence[str], file: str) -> tuple[dict[str, tuple[int, str]], list[str]]:
        positions = {h.lower(): i for i, h in reversed(list(enumerate(header))) if h}
        resolved: dict[str, tuple[int, str]] = {}
        for name, aliases in self.columns.items():
            for alias in aliases:
                index = positions.get(alias.lower())
                if index is not None:
                    resolved[name] = (index, header[index])
                    break
        missing = [name for name in self.required_columns if name not in resolved]
        if missing:
            raise FileRejected(
                [Problem(file, 1, self.columns[name][0], "required column is missing") for name in missing]
            )
        used = {index for index, _ in resolved.values()}
        ignored = [h for i, h in enumerate(header) if h and i not in used]
        notices = []
        if ignored:
            shown = ", ".join(ignored[:12]) + (f" and {len(ignored) - 12} more" if len(ignored) > 12 else "")
            notices.append(f"{file}: {len(ignored)} column(s) not used by Headway were ignored: {shown}")
        return resolved, notices

    def fresh(self) -> Importer[R]:
        """A new importer with the same options, for reading the file again."""
        return type(self)(**self.options)

    def parse(self, row: Row) -> R | None:
        """The row's values, or None for a row that is not for this importer (a notice, not an error)."""
        raise NotImplementedError

    def key(self, record: R) -> RecordKey | None:
        """What identifies the record within a file (e.g. the school's URN), so that a second row with the same
        key is refused (``file:row:column: URN 100000 is already in the file at row 12``) instead of one of the
        two silently winning. None: the importer checks repeats itself, or rows have no key."""
        return None

    def short_row_accepted(self, length: int, columns: Mapping[str, tuple[int, str]]) -> bool:
        """Whether a CSV row of ``length`` fields, fewer than the header's, may be read with the missing
        trailing fields blank. Only for files whose publisher drops trailing fields (``pad_short_rows``);
        importers narrow this so that a row cut short inside a value is refused."""
        return self.pad_short_rows

    def spill_accepted(self, extra: Sequence[str]) -> bool:
        """Whether the fields beyond the header's last column (``spill_field``) are more of its value."""
        return True

    def apply(self, records: list[R], context: ImportContext) -> Counts:
        raise NotImplementedError


@dataclass(frozen=True)
class RecordKey:
    """A record's key within a file: the field it is read from, the key itself and how a person names it."""

    field: str | None
    value: Hashable
    label: str


def _length_problem(length: int, header_length: int) -> str:
    return f"row has {length} fields, the header has {header_length}"


def _fit_cells(
    cells: list[str],
    header_length: int,
    spill_index: int | None,
    short_accepted: Callable[[int], bool],
    spill_accepted: Callable[[Sequence[str]], bool] = lambda extra: True,
) -> tuple[list[str], str | None]:
    """The row's cells fitted to the header, or a problem. A longer row is refused unless its extra fields are
    a spill of the last column that reads as more of its value (GIAS's linked establishments) or all empty
    (trailing commas); a shorter one
    unless ``short_accepted`` says its length is one the publisher uses (spreadsheets always drop trailing
    empty cells, so they are padded)."""
    if len(cells) > header_length:
        extra = cells[header_length:]
        if spill_index is not None and spill_index == header_length - 1 and spill_accepted(extra):
            joined = [c for c in [cells[spill_index], *extra] if c]
            return [*cells[: header_length - 1], ", ".join(joined)], None
        if any(extra):
            return cells, _length_problem(len(cells), header_length)
        return cells[:header_length], None
    if len(cells) < header_length:
        if not short_accepted(len(cells)):
            return cells, _length_problem(len(cells), header_length)
        return cells + [""] * (header_length - len(cells)), None
    return cells, None


@dataclass
class _Scan:
    """What reading a file found besides its records: problems, notices and how many rows."""

    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    rows_read: int = 0


def _scan_records(
    importer: Importer[R], path: Path, display_name: str, scan: _Scan, progress: ProgressCallback | None = None
) -> Iterator[R]:
    """Read and check the file row by row, yielding each good record as it is read (only the keys seen so
    far are kept, to find repeats); problems, notices and the rows read go into ``scan``."""
    problems = scan.problems
    #: each row notice's first row and how many rows gave it
    row_notices: dict[tuple[str | None, str], list[int]] = {}
    #: the row each key was first seen at (all that is kept per row of the file: about 12 bytes)
    keys_seen = KeysSeen()
    repeats: list[str] = []
    with open_table(path, display_name, header_starts=importer.header_starts) as table:
        columns, notices = importer.resolve_columns(table.header, display_name)
        scan.notices.extend(notices)
        spill_index = columns[importer.spill_field][0] if importer.spill_field in columns else None
        if table.format == "csv":

            def short_accepted(length: int) -> bool:
                return importer.short_row_accepted(length, columns)
        else:

            def short_accepted(length: int) -> bool:
                return True

        for number, raw_cells in table.rows:
            scan.rows_read += 1
            if progress is not None and scan.rows_read % PROGRESS_EVERY == 0:
                progress(ImportProgress("reading", scan.rows_read, len(problems)))
            cells, length_problem = _fit_cells(
                raw_cells, len(table.header), spill_index, short_accepted, importer.spill_accepted
            )
            if length_problem:
                problems.append(Problem(display_name, number, None, length_problem))
                continue
            row = Row(file=display_name, number=number, cells=cells, columns=columns)
            record = importer.parse(row)
            for notice in row.notices:
                seen = row_notices.setdefault((notice.column, notice.message), [number, 0])
                seen[1] += 1
            if row.errors:
                problems.extend(row.errors)
                continue
            if record is None:
                continue
            key = importer.key(record)
            if key is not None:
                first = keys_seen.first_row(key.value, number)
                if first != number:
                    column = row.header(key.field) if key.field else None
                    if importer.repeats_are_notices:
                        repeats.append(f"{display_name}:{number}:{column or '-'}: {key.label} repeats row {first}")
                        continue
                    problems.append(
                        Problem(display_name, number, column, f"{key.label} is already in the file at row {first}")
                    )
                    continue
            yield record
    if scan.rows_read == 0:
        raise FileRejected([Problem(display_name, None, None, "the file has a header but no rows")])
    for (column, message), (first_row, count) in row_notices.items():
        rows = f"row {first_row}" if count == 1 else f"{count} rows, first at row {first_row}"
        scan.notices.append(f"{display_name}:{first_row}:{column or '-'}: {message} ({rows})")
    if repeats:
        scan.notices.append(
            f"{display_name}: {len(repeats)} row(s) repeat an earlier row's key; the earlier row was kept: "
            + "; ".join(repeats[:MAX_LISTED_PROBLEMS])
        )


def read_records(
    importer: Importer[R],
    path: Path,
    display_name: str,
    progress: ProgressCallback | None = None,
    *,
    keep: bool = True,
) -> tuple[list[R], list[Problem], int, list[str]]:
    """Validate every row. Returns the parsed records (none unless ``keep``), the problems, the rows read and
    notices."""
    scan = _Scan()
    records: list[R] = []
    for record in _scan_records(importer, path, display_name, scan, progress):
        if keep:
            records.append(record)
    return records, scan.problems, scan.rows_read, scan.notices


def _batches(records: Iterable[R], size: int) -> Iterator[list[R]]:
    batch: list[R] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    yield batch


_NUMBER = re.compile(r"\d+")


def merged_notices(notices: Sequence[str]) -> list[str]:
    """Notices of the same wording added up: the per-batch summaries of a streamed import ("schools: 5000
    created, ..." once a batch) become one ("schools: 16355 created, ..."), in the order first seen."""
    merged: dict[tuple[str, ...], list[int]] = {}
    for notice in notices:
        template = tuple(_NUMBER.split(notice))
        numbers = [int(n) for n in _NUMBER.findall(notice)]
        if template in merged:
            merged[template] = [a + b for a, b in zip(merged[template], numbers, strict=True)]
        else:
            merged[template] = numbers
    result = []
    for template, numbers in merged.items():
        parts = [template[0]]
        for number, text in zip(numbers, template[1:], strict=True):
            parts.extend((str(number), text))
        result.append("".join(parts))
    return result


def _listed(problems: list[Problem]) -> list[str]:
    listed = [str(p) for p in problems[:MAX_LISTED_PROBLEMS]]
    if len(problems) > MAX_LISTED_PROBLEMS:
        listed.append(f"... and {len(problems) - MAX_LISTED_PROBLEMS} more problems")
    return listed


def run_import(
    importer: Importer[Any],
    path: Path,
    *,
    display_name: str | None = None,
    user: User | None = None,
    actor_name: str = "",
    skip_bad_rows: bool = False,
    today: dt.date | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import one file. A rejected file returns ``rejected=True`` with its problems and writes nothing."""
    name = display_name or path.name
    result = ImportResult(kind=importer.kind, file=name)
    job = _Writing(
        importer=importer,
        path=path,
        name=name,
        result=result,
        user=user,
        actor_name=actor_name,
        started=timezone.now(),
        rows_read=0,
        problems=[],
        today=today or timezone.localdate(),
        progress=progress,
    )
    try:
        result.sha256 = file_sha256(path) if path.exists() else ""
        if importer.streams and not commits_each_batch():
            run = _check_and_write_in_one_transaction(job, skip_bad_rows=skip_bad_rows)
        else:
            records, problems, rows_read, notices = read_records(
                importer, path, name, progress, keep=not importer.streams
            )
            result.notices.extend(notices)
            if problems and not skip_bad_rows:
                raise _Refused(problems)
            if progress is not None:
                progress(ImportProgress("writing", rows_read, len(problems)))
            job.rows_read, job.problems = rows_read, problems
            run = _write_in_batches(job) if importer.streams else _write_in_one_transaction(job, records)
    except _Refused as refusal:
        result.rejected = True
        result.errors = _listed(refusal.problems)
        result.notices.append(
            "Nothing was imported. Correct the file, or import it again skipping the rows with bad values."
        )
        return result
    except FileRejected as rejection:
        # Nothing was written: the transaction was rolled back (or had not begun).
        return ImportResult(
            kind=importer.kind, file=name, rejected=True, errors=_listed(rejection.problems), sha256=result.sha256
        )
    result.import_id = run.pk
    if progress is not None:
        progress(ImportProgress("finished", job.rows_read, len(job.problems)))
    return result


class _Refused(Exception):
    """Rows of the file have problems (and bad rows are not to be skipped): nothing is imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def commits_each_batch() -> bool:
    """Whether a streamed import commits each batch it writes rather than the whole file at once: on SQLite,
    where a write transaction locks every other writer out (WAL lets readers go on), so that an officer saving
    a note during a national import waits for one batch, not the whole file. PostgreSQL locks only the rows
    written, so there the whole file is one transaction. ``HEADWAY_IMPORT_COMMIT_EACH_BATCH`` overrides."""
    from django.conf import settings
    from django.db import connection

    chosen = getattr(settings, "HEADWAY_IMPORT_COMMIT_EACH_BATCH", None)
    if chosen is not None:
        return bool(chosen)
    return connection.vendor == "sqlite"


#: Records written at a time by a streamed import that commits each batch (SQLite): small enough that a batch
#: holds the write lock for well under a second.
COMMIT_BATCH = 250


@dataclass
class _Writing:
    """An import that passed its checks, about to be written."""

    importer: Importer[Any]
    path: Path
    name: str
    result: ImportResult
    user: User | None
    actor_name: str
    started: dt.datetime
    rows_read: int
    problems: list[Problem]
    today: dt.date
    progress: ProgressCallback | None

    @property
    def skipped(self) -> int:
        """The rows left out for their problems (with ``skip_bad_rows``)."""
        return len({p.row for p in self.problems})


def _start_run(job: _Writing) -> tuple[ImportRun, ImportContext]:
    run = ImportRun.objects.create(
        kind=job.importer.kind,
        file_name=job.name,
        sha256=job.result.sha256,
        imported_by=job.user,
        actor_name=job.user.get_username() if job.user is not None else (job.actor_name or "command line"),
        started_at=job.started,
        finished_at=job.started,
        rows_read=job.rows_read,
        options={k: str(v) for k, v in job.importer.options.items()},
    )
    authority, authority_id, authority_name = import_scope(job.user)
    context = ImportContext(
        run=run,
        user=job.user,
        today=job.today,
        authority=authority,
        authority_id=authority_id,
        authority_name=authority_name,
    )
    return run, context


def _finish_run(job: _Writing, run: ImportRun, context: ImportContext, counts: Counts) -> None:
    result = job.result
    result.left = context.left
    counts.skipped += job.skipped
    result.notices.extend(context.notices)
    result.created, result.updated = counts.created, counts.updated
    result.unchanged, result.skipped = counts.unchanged, counts.skipped
    result.kept = counts.kept
    result.errors = _listed(job.problems)
    run.created, run.updated, run.unchanged, run.skipped = (
        counts.created,
        counts.updated,
        counts.unchanged,
        counts.skipped,
    )
    run.problems = result.errors
    run.notices = result.notices
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        actor=job.user,
        actor_name=run.actor_name,
        verb="import.completed",
        target=run,
        after={"kind": run.kind, "file": job.name, "sha256": run.sha256, **asdict(counts), "left": context.left},
    )


def _write_in_one_transaction(job: _Writing, records: list[Any]) -> ImportRun:
    """Write the whole file, read and checked before, in one transaction: all of it or, if anything fails, none."""
    with transaction.atomic():
        run, context = _start_run(job)
        counts = job.importer.apply(records, context)
        _finish_run(job, run, context, counts)
    return run


def _check_and_write_in_one_transaction(job: _Writing, *, skip_bad_rows: bool) -> ImportRun:
    """Read, check and write a streamed file in one pass and one transaction (PostgreSQL; see
    ``commits_each_batch``): each batch of checked records is written as it is read. From the first row with a
    problem nothing more is written, the rest of the file is still checked so that every problem is listed, and
    the transaction is rolled back (``_Refused``): a file is still imported whole or not at all, and is read
    once rather than twice. Only the keys seen are kept across the file, so memory stays flat as files grow."""
    scan = _Scan()
    with transaction.atomic():
        run, context = _start_run(job)
        counts = Counts()
        for batch in _batches(_scan_records(job.importer, job.path, job.name, scan, job.progress), WRITE_BATCH):
            if scan.problems and not skip_bad_rows:
                continue  # refused: read on only to list every problem
            counts.add(job.importer.apply(batch, context))  # the page still says the rows are being checked
        job.result.notices.extend(scan.notices)
        if scan.problems and not skip_bad_rows:
            raise _Refused(scan.problems)
        if job.progress is not None:  # every row is checked; the rest is written and committed
            job.progress(ImportProgress("writing", scan.rows_read, len(scan.problems)))
        context.notices = merged_notices(context.notices)
        if file_sha256(job.path) != job.result.sha256:
            raise FileRejected([Problem(job.name, None, None, "the file changed while it was being imported")])
        job.rows_read, job.problems = scan.rows_read, scan.problems
        run.rows_read = scan.rows_read
        _finish_run(job, run, context, counts)
    return run


def _write_in_batches(job: _Writing) -> ImportRun:
    """Write a checked, streamed file one committed batch at a time (see ``commits_each_batch``).

    The file was checked whole before this, and it is read from a private copy made first, so what is written
    is exactly what was checked: a file is still refused whole, before anything is written. Only a failure of
    the database itself part-way through can leave some batches written; the import record then says so, and
    importing the file again completes it (a second import changes nothing that is already right)."""
    with tempfile.TemporaryDirectory(prefix="headway-import-") as folder:
        copy = Path(folder) / job.path.name
        shutil.copyfile(job.path, copy)
        if file_sha256(copy) != job.result.sha256:
            raise FileRejected([Problem(job.name, None, None, "the file changed while it was being imported")])
        copy_job = replace(job, path=copy)
        with transaction.atomic():
            run, context = _start_run(copy_job)
        writer = job.importer.fresh()
        counts = Counts()
        written = 0
        try:
            for batch in _batches(_scan_records(writer, copy, job.name, _Scan()), COMMIT_BATCH):
                with transaction.atomic():
                    counts.add(writer.apply(batch, context))
                written += len(batch)
                if job.progress is not None:
                    job.progress(ImportProgress("writing", job.rows_read, len(job.problems)))
            context.notices = merged_notices(context.notices)
            with transaction.atomic():
                _finish_run(copy_job, run, context, counts)
        except Exception as error:
            with transaction.atomic():
                run.problems = [
                    f"{job.name}: the import stopped after writing {written} of its records ({error}). What was "
                    "written is kept; import the file again to finish it."
                ]
                run.finished_at = timezone.now()
                run.save(update_fields=["problems", "finished_at"])
                audit.record(
                    actor=job.user,
                    actor_name=run.actor_name,
                    verb="import.stopped",
                    target=run,
                    after={"kind": run.kind, "file": job.name, "written": written},
                )
            raise
    return run


def sync_rows(
    model: type[models.Model],
    *,
    key: str,
    rows: Mapping[Any, Mapping[str, Any]],
    existing: Iterable[Mapping[str, Any]],
    batch_size: int = 500,
) -> tuple[Counts, dict[Any, int]]:
    """Create or update ``model`` rows so that each key in ``rows`` has exactly those field values.

    ``existing`` are the current rows as dicts (with ``id``, ``key`` and the fields); a row is updated only
    when a value differs, so importing the same data twice changes nothing. Returns the counts and the
    primary key of every row by key."""
    counts = Counts()
    current = {row[key]: row for row in existing}
    ids: dict[Any, int] = {}
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for row_key, values in rows.items():
        old = current.get(row_key)
        if old is None:
            to_create.append(model(**{key: row_key, **values}))
            continue
        ids[row_key] = old["id"]
        diff = {f for f, v in values.items() if old.get(f) != v}
        if not diff:
            counts.unchanged += 1
            continue
        changed_fields |= diff
        to_update.append(model(id=old["id"], **{key: row_key, **values}))
    if to_create:
        model.objects.bulk_create(to_create, batch_size=batch_size)  # type: ignore[attr-defined]
        counts.created = len(to_create)
        keys = [getattr(obj, key) for obj in to_create]
        for start in range(0, len(keys), batch_size):
            chunk = keys[start : start + batch_size]
            for pk, value in model.objects.filter(**{f"{key}__in": chunk}).values_list("id", key):  # type: ignore[attr-defined]
                ids[value] = pk
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=batch_size)  # type: ignore[attr-defined]
        counts.updated = len(to_update)
    return counts, ids
