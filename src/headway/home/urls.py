from django.urls import path

from headway.home import views

urlpatterns = [
    path("", views.home, name="home"),
]
