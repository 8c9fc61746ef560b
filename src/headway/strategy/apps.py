from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "headway.strategy"
    label = "strategy"
    verbose_name = "Strategy and key performance indicators"
