from django.urls import path

from headway.risk import views

app_name = "risk"
urlpatterns = [
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="decide"),
    path("schools/<int:urn>/", views.school_categorisation, name="school"),
]
