"""Read-only admin views of the schools-causing-concern records: they change only through the services
(the pages and commands), which check the rules and write the audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from headway.concerns.models import (
    ActionPlan,
    ReviewGroupDecision,
    ReviewGroupMeeting,
    SchoolCausingConcern,
    StatutoryPower,
    WarningNotice,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SchoolCausingConcern)
class SchoolCausingConcernAdmin(ReadOnlyAdmin):
    list_display = ("establishment", "designated_on", "status", "lead_officer", "removed_on")
    list_filter = ("status",)


@admin.register(ReviewGroupMeeting)
class ReviewGroupMeetingAdmin(ReadOnlyAdmin):
    list_display = ("local_authority", "held_on")


@admin.register(ReviewGroupDecision)
class ReviewGroupDecisionAdmin(ReadOnlyAdmin):
    list_display = ("establishment", "kind", "meeting", "discussed_with_head_on", "decided_by")
    list_filter = ("kind",)


@admin.register(ActionPlan)
class ActionPlanAdmin(ReadOnlyAdmin):
    list_display = ("concern", "version", "agreed_on")


@admin.register(WarningNotice)
class WarningNoticeAdmin(ReadOnlyAdmin):
    list_display = ("concern", "ground", "issued_on", "compliance_ends_on", "outcome")


@admin.register(StatutoryPower)
class StatutoryPowerAdmin(ReadOnlyAdmin):
    list_display = ("concern", "power_label", "decided_on", "starts_on", "ends_on")
