"""Who a rule means by `to`: person ids, roles, or people found from the event (actor, client_am, assignee,
project_manager); `send_email` also takes plain addresses. Reads go through the owning apps' selectors, acting as
Baton itself in the event's workspace. `resolve_recipients` is core's recipient resolver (`ActionContext.recipients`),
so the actions other apps register name people the same way."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404

from baton.core.access import Actor
from baton.core.models import Role, Workspace
from baton.core.registry import register_recipient_resolver
from baton.crm.selectors import client_get
from baton.delivery.selectors import project_get, task_get
from baton.people.models import Person

FROM_EVENT = {
    "actor": "whoever caused the event",
    "client_am": "the account manager of the event's client",
    "assignee": "the assignee of the event's task",
    "project_manager": "the manager of the event's project",
}
ROLES = tuple(r.value for r in Role)


def spec_list(value: Any) -> list[Any]:
    """`"admin, 12"` / `12` / `["admin", 12]` -> a list of single specs."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [v.strip() if isinstance(v, str) else v for v in value if v not in (None, "")]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [value]


def _person_id(spec: Any) -> int | None:
    if isinstance(spec, bool):
        return None
    if isinstance(spec, int):
        return spec
    if isinstance(spec, str) and spec.isdigit() and len(spec) < 18:
        return int(spec)
    return None


def _role(spec: Any) -> str | None:
    if not isinstance(spec, str):
        return None
    name = spec.removeprefix("role:")
    return name if name in ROLES else None


def _is_email(spec: Any) -> bool:
    if not isinstance(spec, str) or "@" not in spec:
        return False
    try:
        validate_email(spec)
    except ValidationError:
        return False
    return True


def spec_error(workspace: Workspace, value: Any, *, allow_emails: bool = False, single: bool = False) -> str | None:
    """Why a recipients parameter cannot work, or None."""
    specs = spec_list(value)
    if not specs:
        return "Name at least one recipient."
    if single and len(specs) > 1:
        return "Name one person."
    ids = []
    for spec in specs:
        pid = _person_id(spec)
        if pid is not None:
            ids.append(pid)
        elif spec in FROM_EVENT or _role(spec) or (allow_emails and _is_email(spec)):
            continue
        else:
            allowed = ", ".join(
                [*FROM_EVENT, "a role", "a person id"] + (["an e-mail address"] if allow_emails else [])
            )
            return f"Unknown recipient “{spec}”: use {allowed}."
    if ids:
        found = set(Person.objects.filter(workspace=workspace, pk__in=ids).values_list("id", flat=True))
        missing = [str(i) for i in ids if i not in found]
        if missing:
            return f"No such person in this workspace: {', '.join(missing)}."
    return None


def _from_event(workspace: Workspace, document: dict[str, Any], spec: str) -> int | None:
    system = Actor.system(workspace)
    try:
        if spec == "actor":
            return document.get("actor_id")
        if spec == "client_am" and document.get("client_id"):
            return client_get(actor=system, client_id=int(document["client_id"])).account_manager_id
        if spec == "assignee" and document.get("target_type") == "task":
            return task_get(actor=system, task_id=int(document["target_id"])).assignee_id
        if spec == "project_manager":
            data = document.get("data") or {}
            project_id = document["target_id"] if document.get("target_type") == "project" else data.get("project_id")
            if project_id:
                return project_get(actor=system, project_id=int(project_id)).project_manager_id
    except (Http404, TypeError, ValueError):
        return None
    return None


@register_recipient_resolver
def resolve_recipients(workspace: Workspace, document: dict[str, Any], value: Any) -> tuple[list[Person], list[str]]:
    """The active people (in order, without repeats) and the plain e-mail addresses a recipients value names."""
    ids: list[int] = []
    roles: list[str] = []
    emails: list[str] = []
    for spec in spec_list(value):
        pid = _person_id(spec)
        if pid is None and isinstance(spec, str) and spec in FROM_EVENT:
            pid = _from_event(workspace, document, spec)
        if pid is not None:
            ids.append(pid)
        elif role := _role(spec):
            roles.append(role)
        elif _is_email(spec):
            emails.append(str(spec).lower())
    people = Person.objects.filter(workspace=workspace, active=True, membership__is_active=True)
    found = {p.id: p for p in people.filter(pk__in=ids)}
    result = [found[i] for i in dict.fromkeys(ids) if i in found]
    if roles:
        for person in people.filter(membership__role__in=roles).order_by("name", "id"):
            if person.id not in {p.id for p in result}:
                result.append(person)
    return result, list(dict.fromkeys(emails))
