"""Rule conditions: `{field, op, value}` tested against an event. Pure functions, shared by the worker, the dry run
and validation, so the editor explains a match exactly as the worker decides it; in core because other apps test
events with the same language (growth's evidence rules)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from baton.core.models import Event

# Paths start with one of these; `data.` reaches into the event's data (`data.to`, `data.changes.status`).
FIELD_ROOTS = ("verb", "target_type", "target_id", "target_label", "client_id", "actor_id", "actor_name", "data")
OPS: dict[str, str] = {
    "eq": "equals",
    "ne": "does not equal",
    "in": "is one of",
    "not_in": "is none of",
    "gt": "is greater than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "contains": "contains",
    "exists": "exists",
}
LIST_OPS = frozenset({"in", "not_in"})
ORDER_OPS = frozenset({"gt", "gte", "lt", "lte"})
MISSING = object()


def event_document(event: Event) -> dict[str, Any]:
    """What conditions and templates see of an event."""
    return {
        "id": event.pk,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "client_id": event.client_id,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "occurred_at": event.occurred_at.isoformat() if event.occurred_at else None,
        "data": event.data or {},
    }


def resolve(document: dict[str, Any], path: str) -> Any:
    """`data.changes.status` -> the value, or MISSING. A numeric part indexes a list (`data.mentioned_ids.0`)."""
    value: Any = document
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def field_error(field: Any) -> str | None:
    if not isinstance(field, str) or not field.strip():
        return "Name the event field to test, e.g. data.to or client_id."
    root = field.split(".", 1)[0]
    if root not in FIELD_ROOTS or any(not p for p in field.split(".")):
        return f"Unknown field “{field}”: start with one of {', '.join(FIELD_ROOTS)} (e.g. data.to)."
    if root != "data" and "." in field:
        return f"“{root}” has no parts; only data.<key> paths go deeper."
    return None


def condition_errors(condition: Any, prefix: str) -> dict[str, str]:
    """Validation messages keyed like `conditions[0].op`."""
    if not isinstance(condition, dict):
        return {prefix: "Each condition is an object {field, op, value}."}
    errors: dict[str, str] = {}
    unknown = set(condition) - {"field", "op", "value"}
    if unknown:
        errors[prefix] = f"Unknown keys: {', '.join(sorted(unknown))} (use field, op, value)."
    message = field_error(condition.get("field"))
    if message:
        errors[f"{prefix}.field"] = message
    op = condition.get("op")
    value = condition.get("value")
    if op not in OPS:
        errors[f"{prefix}.op"] = f"Unknown operator “{op}”; use one of {', '.join(OPS)}."
    elif op in LIST_OPS and not isinstance(value, list):
        errors[f"{prefix}.value"] = f'“{op}” compares with a list of values, e.g. ["done", "in_review"].'
    elif op in ORDER_OPS and _number(value) is None and not isinstance(value, str):
        errors[f"{prefix}.value"] = f"“{op}” compares with a number or a date (YYYY-MM-DD)."
    elif op == "exists" and value not in (True, False, None):
        errors[f"{prefix}.value"] = "“exists” takes true (the field is present) or false (it is absent)."
    elif op in ("eq", "ne", "contains") and "value" not in condition:
        errors[f"{prefix}.value"] = f"“{op}” needs a value to compare with."
    return errors


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except (InvalidOperation, ValueError):
            return None
    return None


def _same(a: Any, b: Any) -> bool:
    """Equality that forgives "5" vs 5 and "10.50" vs 10.5 (event data keeps money and ids in JSON)."""
    if a == b:
        return True
    na, nb = _number(a), _number(b)
    return na is not None and nb is not None and na == nb


def _compare(a: Any, op: str, b: Any) -> bool:
    na, nb = _number(a), _number(b)
    left: Any
    right: Any
    if na is not None and nb is not None:
        left, right = na, nb
    elif isinstance(a, str) and isinstance(b, str):
        left, right = a, b  # ISO dates and datetimes order as text
    else:
        return False
    return bool({"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op])


def holds(actual: Any, op: str, expected: Any) -> bool:
    present = actual is not MISSING
    if op == "exists":
        return present == (expected is not False)
    if not present:
        return op in ("ne", "not_in")
    if op == "eq":
        return _same(actual, expected)
    if op == "ne":
        return not _same(actual, expected)
    if op == "in":
        return any(_same(actual, v) for v in expected or [])
    if op == "not_in":
        return not any(_same(actual, v) for v in expected or [])
    if op == "contains":
        if isinstance(actual, list):
            return any(_same(item, expected) for item in actual)
        if isinstance(actual, dict):
            return str(expected) in actual
        return actual is not None and str(expected).lower() in str(actual).lower()
    if op in ORDER_OPS:
        return _compare(actual, op, expected)
    return False


def _show(value: Any) -> str:
    if value is MISSING:
        return "absent"
    if isinstance(value, str):
        return f"“{value}”"
    if value is None:
        return "empty"
    return str(value).replace("'", '"')


@dataclass(frozen=True)
class ConditionResult:
    field: str
    op: str
    value: Any
    actual: Any
    passed: bool

    @property
    def explanation(self) -> str:
        """`data.to is “in_progress” — wanted: equals “done” — no`."""
        wanted = OPS.get(self.op, self.op)
        if self.op == "exists":
            wanted = "is absent" if self.value is False else "exists"
        else:
            wanted = f"{wanted} {_show(self.value)}"
        return f"{self.field} is {_show(self.actual)} — wanted: {wanted} — {'yes' if self.passed else 'no'}"


def evaluate(conditions: list[dict[str, Any]], document: dict[str, Any]) -> list[ConditionResult]:
    results = []
    for condition in conditions:
        field, op, value = condition.get("field", ""), condition.get("op", ""), condition.get("value")
        actual = resolve(document, field)
        results.append(ConditionResult(field, op, value, actual, holds(actual, op, value)))
    return results


def explain(results: list[ConditionResult]) -> tuple[bool, str]:
    """(all hold?, why): the first failing condition, or a summary when everything holds."""
    failing = [r for r in results if not r.passed]
    if failing:
        return False, failing[0].explanation
    if not results:
        return True, "No conditions: every event with this verb matches."
    return True, "; ".join(r.explanation for r in results)
