from django.urls import path

from headway.schools import area_views, views

app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("download.<str:file_format>", views.school_list_download, name="list_download"),
    path("<int:urn>/", views.school_detail, name="detail"),
    path("<int:urn>/evidence/", views.school_evidence, name="evidence"),
    path("<int:urn>/visits-and-notes/", views.school_visits, name="visits"),
    path("<int:urn>/concern/", views.school_concern, name="concern"),
    path("<int:urn>/support/", views.school_support, name="support"),
    path("<int:urn>/history/", views.school_history, name="history"),
    path("<int:urn>/local-evidence/", views.local_evidence, name="local_evidence"),
    path("areas/", area_views.area_list, name="areas"),
    path("areas/<int:area_id>/", area_views.area_detail, name="area"),
    path("areas/<int:area_id>/officers/", area_views.area_officers, name="area_officers"),
    path("areas/officers/<int:assignment_id>/end/", area_views.area_officer_end, name="area_officer_end"),
]
