"""Demo data for missing time and process approvals: reminders switched on at 80 % (the sweep sends them on the
worker's schedule), and one pending change request: the operations manager's proposed rename of a rule, waiting for
the owner under Pending approval. The workspace's approval setting is left off afterwards, so the demo's other
logins edit as before."""

from __future__ import annotations

import random

from baton.automation.models import Rule
from baton.core.access import Actor
from baton.core.changes import apply_or_request
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.people.models import Person
from baton.resourcing.selectors import settings_for
from baton.resourcing.services import settings_update


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    current = settings_for(workspace)
    settings_update(
        actor=actor,
        version=current.version if current.pk else None,
        missing_time_reminders=True,
        missing_time_threshold_pct=80,
    )
    ops = Person.objects.filter(workspace=workspace, membership__role="admin").order_by("pk").first()
    rule = Rule.objects.filter(workspace=workspace).order_by("pk").first()
    if ops is None or rule is None:
        return
    proposer = Actor.for_membership(ops.membership)
    proposer.workspace.process_changes_need_approval = True
    try:
        apply_or_request(
            actor=proposer,
            kind="automation_rule",
            action="update",
            target=rule,
            payload={"name": f"{rule.name} (reviewed)", "version": rule.version},
        )
    finally:
        proposer.workspace.process_changes_need_approval = False
