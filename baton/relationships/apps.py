from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "baton.relationships"
    label = "relationships"
    verbose_name = "Client relationships"

    def ready(self) -> None:
        # Sweeps (cadence, weekly drafts, health snapshots, escalation rules), the `open_escalation` automation
        # action and the event subscribers (a new client gets its protocol and onboarding plan).
        from baton.relationships import automation, subscribers  # noqa: F401
