"""The imports' background task: run an uploaded file's waiting job (see headway.imports.jobs)."""

from __future__ import annotations

from typing import Any

from headway.background import task


@task()
def run_import_job(job_id: int) -> dict[str, Any] | None:
    """Import the file of a waiting ImportJob; returns what ``headway import --json`` prints."""
    from headway.imports.jobs import run_job

    return run_job(job_id)
