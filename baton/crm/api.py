"""`/api/v1/clients` and `/api/v1/contacts`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.crm import selectors, services

router = Router(tags=["clients"])

ClientStatusName = Literal["prospect", "active", "paused", "churned"]


class ClientIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    status: ClientStatusName = "active"
    account_manager_id: int | None = None
    currency: str | None = Field(None, description="ISO 4217; defaults to the workspace's currency.")
    industry: str = ""
    website: str = ""
    notes: str = ""


class ClientPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    status: ClientStatusName | None = None
    account_manager_id: int | None = None
    currency: str | None = None
    industry: str | None = None
    website: str | None = None
    notes: str | None = None
    version: int | None = None


class ClientOut(Schema):
    id: int
    name: str
    status: str
    account_manager_id: int | None
    account_manager_name: str | None = None
    currency: str
    industry: str
    website: str
    notes: str
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_account_manager_name(obj: Any) -> str | None:
        return obj.account_manager.name if obj.account_manager_id else None

    @staticmethod
    def resolve_archived(obj: Any) -> bool:
        return obj.archived_at is not None


class ClientFilters(ListParams):
    status: ClientStatusName | None = None
    account_manager_id: int | None = None
    search: str | None = None
    archived: bool | None = Field(False, description="false (default): current clients; true: archived only.")


@router.get("/clients", response={200: Page[ClientOut], **ERRORS})
def list_clients(request: HttpRequest, filters: Query[ClientFilters]) -> Any:
    qs = selectors.client_list(
        actor=actor_of(request),
        status=filters.status,
        account_manager_id=filters.account_manager_id,
        search=filters.search,
        archived=filters.archived,
    )
    return paginate(qs, filters)


@router.post("/clients", response={201: ClientOut, **ERRORS})
def create_client(request: HttpRequest, payload: ClientIn) -> Any:
    return Status(201, services.client_create(actor=actor_of(request), **payload.model_dump()))


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def get_client(request: HttpRequest, client_id: int) -> Any:
    return selectors.client_get(actor=actor_of(request), client_id=client_id)


@router.patch("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> Any:
    actor = actor_of(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.client_update(actor=actor, client=client, version=version, **changes)


@router.post("/clients/{client_id}/archive", response={200: ClientOut, **ERRORS})
def archive_client(request: HttpRequest, client_id: int) -> Any:
    actor = actor_of(request)
    return services.client_archive(actor=actor, client=selectors.client_get(actor=actor, client_id=client_id))


@router.post("/clients/{client_id}/unarchive", response={200: ClientOut, **ERRORS})
def unarchive_client(request: HttpRequest, client_id: int) -> Any:
    actor = actor_of(request)
    return services.client_unarchive(actor=actor, client=selectors.client_get(actor=actor, client_id=client_id))


class ContactIn(Schema):
    client_id: int
    name: str = Field(..., min_length=1, max_length=200)
    email: str = ""
    phone: str = ""
    role: str = ""
    is_primary: bool = False
    notes: str = ""


class ContactPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    is_primary: bool | None = None
    notes: str | None = None
    version: int | None = None


class ContactOut(Schema):
    id: int
    client_id: int
    name: str
    email: str
    phone: str
    role: str
    is_primary: bool
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int


class ContactFilters(ListParams):
    client_id: int | None = None
    is_primary: bool | None = None
    search: str | None = None


@router.get("/contacts", response={200: Page[ContactOut], **ERRORS}, tags=["contacts"])
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]) -> Any:
    qs = selectors.contact_list(
        actor=actor_of(request), client_id=filters.client_id, is_primary=filters.is_primary, search=filters.search
    )
    return paginate(qs, filters)


@router.post("/contacts", response={201: ContactOut, **ERRORS}, tags=["contacts"])
def create_contact(request: HttpRequest, payload: ContactIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    try:
        client = selectors.client_get(actor=actor, client_id=data.pop("client_id"))
    except Http404 as exc:
        raise ValidationError({"client_id": "No such client in this workspace."}) from exc
    return Status(201, services.contact_create(actor=actor, client=client, **data))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, tags=["contacts"])
def get_contact(request: HttpRequest, contact_id: int) -> Any:
    return selectors.contact_get(actor=actor_of(request), contact_id=contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, tags=["contacts"])
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    actor = actor_of(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.contact_update(actor=actor, contact=contact, version=version, **changes)


@router.delete("/contacts/{contact_id}", response={204: None, **ERRORS}, tags=["contacts"])
def delete_contact(request: HttpRequest, contact_id: int) -> Any:
    actor = actor_of(request)
    services.contact_delete(actor=actor, contact=selectors.contact_get(actor=actor, contact_id=contact_id))
    return Status(204, None)
