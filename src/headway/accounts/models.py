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
    job_title = models.CharField(max_length=150, blank=True, help_text="What they do, e.g. Link adviser.")

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


class NoticeKind(models.TextChoices):
    """The kinds of notice Headway sends. Each goes in the app always, and by e-mail as the user chooses."""

    NOTE_AWAITING = "note_awaiting", "A note of visit is waiting for your response"
    NOTE_SHARED = "note_shared", "A final note of visit has been shared with you"
    NOTE_RESPONSE = "note_response", "A school has responded to your note of visit"
    PLAN_REVIEW_DUE = "plan_review_due", "An action plan review is due"
    LETTER_ISSUED = "letter_issued", "A letter has been issued to your school"
    BOOKING = "booking", "A CPD place is booked, changed or cancelled"
    WEEKLY_DIGEST = "weekly_digest", "Your weekly digest"


class NoticePreference(models.Model):
    """Whether a user wants one kind of notice by e-mail. No row means yes (the default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} by e-mail {'on' if self.email else 'off'}"


class NoticeSent(models.Model):
    """A notice that must go only once (a plan review due on a date, a week's digest), recorded when it goes so
    that running the scheduled check again sends nothing more."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, help_text="What was sent, e.g. plan-review-due:12:2026-03-17.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notice_sent_once")]

    def __str__(self) -> str:
        return f"{self.key} to {self.recipient}"
