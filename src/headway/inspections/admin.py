from django.contrib import admin

from headway.inspections.models import Inspection, Judgement


class JudgementInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Judgement
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("establishment", "start_date", "framework", "overall_effectiveness", "source")
    list_filter = ("framework", "source", "overall_effectiveness")
    search_fields = ("establishment__name", "establishment__urn")
    raw_id_fields = ("establishment",)
    inlines = (JudgementInline,)
