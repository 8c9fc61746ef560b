from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "headway.home"
    label = "home"
    verbose_name = "Home pages"
