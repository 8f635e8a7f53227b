"""`/api/v1/clients/{id}/knowledge` and `/api/v1/clients/{id}/stakeholders` (internal: staff only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from baton.core.api_support import ERRORS, Page, actor_of, requested_version
from baton.core.schemas import InputSchema
from baton.knowledge import selectors, services
from baton.knowledge.goals import client_goals
from baton.knowledge.models import (
    ClientKnowledge,
    Stakeholder,
)

router = Router(tags=["clients"])

InfluenceName = Literal["low", "medium", "high"]
AttitudeName = Literal["champion", "supporter", "neutral", "skeptic", "blocker"]
CommentTargetName = Literal["task", "brief", "decision"]
AttachmentTargetName = Literal["client", "task", "brief", "decision"]


class Goal(InputSchema):
    goal: str = Field(..., min_length=1, max_length=500)
    kpi: str = Field("", max_length=300, description="How it is measured, e.g. 'qualified leads per month'.")
    target: str = Field("", max_length=300, description="The number or date to reach, e.g. '120 by Q3'.")


class KnowledgeIn(InputSchema):
    preferences: str = Field("", description="How they like to work: channels, formats, timing, taste.")
    sensitivities: str = Field("", description="Brand and political sensitivities: what never to do or say.")
    goals: list[Goal] = Field(
        default_factory=list,
        description="Only an empty list: a client's goals are kept in /client-goals (a non-empty list answers 422).",
    )
    version: int | None = Field(None, description="Optional: the version you read; a stale one answers 409.")


class KnowledgeOut(Schema):
    id: int = Field(description="The client's id (one record per client).")
    client_id: int
    preferences: str
    sensitivities: str
    goals: list[Goal] = Field(
        description="The client's goals from /client-goals (goal = title, kpi = metric, target), in the same order."
    )
    updated_by_id: int | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int = Field(description="0 until the record is first written.")


def _knowledge_out(record: ClientKnowledge) -> dict[str, Any]:
    saved = record.version > 0
    return {
        "id": record.client_id,
        "client_id": record.client_id,
        "preferences": record.preferences,
        "sensitivities": record.sensitivities,
        "goals": client_goals(record.client),
        "updated_by_id": record.updated_by_id,
        "created_at": record.created_at if saved else None,
        "updated_at": record.updated_at if saved else None,
        "version": record.version,
    }


@router.get("/clients/{client_id}/knowledge", response={200: KnowledgeOut, **ERRORS}, tags=["clients"])
def get_knowledge(request: HttpRequest, client_id: int) -> Any:
    """What everyone working with this client should know. Internal: staff only."""
    actor = actor_of(request)
    client = selectors.knowledge_client_get(actor=actor, client_id=client_id)
    return _knowledge_out(selectors.knowledge_get(actor=actor, client=client))


@router.put("/clients/{client_id}/knowledge", response={200: KnowledgeOut, **ERRORS}, tags=["clients"])
def put_knowledge(request: HttpRequest, client_id: int, payload: KnowledgeIn) -> Any:
    """Replace the knowledge record (owner, admin, or the client's account manager)."""
    actor = actor_of(request)
    client = selectors.knowledge_client_get(actor=actor, client_id=client_id)
    data = payload.model_dump()
    version = requested_version(request, data.pop("version", None))
    record = services.knowledge_update(actor=actor, client=client, version=version, **data)
    return _knowledge_out(record)


class StakeholderOut(Schema):
    id: int = Field(description="The contact's id.")
    contact_id: int
    client_id: int
    name: str
    email: str
    job_title: str
    is_primary: bool
    influence: InfluenceName | None = Field(description="null until assessed.")
    attitude: AttitudeName | None
    notes: str
    updated_by_id: int | None
    updated_at: datetime | None
    version: int = Field(description="0 until assessed.")


class StakeholderIn(InputSchema):
    influence: InfluenceName
    attitude: AttitudeName
    notes: str = Field("", max_length=5000)
    version: int | None = Field(None, description="Optional: the version you read; a stale one answers 409.")


def _stakeholder_out(contact: Any, profile: Stakeholder | None) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "contact_id": contact.pk,
        "client_id": contact.client_id,
        "name": contact.name,
        "email": contact.email,
        "job_title": contact.role,
        "is_primary": contact.is_primary,
        "influence": profile.influence if profile else None,
        "attitude": profile.attitude if profile else None,
        "notes": profile.notes if profile else "",
        "updated_by_id": profile.updated_by_id if profile else None,
        "updated_at": profile.updated_at if profile else None,
        "version": profile.version if profile else 0,
    }


@router.get("/clients/{client_id}/stakeholders", response={200: Page[StakeholderOut], **ERRORS}, tags=["clients"])
def list_stakeholders(request: HttpRequest, client_id: int) -> Any:
    """The stakeholder map: every contact with influence and attitude (null when not assessed), high influence
    first. Internal: staff only."""
    actor = actor_of(request)
    client = selectors.knowledge_client_get(actor=actor, client_id=client_id)
    rows = [_stakeholder_out(c, c.profile) for c in selectors.stakeholder_map(actor=actor, client=client)]  # type: ignore[attr-defined]
    return {"count": len(rows), "results": rows}


@router.put(
    "/clients/{client_id}/stakeholders/{contact_id}", response={200: StakeholderOut, **ERRORS}, tags=["clients"]
)
def put_stakeholder(request: HttpRequest, client_id: int, contact_id: int, payload: StakeholderIn) -> Any:
    actor = actor_of(request)
    client = selectors.knowledge_client_get(actor=actor, client_id=client_id)
    contact = selectors.stakeholder_contact_get(actor=actor, client=client, contact_id=contact_id)
    data = payload.model_dump()
    version = requested_version(request, data.pop("version", None))
    profile = services.stakeholder_update(actor=actor, contact=contact, version=version, **data)
    return _stakeholder_out(contact, profile)
