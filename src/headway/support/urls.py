from django.urls import path

from headway.support import views

app_name = "support"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("providers/new/", views.provider_new, name="provider_new"),
    path("providers/<int:provider_id>/", views.provider, name="provider"),
    path("providers/<int:provider_id>/edit/", views.provider_edit, name="provider_edit"),
    path("schools/<int:urn>/find/", views.find, name="find"),
    path("schools/<int:urn>/commission/", views.commission_new, name="commission_new"),
    path("commissions/", views.commissions, name="commissions"),
    path("commissions/download.<str:file_format>", views.commissions_download, name="commissions_download"),
    path("commissions/<int:commission_id>/", views.commission, name="commission"),
    path("traded/", views.traded, name="traded"),
]
