from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "headway.concerns"
    label = "concerns"
    verbose_name = "Schools causing concern"
