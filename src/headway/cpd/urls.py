from django.urls import path

from headway.cpd import views

app_name = "cpd"
urlpatterns = [
    path("", views.offer, name="offer"),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:course_id>/", views.course, name="course"),
    path("courses/<int:course_id>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:course_id>/book/", views.book, name="book"),
    path("courses/<int:course_id>/attendance/", views.attendance, name="attendance"),
    path("bookings/<int:booking_id>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:booking_id>/evaluate/", views.evaluate, name="evaluate"),
    path("schools/<int:urn>/", views.school, name="school"),
    path("demand/", views.demand, name="demand"),
    path("uptake/", views.uptake, name="uptake"),
    path("evaluations/", views.evaluations, name="evaluations"),
]
