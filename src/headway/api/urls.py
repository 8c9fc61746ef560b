"""``/api/v1/``: URL names are ``api:<resource>-list`` and ``api:<resource>-detail``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from headway.api import views

app_name = "api"


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other URL under /api/ (a school's URN that is not a number, a misspelt endpoint): 404 in JSON, as the
    endpoints answer, not the pages' HTML."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/schools/", views.SchoolList.as_view(), name="schools-list"),
    path("v1/schools/<int:urn>/", views.SchoolDetail.as_view(), name="schools-detail"),
    path("v1/schools/<int:urn>/standing/", views.StandingDetail.as_view(), name="standing-detail"),
    path("v1/standing/", views.StandingList.as_view(), name="standing-list"),
    path("v1/inspections/", views.InspectionList.as_view(), name="inspections-list"),
    path("v1/measures/", views.MeasureList.as_view(), name="measures-list"),
    path("v1/results/", views.ResultList.as_view(), name="results-list"),
    path("v1/authorities/<str:la_code>/figures/<int:year>/", views.LaFigureList.as_view(), name="la-figures-list"),
    path("v1/categories/", views.CategoryList.as_view(), name="categories-list"),
    path("v1/categorisation-rounds/", views.RoundList.as_view(), name="categorisation-rounds-list"),
    path("v1/categorisation-rounds/<int:pk>/", views.RoundDetail.as_view(), name="categorisation-rounds-detail"),
    path(
        "v1/categorisation-rounds/<int:pk>/proposals/",
        views.ProposalList.as_view(),
        name="categorisation-proposals-list",
    ),
    path("v1/visits/", views.VisitList.as_view(), name="visits-list"),
    path("v1/concerns/", views.ConcernList.as_view(), name="concerns-list"),
    path("v1/kpis/", views.KpiTableList.as_view(), name="kpi-tables-list"),
    path("v1/kpis/<str:la_code>/<int:year>/", views.KpiRowList.as_view(), name="kpi-tables-detail"),
    re_path(r"^(?P<rest>[\s\S]*)\Z", not_found, name="not-found"),  # any character, new lines too
]
