from django.urls import path

from headway.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("several-boards/", views.several_boards, name="several_boards"),
    path("schools/<int:urn>/", views.school_board, name="school"),
    path("schools/<int:urn>/instrument/", views.instrument, name="instrument"),
    path("schools/<int:urn>/vice-chair/", views.vice_chair, name="vice_chair"),
    path("schools/<int:urn>/reviews/new/", views.review, name="review"),
    path("trusts/<str:uid>/", views.trust_board, name="trust"),
    path("training/", views.training, name="training"),
    path("training/<int:session_id>/", views.session, name="session"),
    path(
        "training/<int:session_id>/attendances/<int:attendance_id>/remove/",
        views.attendance_remove,
        name="attendance_remove",
    ),
]
