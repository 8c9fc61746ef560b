"""Read-only admin views of the CPD offer: it changes only through the services (the pages), which check the
rules and write the audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from headway.cpd.models import Booking, Course, Evaluation


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "runs_on", "venue", "places", "cost", "local_authority")
    list_filter = ("kind", "local_authority")
    search_fields = ("title",)


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("attendee_name", "establishment", "course", "status", "attendance", "price")
    list_filter = ("status", "attendance")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("booking", "rating", "submitted_at")
