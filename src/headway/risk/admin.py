from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from headway.risk.models import CategorisationRound, CategorisationSetting, CategoryDecision, OfficerJudgement


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Decisions and judgements are made through Headway's pages and services (audited), never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OfficerJudgement)
class OfficerJudgementAdmin(ReadOnlyAdmin):
    list_display = ("establishment", "kind", "value", "made_on", "author")
    list_filter = ("kind",)


@admin.register(CategorisationRound)
class CategorisationRoundAdmin(ReadOnlyAdmin):
    list_display = ("local_authority", "policy_name", "policy_version", "as_of", "opened_by_name")


@admin.register(CategoryDecision)
class CategoryDecisionAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "action", "category", "decided_by", "decided_at")


admin.site.register(CategorisationSetting)
