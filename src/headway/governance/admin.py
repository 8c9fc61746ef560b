"""Read-only admin views of boards and appointments: appointments change only through the GIAS import, the
LA's records only through the services (the pages), which check the rules and write the audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from headway.governance.models import Appointment, Board


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Board)
class BoardAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "uid", "companies_house_number")
    search_fields = ("establishment__name", "establishment__urn", "uid", "group__name")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ("gid", "name", "role", "appointed_on", "term_ends_on", "no_longer_listed_on")
    search_fields = ("gid", "surname", "forename_1")
