from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "headway.imports"
    label = "imports"
    verbose_name = "Data imports"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from headway.imports.sqlite_wal import use_wal

        connection_created.connect(use_wal, dispatch_uid="headway-sqlite-wal")
