"""What relationships plugs into the apps below it at start-up (they never import it): the account-transition
handoff's next steps from the latest touchpoint, and the portfolio reader crm asks."""

from __future__ import annotations

from datetime import UTC, datetime

from baton.core.access import Actor
from baton.crm import services as crm_services
from baton.handoffs.prefill import prefill
from baton.relationships import services
from baton.relationships.models import RelationshipsSettings


def _touchpoint(personas, when: datetime, steps: list[str]):
    am = personas["am"]
    return services.touchpoint_log(
        actor=am.actor,
        client=personas.client_a,
        kind="call",
        summary="Weekly call",
        occurred_at=when,
        next_steps=[{"description": s, "owner_id": am.person.id, "due_on": "2030-01-01"} for s in steps],
    )


def test_account_transition_prefill_names_the_latest_touchpoints_open_next_steps(personas):
    _touchpoint(personas, datetime(2026, 3, 2, 10, tzinfo=UTC), ["Old step"])
    _touchpoint(personas, datetime(2026, 3, 9, 10, tzinfo=UTC), ["Send the plan", "Book the workshop"])
    fields = prefill(kind="account_transition", client=personas.client_a, project=None, task=None)
    assert "From the last call (Mar 9, 2026): Send the plan" in fields["next_steps"]
    assert "From the last call (Mar 9, 2026): Book the workshop" in fields["next_steps"]
    assert "Old step" not in fields["next_steps"]


def test_crm_reads_the_portfolio_mode_relationships_keeps(personas):
    reader = crm_services.portfolio_mode_reader
    assert reader(personas.workspace) is None  # nothing chosen yet: a full portfolio warns
    RelationshipsSettings.objects.create(workspace=personas.workspace, portfolio_mode="refuse")
    assert crm_services.portfolio_mode_reader(Actor.system(personas.workspace).workspace) == "refuse"
