"""Read-only admin views of providers and commissions: they change only through the services (the pages),
which check the rules and write the audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from headway.support.models import Commission, Provider


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "local_authority", "home_school", "capacity_days_per_term", "day_rate", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)


@admin.register(Commission)
class CommissionAdmin(ReadOnlyAdmin):
    list_display = ("establishment", "provider", "need", "days", "cost", "paid_by", "starts_on", "status")
    list_filter = ("status", "paid_by")
