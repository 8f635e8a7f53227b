from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "baton.knowledge"
    label = "knowledge"
    verbose_name = "Client knowledge"

    def ready(self) -> None:
        # Registers the event subscribers (task started -> brief link, search index upkeep).
        from baton.delivery.views import TASK_PAGE_BLOCKS
        from baton.knowledge import subscribers  # noqa: F401
        from baton.knowledge.views import discussion

        if discussion not in TASK_PAGE_BLOCKS:
            TASK_PAGE_BLOCKS.append(discussion)  # the task page shows its comments and attachments
