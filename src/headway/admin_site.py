"""Headway's admin site: Django's, with every registered model's changes written to the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import Model


class HeadwayAdminSite(admin.AdminSite):
    """Wraps every ``ModelAdmin`` registered here in ``AuditedModelAdmin``."""

    site_header = "Headway administration"
    site_title = "Headway administration"

    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        from headway.accounts.admin_audit import AuditedModelAdmin

        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditedModelAdmin):
            base = type(f"Audited{base.__name__}", (AuditedModelAdmin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)


class HeadwayAdminConfig(AdminConfig):
    default_site = "headway.admin_site.HeadwayAdminSite"
