from django.urls import path

from headway.visits import plan_views, views

app_name = "visits"

urlpatterns = [
    path("", views.my_schools, name="my_schools"),
    path("download.<str:file_format>", views.my_schools_download, name="my_schools_download"),
    path("plan/", plan_views.plan, name="plan"),
    path("link-officers/", plan_views.link_officer_list, name="link_officers"),
    path("link-officers/schools/<int:urn>/", plan_views.link_officer_school, name="link_officer_school"),
    path("link-officers/areas/<int:area_id>/", plan_views.link_officer_area, name="link_officer_area"),
    path("capacity/", views.capacity, name="capacity"),
    path("calendar/", views.calendar_edit, name="calendar"),
    path("schools/<int:urn>/", views.school_visits, name="school_visits"),
    path("schools/<int:urn>/add/", views.visit_add, name="visit_add"),
    path("schools/<int:urn>/circumstances/<int:pk>/end/", views.circumstance_end, name="circumstance_end"),
    path("<int:pk>/change/", views.visit_change, name="visit_change"),
    # notes: see note_views
]
