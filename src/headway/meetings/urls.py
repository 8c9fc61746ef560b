from django.urls import path

from headway.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_types, name="index"),
    path("types/<slug:type_name>/", views.type_meetings, name="type"),
    path("<int:meeting_id>/", views.meeting_page, name="meeting"),
    path("<int:meeting_id>/actions/<int:action_id>/", views.action_close, name="action_close"),
]
