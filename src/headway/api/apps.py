from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "headway.api"
    label = "api"
    verbose_name = "Read API"

    def ready(self) -> None:
        from headway.api import schema  # noqa: F401  (registers the API token's security scheme)
