from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "headway.visits"
    label = "visits"
    verbose_name = "Visits and notes of visit"
