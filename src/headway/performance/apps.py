from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "headway.performance"
    label = "performance"
    verbose_name = "Performance data and benchmarks"
