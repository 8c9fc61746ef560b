"""Imports as jobs: recorded before they start, run in the background (the Imports page) or the foreground (the
command line), with their progress, result and the refusal of a second import of the same file at the same time.

A job is waiting, running, then finished (imported), rejected (the file's problems listed, nothing written) or
failed (an error stopped it; nothing from it was kept). At most one job per file (SHA-256) and kind is waiting or
running: the database refuses a second (a unique index on waiting and running jobs), so two people, or a person
and a command, starting the same file at the same moment cannot both start it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import User
from headway.imports.models import ImportJob, ImportRun
from headway.imports.registry import importer_for
from headway.imports.services import ImportProgress, ImportResult, run_import

logger = logging.getLogger(__name__)

#: The extensions of the files Headway reads; an upload keeps its own (a workbook reader goes by it).
KNOWN_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls", ".parquet"}
#: A job that has reported nothing for this long is taken to have been stopped (the worker or command was
#: killed): it no longer holds its file, and is shown as stopped.
ABANDONED_AFTER = dt.timedelta(hours=6)
ABANDONED = (
    "The import stopped without finishing (the background worker or the command was stopped). Nothing from it "
    "was kept. Import the file again."
)
FAILED = "The import stopped because of an error, and nothing from it was kept. Tell your Headway administrator."

PHASES = ("waiting", "reading", "writing", "finished")


class AlreadyImporting(Exception):
    """The same file (same contents and kind) is already waiting or being imported."""

    def __init__(self, job: ImportJob | None) -> None:
        self.job = job
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.job is None:
            return "This file is already being imported. Wait for that import to finish, then try again if needed."
        when = timezone.localtime(self.job.created_at)
        who = self.job.actor_name
        if self.job.started_by is not None:
            who = self.job.started_by.get_full_name() or who
        return (
            f"{self.job.file_name} is already being imported (started by {who} at "
            f"{when:%H:%M} on {when.day} {when:%B %Y}). Wait for that import to finish; importing the same file "
            "again afterwards changes nothing."
        )


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    sha256: str
    size: int


def upload_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def store_upload(chunks: Iterable[bytes], file_name: str) -> StoredUpload:
    """Write an uploaded file under MEDIA_ROOT/imports/ (keeping its extension), hashing it on the way."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(file_name).suffix.lower()
    path = folder / f"{uuid.uuid4().hex}{suffix if suffix in KNOWN_SUFFIXES else ''}"
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as handle:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    return StoredUpload(path=path, sha256=digest.hexdigest(), size=size)


def _release_abandoned(kind: str, sha256: str) -> None:
    cutoff = timezone.now() - ABANDONED_AFTER
    stale = ImportJob.objects.filter(kind=kind, sha256=sha256, status__in=ImportJob.ACTIVE).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    for job in stale:
        _end(job, ImportJob.Status.FAILED, failure=ABANDONED)


def settle(job: ImportJob) -> ImportJob:
    """The job as it stands: one that has reported nothing for ABANDONED_AFTER is ended as stopped."""
    if job.active and job.heartbeat_at is not None and job.heartbeat_at < timezone.now() - ABANDONED_AFTER:
        _end(job, ImportJob.Status.FAILED, failure=ABANDONED)
    return job


def begin(
    *,
    kind: str,
    options: dict[str, Any],
    file_name: str,
    sha256: str,
    user: User | None,
    actor_name: str = "",
    skip_bad_rows: bool = False,
    stored_file: Path | None = None,
    background: bool = True,
) -> ImportJob:
    """Record a job for the file, waiting (background) or running (foreground). Raises AlreadyImporting when the
    same file of the same kind is waiting or running."""
    _release_abandoned(kind, sha256)
    now = timezone.now()
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=kind,
                options=options,
                skip_bad_rows=skip_bad_rows,
                file_name=file_name,
                sha256=sha256,
                stored_file=str(stored_file) if stored_file else "",
                status=ImportJob.Status.WAITING if background else ImportJob.Status.RUNNING,
                phase="waiting" if background else "reading",
                started_by=user,
                local_authority=user.local_authority if user is not None else None,
                actor_name=user.get_username() if user is not None else (actor_name or "command line"),
                background=background,
                started_at=None if background else now,
                heartbeat_at=now,
            )
    except IntegrityError:
        raise AlreadyImporting(
            ImportJob.objects.filter(kind=kind, sha256=sha256, status__in=ImportJob.ACTIVE)
            .select_related("started_by")
            .first()
        ) from None
    return job


def _audit_refusal(refusal: AlreadyImporting, *, user: User | None, actor_name: str, file_name: str) -> None:
    if refusal.job is None:  # the other import ended in the meantime: nothing to point at
        return
    audit.record(
        actor=user,
        actor_name=actor_name or "command line",
        verb="import.refused",
        target=refusal.job,
        after={"file": file_name, "sha256": refusal.job.sha256, "reason": "the same file is already being imported"},
    )


def start_upload(
    *,
    kind: str,
    options: dict[str, Any],
    upload: StoredUpload,
    file_name: str,
    user: User | None,
    skip_bad_rows: bool,
    actor_name: str = "",
) -> ImportJob:
    """Record an uploaded file's job and hand it to the background runner. On a refusal the stored file is
    deleted and AlreadyImporting raised."""
    from headway import background
    from headway.imports.tasks import run_import_job

    try:
        with transaction.atomic():
            job = begin(
                kind=kind,
                options=options,
                file_name=file_name,
                sha256=upload.sha256,
                user=user,
                actor_name=actor_name,
                skip_bad_rows=skip_bad_rows,
                stored_file=upload.path,
            )
            audit.record(
                actor=user,
                actor_name=job.actor_name,
                verb="import.queued",
                target=job,
                after={"kind": kind, "file": file_name, "sha256": upload.sha256, "bytes": upload.size},
            )
    except AlreadyImporting as refusal:
        upload.path.unlink(missing_ok=True)
        _audit_refusal(refusal, user=user, actor_name=actor_name, file_name=file_name)
        raise
    # Handed over once the job is committed, so a worker never looks for a job it cannot see yet.
    task = background.enqueue(run_import_job, job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=task.id)
    job.refresh_from_db()
    return job


def _progress_writer(job_id: int) -> Any:
    def report(progress: ImportProgress) -> None:
        # One short autocommitted UPDATE per report; run_import reports while it reads (no transaction open)
        # and says "writing" just before its one write transaction begins, so this never waits on it.
        ImportJob.objects.filter(pk=job_id).update(
            phase=progress.phase,
            rows_read=progress.rows_read,
            problems_so_far=progress.problems,
            heartbeat_at=timezone.now(),
        )

    return report


def _end(job: ImportJob, status: str, *, result: ImportResult | None = None, failure: str = "") -> None:
    now = timezone.now()
    job.status = status
    job.finished_at = now
    job.heartbeat_at = now
    job.failure = failure
    if result is not None:
        job.result = result.as_json()
        job.problems_so_far = len(result.errors)
        job.import_run = ImportRun.objects.filter(pk=result.import_id).first() if result.import_id else None
    job.phase = "finished"
    if job.stored_file:
        Path(job.stored_file).unlink(missing_ok=True)
        job.stored_file = ""
    job.save()


def execute(job: ImportJob, path: Path) -> ImportResult:
    """Run the job's import now, in this process, recording progress and the result on the job."""
    job.status = ImportJob.Status.RUNNING
    job.phase = "reading"
    job.started_at = job.started_at or timezone.now()
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "phase", "started_at", "heartbeat_at"])
    try:
        result = run_import(
            importer_for(job.kind, **job.options),
            path,
            display_name=job.file_name,
            user=job.started_by,
            actor_name=job.actor_name,
            skip_bad_rows=job.skip_bad_rows,
            progress=_progress_writer(job.pk),
        )
    except BaseException:
        logger.exception("import job %s failed", job.pk)
        job.refresh_from_db()
        _end(job, ImportJob.Status.FAILED, failure=FAILED)
        raise
    job.refresh_from_db()
    _end(job, ImportJob.Status.REJECTED if result.rejected else ImportJob.Status.FINISHED, result=result)
    return result


def run_job(job_id: int) -> dict[str, Any] | None:
    """The background task's body: run a waiting job. A job that is not waiting (already run, or given up as
    abandoned) is left alone."""
    job = ImportJob.objects.select_related("started_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.WAITING:
        return None
    if not job.stored_file or not Path(job.stored_file).exists():
        _end(job, ImportJob.Status.FAILED, failure="The uploaded file was no longer there. Upload it again.")
        return None
    return execute(job, Path(job.stored_file)).as_json()


def run_in_foreground(
    *,
    kind: str,
    options: dict[str, Any],
    path: Path,
    display_name: str,
    user: User | None,
    actor_name: str,
    skip_bad_rows: bool,
) -> ImportResult:
    """The command line's import: recorded as a running job (so the same file cannot be imported twice at the
    same time), run here and now. Raises AlreadyImporting; a missing file is a rejection, as run_import says."""
    from headway.imports.tables import file_sha256

    if not path.exists():
        return run_import(
            importer_for(kind, **options),
            path,
            display_name=display_name,
            user=user,
            actor_name=actor_name,
            skip_bad_rows=skip_bad_rows,
        )
    try:
        job = begin(
            kind=kind,
            options=options,
            file_name=display_name,
            sha256=file_sha256(path),
            user=user,
            actor_name=actor_name,
            skip_bad_rows=skip_bad_rows,
            background=False,
        )
    except AlreadyImporting as refusal:
        _audit_refusal(refusal, user=user, actor_name=actor_name, file_name=display_name)
        raise
    return execute(job, path)


# What each person may see ---------------------------------------------------------------------------------------


def _scope(user: User, field: str) -> Q:
    """An authority's staff see their own authority's people's imports and those made without a person (the
    command line, national loads); a superuser sees all."""
    if user.is_superuser:
        return Q()
    mine = Q(**{f"{field}__isnull": True})
    if user.local_authority_id is not None:
        mine |= Q(**{f"{field}__local_authority_id": user.local_authority_id})
    return mine


def runs_visible_to(user: User) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(_scope(user, "imported_by")).select_related("imported_by")


def jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(_scope(user, "started_by")).select_related("started_by")


def progress_of(job: ImportJob) -> dict[str, Any]:
    """The job as the progress bar reads it (the JSON the page polls)."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "phase": job.phase,
        "step": PHASES.index(job.phase) if job.phase in PHASES else 0,
        "steps": len(PHASES) - 1,
        "rows_read": job.rows_read,
        "problems": job.problems_so_far,
        "done": not job.active,
    }
