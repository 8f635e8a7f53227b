from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "baton.relationships"
    label = "relationships"
    verbose_name = "Client relationships"

    def ready(self) -> None:
        # Sweeps (cadence, weekly drafts, health snapshots, escalation rules), the `open_escalation` automation
        # action and the event subscribers (a new client gets its protocol and onboarding plan).
        from baton.crm.services import set_portfolio_mode_reader
        from baton.handoffs.prefill import register_next_step_source
        from baton.relationships import automation, subscribers  # noqa: F401
        from baton.relationships.selectors import portfolio_mode, touchpoint_next_steps

        set_portfolio_mode_reader(portfolio_mode)  # a full portfolio warns or refuses as the workspace chose
        register_next_step_source(touchpoint_next_steps)  # an account transition's prefill names them
