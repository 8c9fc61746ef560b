from django.urls import path

from headway.strategy import views

app_name = "strategy"
urlpatterns = [
    path("kpis/", views.kpi_list, name="kpis"),
    path("kpis/<str:la_code>/<int:year>/", views.kpi_table_page, name="kpi_table"),
    path("kpis/<str:la_code>/<int:year>.xlsx", views.kpi_table_xlsx, name="kpi_table_xlsx"),
    path("kpis/<str:la_code>/<int:year>.csv", views.kpi_table_csv, name="kpi_table_csv"),
    path(
        "kpis/<str:la_code>/<int:year>/indicators/<int:indicator_id>/actual/",
        views.local_actual_page,
        name="local_actual",
    ),
]
