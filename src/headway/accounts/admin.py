from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from headway.accounts.models import AuditEvent, User


@admin.register(User)
class HeadwayUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*UserAdmin.fieldsets, ("Headway", {"fields": ("job_title", "role", "local_authority", "schools")}))  # type: ignore[misc]
    list_display = ("username", "get_full_name", "role", "local_authority", "is_active")
    list_filter = ("role", "local_authority", "is_active")
    filter_horizontal = ("schools", "groups", "user_permissions")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the audit trail can be searched but never changed or deleted."""

    list_display = ("occurred_at", "actor_name", "verb", "target_type", "target_label")
    list_filter = ("verb", "target_type")
    search_fields = ("actor_name", "target_label", "target_id", "reason")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
