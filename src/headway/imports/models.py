"""The record of every file loaded into Headway, so every figure can be traced to its source."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    kind = models.CharField(max_length=40, db_index=True, help_text="e.g. gias, ofsted.")
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Rows skipped, as file:row:column: message.")
    notices = models.JSONField(default=list, blank=True)
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.file_name} on {self.started_at:%-d %B %Y}"

    @property
    def kind_label(self) -> str:
        """The kind of file in words, as the upload page names it (never the command line's name)."""
        from headway.imports.registry import importers

        importer = importers().get(self.kind)
        return str(importer.label) if importer is not None else self.kind.replace("-", " ")


class ImportJob(models.Model):
    """A file handed over to be imported in the background (from the Imports page) or in the foreground (the
    command line), recorded before it starts so that its progress can be shown and a second import of the same
    file at the same time is refused (one waiting or running job per file and kind, enforced by the database)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        RUNNING = "running", "Importing"
        FINISHED = "finished", "Imported"
        REJECTED = "rejected", "Not imported"
        FAILED = "failed", "Stopped by an error"

    ACTIVE = (Status.WAITING, Status.RUNNING)

    kind = models.CharField(max_length=40)
    options = models.JSONField(default=dict, blank=True, help_text="What the importer needs beyond the file.")
    skip_bad_rows = models.BooleanField(default=False)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    stored_file = models.CharField(
        max_length=500, blank=True, help_text="The uploaded file under MEDIA_ROOT, deleted once the job ends."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    phase = models.CharField(max_length=10, default="waiting", help_text="waiting, reading, writing or finished.")
    rows_read = models.PositiveIntegerField(default=0)
    problems_so_far = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True, help_text="What the import command prints with --json.")
    failure = models.TextField(blank=True, help_text="Why a job stopped without a result.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    background = models.BooleanField(default=True, help_text="False for an import run by the command line.")
    task_id = models.CharField(max_length=64, blank=True)
    import_run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When the job last reported progress.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=models.Q(status__in=["waiting", "running"]),
                name="imports_one_active_job_per_file",
            )
        ]
        indexes = [models.Index(fields=["status"], name="imports_job_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.file_name} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE
