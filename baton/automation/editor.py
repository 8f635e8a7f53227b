"""The rule editor's state: condition and action rows read from a POST (`conditions-0-field`, `actions-1-type`,
`actions-1-param-to`, ...), turned into the service's payload, and the service's errors
(`conditions[0].op`, `actions[1].params.to`) put back on the row and field they name."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from baton.automation.actions import parse_value
from baton.automation.models import Rule
from baton.core.conditions import OPS
from baton.core.registry import Param, action_types, get_action

MAX_ROWS = 20
KNOWN_TRIGGERS = [
    "task.status_changed",
    "task.created",
    "task.assigned",
    "task.overdue",
    "milestone.completed",
    "milestone.overdue",
    "project.created",
    "project.status_changed",
    "client.created",
    "client.status_changed",
    "client.am_changed",
    "client.health_changed",
    "deal.won",
    "budget.threshold_crossed",
    "handoff.overdue",
    "cadence.overdue",
    "time_entry.created",
    "comment.created",
    "change_order.submitted",
    "invoice.overdue",
]
FIELD_SUGGESTIONS = [
    "data.to",
    "data.from",
    "data.project_id",
    "data.threshold",
    "data.status",
    "data.assignee_id",
    "data.mentioned_ids",
    "target_type",
    "target_id",
    "target_label",
    "client_id",
    "actor_id",
]


@dataclass
class ConditionRow:
    field: str = ""
    op: str = "eq"
    value: str = ""
    errors: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass
class ParamRow:
    param: Param
    value: str = ""
    error: str = ""


@dataclass
class ActionRow:
    type: str = "notify"
    params: list[ParamRow] = dataclasses.field(default_factory=list)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def known(self) -> bool:
        return get_action(self.type) is not None


@dataclass
class EditorState:
    name: str = ""
    trigger: str = ""
    active: bool = True
    conditions: list[ConditionRow] = dataclasses.field(default_factory=list)
    actions: list[ActionRow] = dataclasses.field(default_factory=list)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)  # name, trigger, conditions, actions
    general: list[str] = dataclasses.field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or self.general
            or any(r.errors for r in self.conditions)
            or any(a.errors or any(p.error for p in a.params) for a in self.actions)
        )


def value_text(value: Any) -> str:
    """A stored value as the editor shows it: lists comma-separated, JSON literals as JSON, text as text."""
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value)


def condition_value(op: str, text: str) -> Any:
    """Editor text to the value the service stores, by operator."""
    text = (text or "").strip()
    if op == "exists":
        return text.lower() not in ("false", "no", "0")
    if op in ("in", "not_in"):
        if text.startswith("["):
            parsed = parse_value(text)
            return parsed if isinstance(parsed, list) else [parsed]
        return [parse_value(part) for part in (p.strip() for p in text.split(",")) if part]
    return parse_value(text)


def param_rows(action_type: str, values: dict[str, Any]) -> list[ParamRow]:
    spec = get_action(action_type)
    if spec is None:
        return []
    return [ParamRow(p, value_text(values.get(p.name))) for p in spec.params]


def from_rule(rule: Rule | None) -> EditorState:
    if rule is None:
        return EditorState(conditions=[], actions=[ActionRow("notify", param_rows("notify", {}))])
    return EditorState(
        name=rule.name,
        trigger=rule.trigger,
        active=rule.active,
        conditions=[
            ConditionRow(str(c.get("field", "")), str(c.get("op", "eq")), value_text(c.get("value")))
            for c in rule.conditions
        ],
        actions=[
            ActionRow(str(a.get("type", "")), param_rows(str(a.get("type", "")), a.get("params") or {}))
            for a in rule.actions
        ],
    )


def _count(post: QueryDict, prefix: str) -> int:
    indexes = {int(m.group(1)) for key in post for m in [re.match(rf"{prefix}-(\d+)-", key)] if m}
    return min(max(indexes) + 1 if indexes else 0, MAX_ROWS)


def from_post(post: QueryDict) -> EditorState:
    state = EditorState(
        name=post.get("name", "").strip(),
        trigger=post.get("trigger", "").strip(),
        active=post.get("active") in ("on", "true", "1"),
    )
    for i in range(_count(post, "conditions")):
        if f"conditions-{i}-field" not in post:
            continue
        state.conditions.append(
            ConditionRow(
                post.get(f"conditions-{i}-field", "").strip(),
                post.get(f"conditions-{i}-op", "eq"),
                post.get(f"conditions-{i}-value", ""),
            )
        )
    for i in range(_count(post, "actions")):
        if f"actions-{i}-type" not in post:
            continue
        kind = post.get(f"actions-{i}-type", "")
        values = {
            key.removeprefix(f"actions-{i}-param-"): post.get(key, "")
            for key in post
            if key.startswith(f"actions-{i}-param-")
        }
        state.actions.append(ActionRow(kind, param_rows(kind, values)))
    return state


def apply_op(state: EditorState, op: str) -> None:
    """The editor's row buttons: add or remove a condition or an action."""
    if op == "add_condition" and len(state.conditions) < MAX_ROWS:
        state.conditions.append(ConditionRow())
    elif op == "add_action" and len(state.actions) < MAX_ROWS:
        state.actions.append(ActionRow("notify", param_rows("notify", {})))
    elif (m := re.fullmatch(r"remove_(condition|action)-(\d+)", op or "")) is not None:
        rows: list[Any] = state.conditions if m.group(1) == "condition" else state.actions
        index = int(m.group(2))
        if index < len(rows):
            rows.pop(index)


def payload(state: EditorState) -> dict[str, Any]:
    """The service's arguments: name, trigger, active, conditions [{field, op, value}], actions [{type, params}]."""
    conditions = [
        {"field": row.field, "op": row.op, "value": condition_value(row.op, row.value)} for row in state.conditions
    ]
    actions = []
    for row in state.actions:
        params: dict[str, Any] = {}
        for p in row.params:
            text = p.value.strip()
            if text == "":
                continue
            if p.param.kind in ("int", "webhook") and text.lstrip("-").isdigit():
                params[p.param.name] = int(text)
            elif p.param.kind == "json":
                params[p.param.name] = parse_value(text)
            else:
                params[p.param.name] = text
        actions.append({"type": row.type, "params": params})
    return {
        "name": state.name,
        "trigger": state.trigger,
        "active": state.active,
        "conditions": conditions,
        "actions": actions,
    }


_KEY = re.compile(r"^(conditions|actions)\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?$")


def apply_errors(state: EditorState, errors: dict[str, list[str]]) -> None:
    """Put each service error on its row and field; what names no row goes on top of the form."""
    for key, messages in errors.items():
        message = " ".join(messages)
        if key in ("name", "trigger", "conditions", "actions", "active"):
            state.errors[key] = message
            continue
        m = _KEY.match(key)
        if m is None:
            state.general.append(message if key == "__all__" else f"{key}: {message}")
            continue
        kind, index, part, sub = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        if kind == "conditions" and index < len(state.conditions):
            state.conditions[index].errors[part or "row"] = message
        elif kind == "actions" and index < len(state.actions):
            row = state.actions[index]
            if part == "params" and sub:
                for p in row.params:
                    if p.param.name == sub:
                        p.error = message
                        break
                else:
                    row.errors["params"] = f"{sub}: {message}"
            else:
                row.errors[part or "row"] = message
        else:
            state.general.append(f"{key}: {message}")


def choices() -> dict[str, Any]:
    """What the editor's pickers offer."""
    return {
        "ops": list(OPS.items()),
        "action_choices": sorted(((a.type, a.label) for a in action_types().values()), key=lambda c: c[1]),
        "field_suggestions": FIELD_SUGGESTIONS,
    }
