from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "headway.governance"
    label = "governance"
    verbose_name = "Governance"
