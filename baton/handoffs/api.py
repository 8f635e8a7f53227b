"""`/api/v1/handoff-templates`, `/api/v1/handoffs` (and the loop's actions), `/api/v1/handoff-failures`,
`/api/v1/reports/handoffs`, `/api/v1/reports/handoff-map`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baton.core import access
from baton.core.access import Actor
from baton.core.api import ChangeRequestOut, pending_response
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, optional_body, paginate, requested_version
from baton.core.changes import apply_or_request
from baton.core.schemas import InputSchema, StrictSchema
from baton.crm.models import Client
from baton.delivery.models import Project, Task
from baton.handoffs import process_changes, selectors, services
from baton.handoffs.models import Handoff
from baton.people.models import Person

router = Router(tags=["handoffs"])


# --- Templates ------------------------------------------------------------------------------------------------


class TemplateField(InputSchema):
    key: str = Field(..., description="snake_case, fixed for the built-in kinds")
    label: str = ""
    help: str = ""
    required: bool = False
    kind: Literal["text", "reference"] = Field(
        "text", description="reference: a link (https://…) or an attached file (attachment:<id>), not free text."
    )


class TriggerSchema(InputSchema):
    key: str = ""
    on: str = Field("task_status", description="Only task_status for now: a task enters `status`.")
    status: str
    tag: str = Field("", description="Only tasks with this tag.")
    project_template_id: int | None = Field(None, description="Only tasks of projects started from this template.")
    receiver: str = Field(
        "next_assignee",
        description="next_assignee, project_manager, client_am, person:<id>, role:<role> or title:<job title>.",
    )


class TemplateIn(InputSchema):
    kind: str = Field(..., min_length=2, max_length=60, pattern=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    fields: list[TemplateField]
    confirmation_sla_hours: int = Field(48, ge=1, le=24 * 90)
    requires_walkthrough: bool = False
    impact: int = Field(2, ge=1, le=3, description="What a failure here costs: 1 low, 2 medium, 3 high.")
    triggers: list[TriggerSchema] = Field(default_factory=list)


class TemplatePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    fields: list[TemplateField] | None = None
    confirmation_sla_hours: int | None = Field(None, ge=1, le=24 * 90)
    requires_walkthrough: bool | None = None
    impact: int | None = Field(None, ge=1, le=3)
    triggers: list[TriggerSchema] | None = None
    active: bool | None = None
    version: int | None = None


class TemplateOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    fields: list[TemplateField]
    confirmation_sla_hours: int
    requires_walkthrough: bool
    impact: int
    triggers: list[dict[str, Any]]
    builtin: bool
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int


class HandoffTemplateFilters(ListParams):
    kind: str | None = None
    active: bool | None = None


@router.get("/handoff-templates", response={200: Page[TemplateOut], **ERRORS})
def list_templates(request: HttpRequest, filters: Query[HandoffTemplateFilters]) -> Any:
    return paginate(selectors.template_list(actor=actor_of(request), kind=filters.kind, active=filters.active), filters)


@router.post("/handoff-templates", response={201: TemplateOut, 202: ChangeRequestOut, **ERRORS})
def create_template(request: HttpRequest, payload: TemplateIn) -> Any:
    """202 with the change request when the workspace requires an owner's approval of process changes."""
    data = payload.model_dump()
    template = apply_or_request(actor=actor_of(request), kind=process_changes.KIND, action="create", payload=data)
    return pending_response(template) or Status(201, template)


@router.get("/handoff-templates/{handoff_template_id}", response={200: TemplateOut, **ERRORS})
def get_template(request: HttpRequest, handoff_template_id: int) -> Any:
    return selectors.template_get(actor=actor_of(request), template_id=handoff_template_id)


@router.patch("/handoff-templates/{handoff_template_id}", response={200: TemplateOut, 202: ChangeRequestOut, **ERRORS})
def update_template(request: HttpRequest, handoff_template_id: int, payload: TemplatePatch) -> Any:
    """202 with the change request when the workspace requires an owner's approval of process changes."""
    actor = actor_of(request)
    template = selectors.template_get(actor=actor, template_id=handoff_template_id)
    changes = payload.model_dump(exclude_unset=True)
    changes["version"] = requested_version(request, changes.pop("version", None))
    result = apply_or_request(actor=actor, kind=process_changes.KIND, action="update", target=template, payload=changes)
    return pending_response(result) or result


# --- Handoffs -------------------------------------------------------------------------------------------------


class GapOut(Schema):
    id: int
    round: int
    question: str
    field_key: str
    raised_by_id: int | None
    raised_at: datetime
    answer: str
    answered_by_id: int | None
    answered_at: datetime | None


class FailureOut(Schema):
    id: int
    handoff_id: int
    kind: str
    category: str
    description: str
    remediation_minutes: int
    remediated_by_id: int
    remediated_by_name: str
    occurred_on: date
    cost_rate: Decimal | None = Field(None, description="Null for roles that do not see rates.")
    remediation_cost: Decimal | None = Field(None, description="Null for roles that do not see rates.")
    recorded_by_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.handoff.kind)

    @staticmethod
    def resolve_remediated_by_name(obj: Any) -> str:
        return str(obj.remediated_by.name)

    @staticmethod
    def resolve_cost_rate(obj: Any, context: Any) -> Decimal | None:
        return obj.cost_rate if _sees_rates(context) else None  # type: ignore[no-any-return]

    @staticmethod
    def resolve_remediation_cost(obj: Any, context: Any) -> Decimal | None:
        return obj.remediation_cost if _sees_rates(context) else None  # type: ignore[no-any-return]


def _sees_rates(context: Any) -> bool:
    request = (context or {}).get("request")
    actor = getattr(request, "auth", None)
    return actor is not None and access.can_see_rates(actor)


class HandoffOut(Schema):
    id: int
    kind: str
    title: str
    template_id: int
    client_id: int | None
    project_id: int | None
    task_id: int | None
    from_person_id: int = Field(..., description="The owner: accountable for completeness.")
    from_person_name: str
    to_person_id: int = Field(..., description="The receiver: confirms or raises gaps.")
    to_person_name: str
    due_by: datetime
    fields: dict[str, str]
    template_fields: list[TemplateField] = Field(..., description="The field spec as it was when it was opened.")
    missing_fields: list[str] = Field(..., description="Required fields still empty (send refuses while any is).")
    requires_walkthrough: bool
    status: str
    source: str
    source_ref: str
    trigger_key: str
    sent_at: datetime | None
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    first_time: bool | None
    minutes_to_confirm: int | None
    gap_rounds: int
    overdue: bool
    confirmation_note: str
    walkthrough_held: bool | None
    walkthrough_at: datetime | None
    walkthrough_how: str
    walkthrough_attested_by_id: int | None
    walkthrough_attested_at: datetime | None
    gaps: list[GapOut]
    failures: list[FailureOut]
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_from_person_name(obj: Any) -> str:
        return str(obj.from_person.name)

    @staticmethod
    def resolve_to_person_name(obj: Any) -> str:
        return str(obj.to_person.name)

    @staticmethod
    def resolve_template_fields(obj: Any) -> list[Any]:
        return list(obj.field_spec)

    @staticmethod
    def resolve_missing_fields(obj: Any) -> list[str]:
        return list(obj.missing_required)

    @staticmethod
    def resolve_fields(obj: Any) -> dict[str, str]:
        return {k: "" if v is None else str(v) for k, v in (obj.fields or {}).items()}

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return obj.status in ("sent", "gaps_raised") and obj.due_by < timezone.now()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_gaps(obj: Any) -> list[Any]:
        return list(obj.gaps.all())

    @staticmethod
    def resolve_failures(obj: Any) -> list[Any]:
        return list(obj.failures.all())


class HandoffIn(InputSchema):
    kind: str = Field(..., description="A template's kind (the six built-in ones or the workspace's own).")
    client_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    from_person_id: int | None = Field(None, description="The owner; defaults to you.")
    to_person_id: int
    due_by: datetime | None = Field(None, description="Defaults to sending time + the template's confirmation SLA.")
    fields: dict[str, Any] = Field(default_factory=dict, description="Merged over what Baton prefills.")
    title: str = Field("", max_length=300)


class HandoffPatch(InputSchema):
    title: str | None = Field(None, max_length=300)
    to_person_id: int | None = None
    due_by: datetime | None = None
    fields: dict[str, Any] | None = Field(None, description="Merged by key into the handoff's fields.")
    client_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    version: int | None = None


class GapIn(InputSchema):
    question: str
    field: str = ""


class RaiseGapsIn(InputSchema):
    gaps: list[str | GapIn] = Field(
        ..., description="The questions the owner must answer (text, or {question, field})."
    )


class AnswerGapsIn(InputSchema):
    answers: dict[str, Any] = Field(
        ..., description="{gap id: answer}; a key that is a field of the handoff also writes that field."
    )
    fields: dict[str, Any] | None = Field(None, description="Other field changes made while answering.")


class ConfirmIn(InputSchema):
    note: str = ""
    walkthrough_held: bool | None = Field(
        None,
        description="The receiver attests the walkthrough meeting took place. Required as true for templates that "
        "require a walkthrough (422 naming it when false or left out); Baton never assumes it.",
    )
    walkthrough_at: datetime | None = Field(
        None, description="When the walkthrough took place (required with a required walkthrough; not in the future)."
    )
    walkthrough_how: Literal["in_person", "video_call", "phone"] | None = Field(
        None, description="How it took place (required with a required walkthrough)."
    )


class CancelIn(InputSchema):
    reason: str = ""


class FailureIn(InputSchema):
    description: str = Field(..., min_length=1)
    remediation_minutes: int = Field(..., ge=1, le=100000)
    remediated_by_id: int | None = Field(
        None,
        description="Who remediated it (a staff person of the workspace); defaults to the handoff's receiver. The "
        "cost is the remediation minutes at this person's cost rate in force on `occurred_on`.",
    )
    occurred_on: date | None = Field(None, description="The failure's date (1900-01-01…2999-12-31); defaults to today.")
    category: str = Field(
        "rework", description="rework, wrong_messaging, client_repeated, missed_deadline, expectations or other."
    )


class HandoffFilters(ListParams):
    kind: str | None = None
    status: str | None = None
    client_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    from_person_id: int | None = None
    to_person_id: int | None = None
    source: str | None = None
    overdue: bool | None = None


def _body_ref(actor: Actor, model: type, pk: int | None, field: str) -> Any:
    """A record named in a body: unknown (or another workspace's) is a bad field (422), not a 404."""
    if pk is None:
        return None
    found = model.objects.filter(workspace=actor.workspace, pk=pk).first()  # type: ignore[attr-defined]
    if found is None:
        raise ValidationError({field: "Not found in this workspace."})
    return found


@router.get("/handoffs", response={200: Page[HandoffOut], **ERRORS})
def list_handoffs(request: HttpRequest, filters: Query[HandoffFilters]) -> Any:
    data = filters.model_dump(exclude={"limit", "offset"})
    return paginate(selectors.handoff_list(actor=actor_of(request), **data), filters)


@router.post("/handoffs", response={201: HandoffOut, **ERRORS})
def create_handoff(request: HttpRequest, payload: HandoffIn) -> Any:
    actor = actor_of(request)
    errors: dict[str, str] = {}
    refs: dict[str, Any] = {}
    for field, model in (
        ("client_id", Client),
        ("project_id", Project),
        ("task_id", Task),
        ("from_person_id", Person),
        ("to_person_id", Person),
    ):
        try:
            refs[field] = _body_ref(actor, model, getattr(payload, field), field)
        except ValidationError as exc:
            errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if errors:
        raise ValidationError(errors)
    handoff = services.handoff_open(
        actor=actor,
        kind=payload.kind,
        client=refs["client_id"],
        project=refs["project_id"],
        task=refs["task_id"],
        from_person=refs["from_person_id"],
        to_person=refs["to_person_id"],
        fields=payload.fields,
        due_by=payload.due_by,
        title=payload.title,
    )
    return Status(201, selectors.handoff_get(actor=actor, handoff_id=handoff.pk))


@router.get("/handoffs/{handoff_id}", response={200: HandoffOut, **ERRORS})
def get_handoff(request: HttpRequest, handoff_id: int) -> Any:
    return selectors.handoff_get(actor=actor_of(request), handoff_id=handoff_id)


@router.patch("/handoffs/{handoff_id}", response={200: HandoffOut, **ERRORS})
def update_handoff(request: HttpRequest, handoff_id: int, payload: HandoffPatch) -> Any:
    actor = actor_of(request)
    handoff = selectors.handoff_get(actor=actor, handoff_id=handoff_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.handoff_update(actor=actor, handoff=handoff, version=version, **changes)
    return selectors.handoff_get(actor=actor, handoff_id=handoff_id)


def _act(request: HttpRequest, handoff_id: int, action: Any, **kwargs: Any) -> Handoff:
    actor = actor_of(request)
    handoff = selectors.handoff_get(actor=actor, handoff_id=handoff_id)
    action(actor=actor, handoff=handoff, **kwargs)
    return selectors.handoff_get(actor=actor, handoff_id=handoff_id)


@router.post("/handoffs/{handoff_id}/send", response={200: HandoffOut, **ERRORS})
def send_handoff(request: HttpRequest, handoff_id: int) -> Any:
    """The owner sends it: 422 naming every empty required field (`fields.<key>`)."""
    return _act(request, handoff_id, services.handoff_send)


@router.post("/handoffs/{handoff_id}/raise-gaps", response={200: HandoffOut, **ERRORS})
def raise_gaps(request: HttpRequest, handoff_id: int, payload: RaiseGapsIn) -> Any:
    """The receiver only."""
    gaps = [g if isinstance(g, str) else g.model_dump() for g in payload.gaps]
    return _act(request, handoff_id, services.handoff_raise_gaps, gaps=gaps)


@router.post("/handoffs/{handoff_id}/answer-gaps", response={200: HandoffOut, **ERRORS})
def answer_gaps(request: HttpRequest, handoff_id: int, payload: AnswerGapsIn) -> Any:
    """The owner only; the handoff returns to the receiver."""
    return _act(request, handoff_id, services.handoff_answer_gaps, answers=payload.answers, fields=payload.fields)


def _body_doc(schema: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


@router.post("/handoffs/{handoff_id}/confirm", response={200: HandoffOut, **ERRORS}, openapi_extra=_body_doc(ConfirmIn))
def confirm_handoff(request: HttpRequest, handoff_id: int) -> Any:
    """The receiver only. The body is optional."""
    body = optional_body(request, ConfirmIn)
    return _act(
        request,
        handoff_id,
        services.handoff_confirm,
        note=body.note,
        walkthrough_held=body.walkthrough_held,
        walkthrough_at=body.walkthrough_at,
        walkthrough_how=body.walkthrough_how or "",
    )


@router.post("/handoffs/{handoff_id}/cancel", response={200: HandoffOut, **ERRORS}, openapi_extra=_body_doc(CancelIn))
def cancel_handoff(request: HttpRequest, handoff_id: int) -> Any:
    """The owner, or an owner/admin. The body is optional."""
    return _act(request, handoff_id, services.handoff_cancel, reason=optional_body(request, CancelIn).reason)


@router.post("/handoffs/{handoff_id}/failures", response={201: FailureOut, **ERRORS})
def record_failure(request: HttpRequest, handoff_id: int, payload: FailureIn) -> Any:
    """A downstream failure traced to this handoff; its cost is the remediation time at the remediator's loaded
    cost rate on the failure's date (the receiver's when `remediated_by_id` is left out; MONEY.md §7)."""
    actor = actor_of(request)
    handoff = selectors.handoff_get(actor=actor, handoff_id=handoff_id)
    failure = services.failure_record(actor=actor, handoff=handoff, **payload.model_dump())
    return Status(201, selectors.failure_list(actor=actor).get(pk=failure.pk))


class FailureFilters(ListParams):
    handoff_id: int | None = None
    kind: str | None = None
    client_id: int | None = None


@router.get("/handoff-failures", response={200: Page[FailureOut], **ERRORS})
def list_failures(request: HttpRequest, filters: Query[FailureFilters]) -> Any:
    qs = selectors.failure_list(
        actor=actor_of(request), handoff_id=filters.handoff_id, kind=filters.kind, client_id=filters.client_id
    )
    return paginate(qs, filters)


# --- Reports --------------------------------------------------------------------------------------------------


class MetricsRow(Schema):
    count: int
    confirmed: int
    first_time_confirmed: int
    first_time_confirmed_pct: float | None
    median_minutes_to_confirm: int | float | None
    gaps: int
    gaps_raised: int
    gaps_per_handoff: float
    failures: int
    remediation_minutes: int
    remediation_cost: Decimal | None


class GroupRow(MetricsRow):
    key: str
    label: str


class MetricsOut(MetricsRow):
    from_: date = Field(..., alias="from")
    to: date
    currency: str
    funnel: dict[str, int]
    by_kind: list[GroupRow]
    by_team: list[GroupRow]
    by_month: list[GroupRow]


class PeriodParams(StrictSchema):
    from_: date | None = Field(None, alias="from")
    to: date | None = None


@router.get("/reports/handoffs", response={200: MetricsOut, **ERRORS}, by_alias=True)
def handoff_report(request: HttpRequest, params: Query[PeriodParams]) -> Any:
    """Handoffs sent in the period and their confirmation; failures that occurred in it and their cost (see
    selectors.handoff_metrics for each definition)."""
    if params.from_ and params.to and params.from_ > params.to:
        raise ValidationError({"from": "The period starts on or before its end (`to`)."})
    return selectors.handoff_metrics(actor=actor_of(request), date_from=params.from_, date_to=params.to)


class MapPointOut(Schema):
    kind: str
    name: str
    source: str
    trigger_key: str
    where: str
    impact: int
    handoffs: int
    per_month: Decimal
    failures: int
    failure_rate: Decimal | None
    gap_rate: Decimal | None
    first_time_pct: float | None
    risk_score: Decimal
    risk: str
    priority: Decimal
    template_id: int
    active: bool


class MapParams(StrictSchema):
    days: int = Field(90, ge=7, le=730)


@router.get("/reports/handoff-map", response={200: list[MapPointOut], **ERRORS})
def handoff_map(request: HttpRequest, params: Query[MapParams]) -> Any:
    """Every handoff point (kind x where it is opened), ranked by risk x frequency."""
    return selectors.handoff_map(actor=actor_of(request), days=params.days)
