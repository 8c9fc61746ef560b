from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "headway.risk"
    label = "risk"
    verbose_name = "Risk assessment and categorisation"
