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
        return f"{self.kind} import of {self.file_name} at {self.started_at:%Y-%m-%d %H:%M}"
