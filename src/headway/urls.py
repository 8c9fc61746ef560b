from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("headway.home.urls")),
    path("schools/", include("headway.schools.urls")),
    path("accounts/api-tokens/", include("headway.api.token_urls")),
    path("accounts/", include("headway.accounts.urls")),
    path("api/", include("headway.api.urls")),
    path("imports/", include("headway.imports.urls")),
    path("strategy/", include("headway.strategy.urls")),
    path("performance/", include("headway.performance.urls")),
    path("risk/", include("headway.risk.urls")),
    path("inspections/", include("headway.inspections.urls")),
    path("early-years/", include("headway.earlyyears.urls")),
    path("visits/", include("headway.visits.urls")),
    path("notes/", include("headway.visits.note_urls")),
    path("concerns/", include("headway.concerns.urls")),
    path("support/", include("headway.support.urls")),
    path("partnerships/", include("headway.support.partnership_urls")),
    path("cpd/", include("headway.cpd.urls")),
    path("governance/", include("headway.governance.urls")),
    path("meetings/", include("headway.meetings.urls")),
    path("admin/", admin.site.urls),
]
