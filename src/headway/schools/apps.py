from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "headway.schools"
    label = "schools"
    verbose_name = "School register"
