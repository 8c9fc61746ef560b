from django.urls import path

from headway.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.dashboard_index, name="index"),
    path("la/<str:la_code>/<int:year>/", views.la_dashboard_page, name="la_dashboard"),
]
