from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "headway.performance"
    label = "performance"
    verbose_name = "Performance data and benchmarks"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from headway.imports.models import ImportRun
        from headway.performance.refresh import after_import

        post_save.connect(after_import, sender=ImportRun, dispatch_uid="performance_refresh_after_import")
