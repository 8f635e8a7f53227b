from django.apps import AppConfig


class ResourcingConfig(AppConfig):
    name = "baton.resourcing"
    label = "resourcing"
    verbose_name = "Resourcing"

    def ready(self) -> None:
        # Registers the event subscriber that records capacity history when a person's capacity is edited.
        from baton.resourcing import subscribers  # noqa: F401
