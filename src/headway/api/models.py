"""API tokens: a user's named, revocable keys for the read API. Only a hash of each key is kept; the key itself
is shown once, when the token is created."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One named key of one user ("Power BI on my laptop"). Revoked, never deleted, so the audit trail and the
    tokens page still say what it was."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, in the user's words.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, in hex.")
    prefix = models.CharField(max_length=12, help_text="The key's first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"API token “{self.name}” of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
