from django.urls import path

from headway.support import partnership_views as views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("map/", views.proposals_map, name="map"),
    path("schools/", views.schools, name="schools"),
    path("new/", views.create, name="create"),
    path("proposing/<uuid:task_id>/", views.proposing, name="proposing"),
    path("survey/<int:urn>/", views.survey, name="survey"),
    path("<int:partnership_id>/", views.partnership, name="partnership"),
    path("<int:partnership_id>/members/add/", views.member_add, name="member_add"),
    path("<int:partnership_id>/members/<str:action>/", views.member_change, name="member_change"),
    path("<int:partnership_id>/type/", views.type_change, name="type_change"),
    path("<int:partnership_id>/confirm/", views.confirm, name="confirm"),
    path("<int:partnership_id>/review/", views.review, name="review"),
]
