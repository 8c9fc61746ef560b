"""Users, their roles, and the audit trail every decision is written to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    LA_ADMIN = "la_admin", "LA administrator"
    LA_OFFICER = "la_officer", "LA officer"
    SCHOOL_USER = "school_user", "School user (headteacher or chair of governors)"
    BOARD_MEMBER = "board_member", "Board member (read-only summaries)"


class User(AbstractUser):
    """A person who signs in. What they may see follows from ``role`` (see ``permissions.py``)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LA_OFFICER)
    local_authority = models.ForeignKey(
        "schools.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="The authority whose schools LA staff and board members work with.",
    )
    schools = models.ManyToManyField(
        "schools.Establishment",
        blank=True,
        related_name="school_users",
        help_text="For school users: the schools this account may see.",
    )

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username


class AuditEvent(models.Model):
    """One thing someone did: who, when, to which record, before and after, and why.

    Rows are only ever added, through ``headway.accounts.audit.record``; they cannot be changed or deleted
    through the app.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, help_text="Username, or the command that acted.")
    verb = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=100, db_index=True)
    target_id = models.CharField(max_length=64, db_index=True)
    target_label = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")
