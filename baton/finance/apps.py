from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "baton.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        # Registers the event subscribers (a project going active freezes its scope baseline) and the periodic
        # `budget_thresholds` sweep.
        from baton.finance import subscribers, sweeps  # noqa: F401
