from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "baton.delivery"
    label = "delivery"

    def ready(self) -> None:
        # Registers the periodic sweeps (overdue tasks and milestones) in core's sweep framework.
        from baton.delivery import sweeps  # noqa: F401
