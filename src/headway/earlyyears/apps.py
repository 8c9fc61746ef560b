from django.apps import AppConfig


class EarlyYearsConfig(AppConfig):
    name = "headway.earlyyears"
    label = "earlyyears"
    verbose_name = "Early years settings"
