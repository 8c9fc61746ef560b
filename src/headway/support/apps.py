from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "headway.support"
    label = "support"
    verbose_name = "Support and partnerships"
