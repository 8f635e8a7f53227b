from django.apps import AppConfig


class HandoffsConfig(AppConfig):
    name = "baton.handoffs"
    label = "handoffs"
    verbose_name = "Handoffs"

    def ready(self) -> None:
        # Event subscribers (AM changed, task entered a status, new workspace), notifiers, the
        # `create_handoff` rule action and the `handoffs_unconfirmed` sweep register themselves.
        from baton.handoffs import automation, subscribers  # noqa: F401
