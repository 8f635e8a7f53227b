from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "baton.finance"
    label = "finance"
    verbose_name = "Finance"
