from django.urls import path

from headway.strategy import set_views, views

app_name = "strategy"
urlpatterns = [
    path("kpis/", views.kpi_list, name="kpis"),
    path("kpis/sets/", set_views.kpi_sets, name="kpi_sets"),
    path("kpis/sets/add/", set_views.kpi_set_add, name="kpi_set_add"),
    path("kpis/sets/<int:set_id>/", set_views.kpi_set_page, name="kpi_set"),
    path("kpis/sets/<int:set_id>.yaml", set_views.kpi_set_download, name="kpi_set_download"),
    path("kpis/sets/<int:set_id>/indicators/add/", set_views.kpi_indicator_add, name="kpi_indicator_add"),
    path("kpis/sets/<int:set_id>/indicators/<int:indicator_id>/", set_views.kpi_indicator_page, name="kpi_indicator"),
    path(
        "kpis/sets/<int:set_id>/indicators/<int:indicator_id>/remove/",
        set_views.kpi_indicator_remove,
        name="kpi_indicator_remove",
    ),
    path("kpis/<str:la_code>/<int:year>/", views.kpi_table_page, name="kpi_table"),
    path("kpis/<str:la_code>/<int:year>.xlsx", views.kpi_table_xlsx, name="kpi_table_xlsx"),
    path("kpis/<str:la_code>/<int:year>.csv", views.kpi_table_csv, name="kpi_table_csv"),
    path(
        "kpis/<str:la_code>/<int:year>/indicators/<int:indicator_id>/actual/",
        views.local_actual_page,
        name="local_actual",
    ),
]
