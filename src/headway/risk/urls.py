from django.urls import path

from headway.risk import training_views, views

app_name = "risk"
urlpatterns = [
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/start/", views.round_start, name="round_start"),
    path("rounds/started/<str:task_id>/", views.round_progress, name="round_progress"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/confirm-all/", views.round_confirm_all, name="round_confirm_all"),
    path("rounds/<int:pk>/download.<str:file_format>", views.round_download, name="round_download"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="decide"),
    path("schools/<int:urn>/", views.school_categorisation, name="school"),
    path("model/train/", training_views.training, name="training"),
    path("model/train/<str:task_id>/", training_views.training_progress, name="training_progress"),
]
