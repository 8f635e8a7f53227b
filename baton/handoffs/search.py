"""Handoffs in search (knowledge's `register_search_source`, from handoffs' `wiring.py`): found by their title, the
context their fields carry and the confirmation note, among the handoffs `handoff_list` shows (staff all of the
workspace's; a client user none)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.handoffs.models import Handoff
from baton.handoffs.selectors import handoff_list
from baton.knowledge.search_sources import SearchDoc, SearchSource, register_search_source


def _text(value: object) -> str:
    if isinstance(value, dict):
        return "\n".join(_text(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(_text(v) for v in value)
    return str(value).strip() if value not in (None, "", True, False) else ""


def handoff_documents(handoff: Handoff) -> list[SearchDoc]:
    parts = [
        handoff.template.name if handoff.template_id else handoff.kind,
        f"{handoff.from_person.name} → {handoff.to_person.name}",
        _text(handoff.fields or {}),
        handoff.confirmation_note,
    ]
    body = "\n".join(p for p in parts if p)
    return [SearchDoc(handoff.title, body, handoff.client_id, handoff.project_id)]


def handoff_records(workspace: Workspace) -> Iterable[Handoff]:
    return Handoff.objects.filter(workspace=workspace).select_related("template", "from_person", "to_person")


def handoff_visible(actor: Actor) -> QuerySet[Handoff]:
    return handoff_list(actor=actor)


def handoff_url(actor: Actor, handoff_id: int, client_id: int | None) -> str:
    return reverse("handoffs:detail", args=[handoff_id])


register_search_source(
    SearchSource(
        kind="handoff",
        label="Handoff",
        plural="Handoffs",
        model=Handoff,
        resource="handoff",
        documents=handoff_documents,
        visible=handoff_visible,
        url=handoff_url,
        records=handoff_records,
    )
)
