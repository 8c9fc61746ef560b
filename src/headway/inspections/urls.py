from django.urls import path

from headway.inspections import views

app_name = "inspections"

urlpatterns = [
    path("windows/", views.window_list, name="windows"),
]
