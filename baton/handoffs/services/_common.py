"""Helpers shared by the handoff services: event data, field values, people checks, the row lock."""

from __future__ import annotations

import logging
import re
from typing import Any

from baton.core import access
from baton.core.access import Actor
from baton.handoffs.models import (
    Handoff,
)
from baton.knowledge.models import Attachment
from baton.people.models import Person

# The name of the module these lived in before the split, so log records keep their logger.
logger = logging.getLogger("baton.handoffs.services")

FIELD_VALUE_MAX = 20000


def _event_data(handoff: Handoff, **extra: Any) -> dict[str, Any]:
    return {
        "kind": handoff.kind,
        "from_person_id": handoff.from_person_id,
        "to_person_id": handoff.to_person_id,
        **extra,
    }


def _clean_values(
    values: Any, spec: list[dict[str, Any]], errors: dict[str, str], *, strict: bool = True
) -> dict[str, str]:
    """Field values are text: numbers become text, lists lines; unknown keys and objects are refused by name (or,
    not `strict` — Baton's own triggers and other apps' prefills — unknown keys are dropped)."""
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        errors["fields"] = "Send the fields as an object: {key: value}."
        return {}
    keys = {f["key"] for f in spec}
    cleaned: dict[str, str] = {}
    for key, value in values.items():
        if key not in keys:
            if strict:
                errors[f"fields.{key}"] = "This handoff has no such field."
            else:
                logger.info("Dropped the unknown handoff field %r.", key)
            continue
        if value is None:
            text = ""
        elif isinstance(value, str):
            text = value
        elif isinstance(value, bool | int | float):
            text = str(value)
        elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            text = "\n".join(str(v) for v in value)
        else:
            errors[f"fields.{key}"] = "A field's value is text."
            continue
        if len(text) > FIELD_VALUE_MAX:
            errors[f"fields.{key}"] = f"At most {FIELD_VALUE_MAX} characters."
            continue
        cleaned[key] = text
    return cleaned


def _person_error(actor: Actor, person: Person | None, field: str, errors: dict[str, str]) -> None:
    if person is None:
        errors[field] = "Name a person of this workspace."
    elif person.workspace_id != actor.workspace.pk:
        errors[field] = "No such person in this workspace."
    elif person.membership.role == access.CLIENT:
        errors[field] = "A client portal user cannot own or receive a handoff."
    elif not person.active:
        errors[field] = "This person is inactive."


def _locked(handoff: Handoff) -> Handoff:
    return Handoff.objects.select_for_update().select_related("template", "from_person", "to_person").get(pk=handoff.pk)


URL_RE = re.compile(r"https?://[^\s/$.?#][^\s]*\.[^\s]+", re.IGNORECASE)
ATTACHMENT_RE = re.compile(r"\battachment:(\d+)\b", re.IGNORECASE)


def _reference_error(handoff: Handoff, key: str, value: str) -> str | None:
    """A `reference` field's value names a document: a link (http(s)://…) or a file attached in Baton
    (`attachment:<id>`, an attachment of this workspace and, when the handoff has one, of its client). A
    description of the document (“refreshed brand voice”) is not one."""
    if URL_RE.search(value):
        return None
    ids = [int(i) for i in ATTACHMENT_RE.findall(value)]
    if ids:
        found = Attachment.objects.filter(workspace_id=handoff.workspace_id, pk__in=ids)
        if handoff.client_id is not None:
            found = found.filter(client_id=handoff.client_id)
        if found.exists():
            return None
        return f"{handoff.label_of(key)}: no such attached file for this client ({', '.join(map(str, ids))})."
    shown = value if len(value) <= 60 else value[:59] + "…"
    return (
        f"{handoff.label_of(key)} must point to the document itself — a link (https://…) or an attached file "
        f"(attachment:<id>) — not a description of it (“{shown}”)."
    )


def _required_errors(handoff: Handoff) -> dict[str, str]:
    """The one check of a handoff's fields before it goes (or goes back) to the receiver: every required field
    filled, and every filled `reference` field a link or an attached file."""
    errors = {f"fields.{key}": f"{handoff.label_of(key)} is required." for key in handoff.missing_required}
    for spec in handoff.field_spec:
        key = spec.get("key")
        if spec.get("kind", "text") != "reference" or f"fields.{key}" in errors:
            continue
        value = str((handoff.fields or {}).get(key) or "").strip()
        if value:
            problem = _reference_error(handoff, key, value)
            if problem:
                errors[f"fields.{key}"] = problem
    return errors
