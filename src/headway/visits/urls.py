from django.urls import path

from headway.visits import views

app_name = "visits"

urlpatterns = [
    path("", views.my_schools, name="my_schools"),
    path("download.<str:file_format>", views.my_schools_download, name="my_schools_download"),
    path("capacity/", views.capacity, name="capacity"),
    path("calendar/", views.calendar_edit, name="calendar"),
    path("schools/<int:urn>/", views.school_visits, name="school_visits"),
    path("schools/<int:urn>/add/", views.visit_add, name="visit_add"),
    path("schools/<int:urn>/circumstances/<int:pk>/end/", views.circumstance_end, name="circumstance_end"),
    path("<int:pk>/change/", views.visit_change, name="visit_change"),
    # notes: see note_views
]
