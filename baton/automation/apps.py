from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "baton.automation"
    label = "automation"
    verbose_name = "Automations, notifications and webhooks"

    def ready(self) -> None:
        # The built-in action types, field setters, the recipient resolver and the notification digest sweep register
        # themselves in core's registries; the event subscriber hands every committed event that something listens
        # to over to the worker.
        from baton.automation import actions, recipients, subscribers, sweeps  # noqa: F401
