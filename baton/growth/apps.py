from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "baton.growth"
    label = "growth"
    verbose_name = "Account-manager growth"

    def ready(self) -> None:
        # Registers the event subscribers (evidence from events, project reviews when a project is done).
        from baton.growth import subscribers  # noqa: F401
