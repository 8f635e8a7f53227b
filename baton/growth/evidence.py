"""Evidence from events: match a committed event against the workspace's evidence rules and write one Evidence per
(rule, event). Pure matching here; the writes are `services.evidence_for_event` and `services.evidence_rebuild`.

What a rule's conditions and summary template see is the automation condition document (`verb`, `actor_id`,
`client_id`, `target_label`, `data.<key>`, ...) plus `facts.<name>`: things the event data does not say but Baton can
work out, computed only for the verbs that have them (e.g. whether a change order was logged before any work).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from baton.core.conditions import MISSING, condition_errors, evaluate, event_document, resolve
from baton.core.models import Event
from baton.crm.models import Client
from baton.finance.models import ChangeOrder
from baton.timesheets.models import TimeEntry

CREDIT_FIXED = ("actor", "client_account_manager")
# Growth's own bookkeeping never produces evidence (no loops, and no rule lookup for such events).
OWN_VERB_PREFIXES = (
    "evidence.",
    "evidence_rule.",
    "assessment.",
    "development_goal.",
    "goal_action.",
    "goal_check_in.",
    "practice_session.",
    "practice_scenario.",
    "practice_rating.",
    "trait.",
    "behaviour.",
    "project_review.",
)
_CREDIT_DATA = re.compile(r"^data\.[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$")
_VERB = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")
_IDENTIFIER = re.compile(r"^[a-z]+(_[a-z]+)+$")


def _before_work(event: Event) -> bool | None:
    """A change order logged before any time was logged on the tasks it covers (none covered: before the work)."""
    order = ChangeOrder.objects.filter(pk=event.target_id, workspace_id=event.workspace_id).first()
    if order is None:
        return None
    task_ids = list(order.tasks.values_list("id", flat=True))
    if not task_ids:
        return True
    return not TimeEntry.objects.filter(task_id__in=task_ids, created_at__lt=event.occurred_at).exists()


FACTS: dict[str, dict[str, Callable[[Event], Any]]] = {
    "change_order.created": {"before_work": _before_work},
    "change_order.submitted": {"before_work": _before_work},
}
FACT_NAMES = sorted({name for facts in FACTS.values() for name in facts})


def document_for(event: Event, conditions_and_templates: list[Any]) -> dict[str, Any]:
    """The event as conditions see it; facts are computed only when something refers to them."""
    document = event_document(event)
    wanted = FACTS.get(event.verb, {})
    text = repr(conditions_and_templates)
    document["facts"] = {name: fn(event) for name, fn in wanted.items() if f"facts.{name}" in text}
    return document


def matches(conditions: list[dict[str, Any]], document: dict[str, Any]) -> bool:
    return all(r.passed for r in evaluate(conditions or [], document))


def credited_person_id(credit: str, event: Event, document: dict[str, Any]) -> int | None:
    """Whom a rule credits: the actor, a person id in the event data, or the AM of the event's client."""
    if credit == "actor":
        return event.actor_id
    if credit == "client_account_manager":
        if not event.client_id:
            return None

        return (
            Client.objects.filter(pk=event.client_id, workspace_id=event.workspace_id)
            .values_list("account_manager_id", flat=True)
            .first()
        )
    value = resolve(document, credit)
    if value is MISSING or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def render_summary(template: str, document: dict[str, Any], fallback: str) -> str:
    """`Sent a status update ({target_label})` with each `{path}` filled from the document (blank when absent)."""
    if not template:
        return fallback[:500]

    def fill(match: re.Match[str]) -> str:
        value = resolve(document, match.group(1))
        if value is MISSING or value is None:
            return ""
        if isinstance(value, str) and _IDENTIFIER.match(value):
            return value.replace("_", " ")  # strategic_review -> strategic review
        return str(value)

    text = _PLACEHOLDER.sub(fill, template).replace(".).", ".)").replace("..", ".")
    return text[:500] or fallback[:500]


def rule_errors(*, verb: Any, conditions: Any, credit: Any) -> dict[str, str]:
    """Field errors of a rule's verb, conditions and credit (keyed like `conditions[0].op`)."""
    errors: dict[str, str] = {}
    if not isinstance(verb, str) or not _VERB.match(verb):
        errors["verb"] = "Name an event verb like touchpoint.logged."
    elif verb.startswith(OWN_VERB_PREFIXES):
        errors["verb"] = "Growth's own events cannot produce evidence (no loops)."
    if not isinstance(conditions, list):
        errors["conditions"] = "Conditions are a list of {field, op, value}."
    else:
        for i, condition in enumerate(conditions):
            checked = condition
            if isinstance(condition, dict) and str(condition.get("field", "")).startswith("facts."):
                name = str(condition["field"])[len("facts.") :]
                if name not in FACT_NAMES:
                    errors[f"conditions[{i}].field"] = f"Unknown fact “{name}”; known: {', '.join(FACT_NAMES)}."
                checked = {**condition, "field": "data.fact"}
            errors |= condition_errors(checked, f"conditions[{i}]")
    if not isinstance(credit, str) or not (credit in CREDIT_FIXED or _CREDIT_DATA.match(credit)):
        errors["credit"] = "Credit “actor”, “client_account_manager” or a person id in the data (data.person_id)."
    return errors
