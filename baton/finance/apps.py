from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "baton.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        # Imported once the models are loaded: registering its module-level subscribers (a project going active
        # freezes its scope baseline), its periodic `budget_thresholds` sweep, and reacting in the logging transaction
        # when time lands on a project.
        from baton.core import events
        from baton.finance import subscribers, sweeps  # noqa: F401

        for verb in subscribers.LOGGED_TIME_VERBS:
            events.on_emit(verb, subscribers.check_logged_time)
