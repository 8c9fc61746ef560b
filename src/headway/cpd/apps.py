from django.apps import AppConfig


class CpdConfig(AppConfig):
    name = "headway.cpd"
    label = "cpd"
    verbose_name = "CPD offer"
