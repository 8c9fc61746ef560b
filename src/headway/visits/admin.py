from django.contrib import admin

from headway.visits.models import AcademicYear, Circumstance, HalfTerm, OfficerCapacity, Visit


class HalfTermInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HalfTerm
    extra = 0
    fields = ("number", "name", "starts_on", "ends_on")


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An LA's term dates: edit the six half-terms (the default English calendar until changed)."""

    list_display = ("local_authority", "__str__")
    list_filter = ("local_authority",)
    inlines = [HalfTermInline]


@admin.register(OfficerCapacity)
class OfficerCapacityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("officer", "half_term", "available_days")
    list_filter = ("half_term__academic_year",)


@admin.register(Circumstance)
class CircumstanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("establishment", "kind", "starts_on", "ends_on", "recorded_by")
    list_filter = ("kind",)
    raw_id_fields = ("establishment",)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only here: visits are moved, added and cancelled through Headway's pages (with reasons, audited)."""

    list_display = ("establishment", "planned_on", "purpose", "officer", "status", "category")
    list_filter = ("status", "academic_year")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
