"""Demo data for automation: a few useful rules, a switched-off example webhook, and unread notifications for the
demo logins (so the bell has something to show). Everything goes through the services."""

from __future__ import annotations

import random

from baton.automation.services import notify, rule_create, url_for_event, webhook_create
from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.crm.models import Client
from baton.people.models import Person

DEMO_RULES = [
    {
        "name": "Tell the account manager when a task is done",
        "trigger": "task.status_changed",
        "conditions": [{"field": "data.to", "op": "eq", "value": "done"}],
        "actions": [
            {"type": "notify", "params": {"to": "client_am", "title": "{target_label} is done ({actor_name})"}}
        ],
    },
    {
        "name": "Budget alerts to finance and the project manager",
        "trigger": "budget.threshold_crossed",
        "conditions": [{"field": "data.threshold", "op": "gte", "value": 80}],
        "actions": [
            {
                "type": "notify",
                "params": {
                    "to": "finance, project_manager",
                    "title": "Budget alert: {target_label}",
                },
            }
        ],
    },
    {
        "name": "Chase overdue tasks",
        "trigger": "task.overdue",
        "conditions": [{"field": "data.assignee_id", "op": "ne", "value": None}],
        "actions": [
            {
                "type": "notify",
                "params": {
                    "to": "assignee, project_manager",
                    "title": "{target_label} is {data.days_overdue} days late",
                },
            }
        ],
    },
    {
        "name": "Blocked tasks go to the project manager",
        "trigger": "task.status_changed",
        "conditions": [{"field": "data.to", "op": "eq", "value": "blocked"}],
        "actions": [{"type": "notify", "params": {"to": "project_manager", "title": "Blocked: {target_label}"}}],
    },
]


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    for rule in DEMO_RULES:
        rule_create(actor=actor, **rule)  # type: ignore[arg-type]
    webhook_create(
        actor=actor,
        url="https://hooks.example.com/baton",
        events=["deal.won", "task.status_changed", "budget.threshold_crossed"],
        description="Example: post to your chat or CRM (switched off; point it at your receiver)",
        active=False,
    )
    # A handful of unread notifications from the latest activity for the leadership and AM logins.
    recent = list(
        Event.objects.filter(
            workspace=workspace, verb__in=["task.status_changed", "client.created", "task.created"]
        ).order_by("-id")[:12]
    )
    logins = Person.objects.filter(workspace=workspace, email__startswith="owner@") | Person.objects.filter(
        workspace=workspace, email__regex=r"^(ops|am|pm)@"
    )
    for person in logins:
        for event in rng.sample(recent, k=min(4, len(recent))):
            notify(
                workspace=workspace,
                recipients=[person],
                verb=event.verb,
                title=f"{event.actor_name or 'Baton'}: {event.verb.replace('_', ' ')} — {event.target_label}"[:300],
                url=url_for_event(event),
                event=event,
                source="demo",
            )
