from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "headway.imports"
    label = "imports"
    verbose_name = "Data imports"
