from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "baton.automation"
    label = "automation"
    verbose_name = "Automations, notifications and webhooks"

    def ready(self) -> None:
        # The built-in action types, field setters and sweeps register themselves; the event subscriber hands every
        # committed event that something listens to over to the worker.
        from baton.automation import actions, subscribers, sweeps  # noqa: F401
