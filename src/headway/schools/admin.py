from django.contrib import admin

from headway.schools.models import Area, Establishment, EstablishmentLink, Group, GroupMembership, LocalAuthority


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "region")
    search_fields = ("code", "name")


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "local_authority")
    list_filter = ("kind", "local_authority")


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("urn", "name", "local_authority", "phase", "type_name", "status", "area")
    list_filter = ("governance", "phase", "status", "local_authority")
    search_fields = ("urn", "name", "town", "postcode")
    autocomplete_fields = ("area",)
    readonly_fields = ("urn", "register_source")


admin.site.register(Group)
admin.site.register(GroupMembership)
admin.site.register(EstablishmentLink)
AreaAdmin.search_fields = ("name",)
