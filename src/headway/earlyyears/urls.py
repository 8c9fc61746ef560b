from django.urls import path

from headway.earlyyears import views

app_name = "earlyyears"

urlpatterns = [
    path("", views.setting_list, name="list"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("visits/<int:pk>/note/", views.note_write, name="note"),
    path("<str:urn>/", views.setting_detail, name="detail"),
]
