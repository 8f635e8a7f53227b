from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "baton.knowledge"
    label = "knowledge"
    verbose_name = "Client knowledge"

    def ready(self) -> None:
        # Registers the event subscribers (task started -> brief link, search index upkeep).
        from baton.knowledge import subscribers  # noqa: F401
