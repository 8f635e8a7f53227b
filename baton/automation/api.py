"""`/api/v1/automation/rules`, `/automation/runs`, `/automation/action-types`, `/webhooks`, `/notifications`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.automation import process_changes, selectors, services
from baton.automation.services.webhooks import secret_hint
from baton.core.api import ChangeRequestOut, pending_response
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.changes import apply_or_request
from baton.core.registry import action_types
from baton.core.schemas import InputSchema, StrictSchema

router = Router()

RunStatusName = Literal["matched", "skipped", "failed"]
DeliveryStatusName = Literal["pending", "succeeded", "failed", "cancelled"]
EmailModeName = Literal["immediate", "daily", "off"]


# --- Rules ----------------------------------------------------------------------------------------------------


class Condition(Schema):
    field: str = Field(..., description="A path into the event: data.to, data.project_id, target_type, client_id…")
    op: str = Field(..., description="eq, ne, in, not_in, gt, gte, lt, lte, contains, exists")
    value: Any = None


class Action(Schema):
    type: str = Field(..., description="notify, send_email, post_webhook, create_task, set_field, or a registered one")
    params: dict[str, Any] = Field(default_factory=dict)


class RuleIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    trigger: str = Field(..., description="The event verb that triggers the rule, e.g. task.status_changed.")
    conditions: list[dict[str, Any]] = Field(default_factory=list, description="[{field, op, value}], all must hold.")
    actions: list[dict[str, Any]] = Field(..., description="[{type, params}], run in order, all or nothing.")
    active: bool = True


class RulePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    trigger: str | None = None
    conditions: list[dict[str, Any]] | None = None
    actions: list[dict[str, Any]] | None = None
    active: bool | None = None
    version: int | None = None


class RuleOut(Schema):
    id: int
    name: str
    trigger: str
    conditions: list[Condition]
    actions: list[Action]
    active: bool
    created_by_id: int | None
    run_count: int = 0
    matched_count: int = 0
    failed_count: int = 0
    last_run_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    version: int


class RuleFilters(ListParams):
    trigger: str | None = None
    active: bool | None = None
    search: str | None = None


@router.get("/automation/rules", response={200: Page[RuleOut], **ERRORS}, tags=["automation"])
def list_rules(request: HttpRequest, filters: Query[RuleFilters]) -> Any:
    qs = selectors.rule_list(
        actor=actor_of(request), trigger=filters.trigger, active=filters.active, search=filters.search
    )
    return paginate(qs, filters)


@router.post("/automation/rules", response={201: RuleOut, 202: ChangeRequestOut, **ERRORS}, tags=["automation"])
def create_rule(request: HttpRequest, payload: RuleIn) -> Any:
    """202 with the change request when the workspace requires an owner's approval of process changes."""
    actor = actor_of(request)
    rule = apply_or_request(actor=actor, kind=process_changes.KIND, action="create", payload=payload.model_dump())
    return pending_response(rule) or Status(201, selectors.rule_get(actor=actor, rule_id=rule.pk))


@router.get("/automation/rules/{rule_id}", response={200: RuleOut, **ERRORS}, tags=["automation"])
def get_rule(request: HttpRequest, rule_id: int) -> Any:
    return selectors.rule_get(actor=actor_of(request), rule_id=rule_id)


@router.patch(
    "/automation/rules/{rule_id}", response={200: RuleOut, 202: ChangeRequestOut, **ERRORS}, tags=["automation"]
)
def update_rule(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    """202 with the change request when the workspace requires an owner's approval of process changes."""
    actor = actor_of(request)
    rule = selectors.rule_get(actor=actor, rule_id=rule_id)
    changes = payload.model_dump(exclude_unset=True)
    changes["version"] = requested_version(request, changes.pop("version", None))
    result = apply_or_request(actor=actor, kind=process_changes.KIND, action="update", target=rule, payload=changes)
    return pending_response(result) or selectors.rule_get(actor=actor, rule_id=rule_id)


@router.delete("/automation/rules/{rule_id}", response={204: None, **ERRORS}, tags=["automation"])
def delete_rule(request: HttpRequest, rule_id: int) -> Any:
    actor = actor_of(request)
    services.rule_delete(actor=actor, rule=selectors.rule_get(actor=actor, rule_id=rule_id))
    return Status(204, None)


class DryRunEventOut(Schema):
    event_id: int
    verb: str
    occurred_at: datetime
    target_type: str
    target_id: int
    target_label: str
    matched: bool
    reason: str
    checks: list[str]


class DryRunOut(Schema):
    rule_id: int
    trigger: str
    count: int = Field(..., description="How many events were examined.")
    matched: int
    results: list[DryRunEventOut]


class DryRunParams(StrictSchema):
    limit: int = Field(20, ge=1, le=200, description="How many of the latest events with the trigger verb to test.")


@router.get("/automation/rules/{rule_id}/dry-run", response={200: DryRunOut, **ERRORS}, tags=["automation"])
def dry_run_rule(request: HttpRequest, rule_id: int, params: Query[DryRunParams]) -> Any:
    """Which of the latest events with the rule's verb its conditions match, and why. Nothing is run."""
    actor = actor_of(request)
    rule = selectors.rule_get(actor=actor, rule_id=rule_id)
    rows = services.rule_dry_run(actor=actor, trigger=rule.trigger, conditions=rule.conditions, limit=params.limit)
    return {
        "rule_id": rule.pk,
        "trigger": rule.trigger,
        "count": len(rows),
        "matched": sum(1 for r in rows if r.matched),
        "results": [
            {
                "event_id": r.event.pk,
                "verb": r.event.verb,
                "occurred_at": r.event.occurred_at,
                "target_type": r.event.target_type,
                "target_id": r.event.target_id,
                "target_label": r.event.target_label,
                "matched": r.matched,
                "reason": r.reason,
                "checks": r.checks,
            }
            for r in rows
        ],
    }


class RunOut(Schema):
    id: int
    rule_id: int
    rule_name: str
    event_id: int
    verb: str
    status: str
    reason: str
    actions_done: list[str]
    error: str
    depth: int
    created_at: datetime

    @staticmethod
    def resolve_rule_name(obj: Any) -> str:
        return str(obj.rule.name)

    @staticmethod
    def resolve_verb(obj: Any) -> str:
        return str(obj.event.verb)


class RunFilters(ListParams):
    rule_id: int | None = None
    status: RunStatusName | None = None
    event_id: int | None = None


@router.get("/automation/runs", response={200: Page[RunOut], **ERRORS}, tags=["automation"])
def list_runs(request: HttpRequest, filters: Query[RunFilters]) -> Any:
    """Each execution of a rule: the event, matched | skipped | failed, why, what the actions did, the error."""
    qs = selectors.run_list(
        actor=actor_of(request), rule_id=filters.rule_id, status=filters.status, event_id=filters.event_id
    )
    return paginate(qs, filters)


class ParamOut(Schema):
    name: str
    label: str
    kind: str
    required: bool
    help: str


class ActionTypeOut(Schema):
    type: str
    label: str
    description: str
    params: list[ParamOut]


@router.get("/automation/action-types", response={200: Page[ActionTypeOut], **ERRORS}, tags=["automation"])
def list_action_types(request: HttpRequest) -> Any:
    """The action types rules may use now (other apps register more)."""
    selectors.rule_list(actor=actor_of(request))  # the same access as reading rules
    kinds = sorted(action_types().values(), key=lambda a: a.type)
    return {"count": len(kinds), "results": kinds}


# --- Webhooks -------------------------------------------------------------------------------------------------


class WebhookIn(InputSchema):
    url: str = Field(..., max_length=500, description="http:// or https://")
    events: list[str] = Field(..., description='Verbs to send (deal.won, task.*), or ["*"] for every event.')
    description: str = Field("", max_length=200)
    active: bool = True


class WebhookPatch(InputSchema):
    url: str | None = Field(None, max_length=500)
    events: list[str] | None = None
    description: str | None = Field(None, max_length=200)
    active: bool | None = None
    rotate_secret: bool = Field(False, description="Issue a new secret (returned once, in this response).")
    version: int | None = None


class WebhookOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    secret: str | None = Field(
        None, description="The signing secret: only in the response that created (or rotated) it."
    )
    secret_hint: str
    consecutive_failures: int
    disabled_at: datetime | None
    disabled_reason: str
    delivery_count: int = 0
    last_delivery_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_secret(obj: Any) -> str | None:
        return getattr(obj, "revealed_secret", None)

    @staticmethod
    def resolve_secret_hint(obj: Any) -> str:
        return secret_hint(obj.secret)


def _reveal(webhook: Any, secret: str) -> Any:
    webhook.revealed_secret = secret
    return webhook


class WebhookFilters(ListParams):
    active: bool | None = None


@router.get("/webhooks", response={200: Page[WebhookOut], **ERRORS}, tags=["webhooks"])
def list_webhooks(request: HttpRequest, filters: Query[WebhookFilters]) -> Any:
    return paginate(selectors.webhook_list(actor=actor_of(request), active=filters.active), filters)


@router.post("/webhooks", response={201: WebhookOut, **ERRORS}, tags=["webhooks"])
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Any:
    actor = actor_of(request)
    webhook = services.webhook_create(actor=actor, **payload.model_dump())
    return Status(201, _reveal(selectors.webhook_get(actor=actor, webhook_id=webhook.pk), webhook.secret))


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS}, tags=["webhooks"])
def get_webhook(request: HttpRequest, webhook_id: int) -> Any:
    return selectors.webhook_get(actor=actor_of(request), webhook_id=webhook_id)


@router.patch("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS}, tags=["webhooks"])
def update_webhook(request: HttpRequest, webhook_id: int, payload: WebhookPatch) -> Any:
    actor = actor_of(request)
    webhook = selectors.webhook_get(actor=actor, webhook_id=webhook_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    rotate = bool(changes.pop("rotate_secret", False))
    updated = services.webhook_update(actor=actor, webhook=webhook, version=version, rotate_secret=rotate, **changes)
    fresh = selectors.webhook_get(actor=actor, webhook_id=webhook_id)
    return _reveal(fresh, updated.secret) if rotate else fresh


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS}, tags=["webhooks"])
def delete_webhook(request: HttpRequest, webhook_id: int) -> Any:
    actor = actor_of(request)
    services.webhook_delete(actor=actor, webhook=selectors.webhook_get(actor=actor, webhook_id=webhook_id))
    return Status(204, None)


class AttemptOut(Schema):
    number: int
    status_code: int | None
    response_ms: int
    error: str
    attempted_at: datetime


class DeliveryOut(Schema):
    id: int
    delivery_id: str = Field(..., description="The X-Baton-Delivery header: the same on every attempt.")
    event_id: int | None
    verb: str
    is_test: bool
    status: str
    attempts: int
    last_status_code: int | None
    last_response_ms: int | None
    last_error: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[AttemptOut]

    @staticmethod
    def resolve_delivery_id(obj: Any) -> str:
        return str(obj.uuid)

    @staticmethod
    def resolve_attempt_log(obj: Any) -> list[Any]:
        return list(obj.attempt_log.all())


class DeliveryFilters(ListParams):
    status: DeliveryStatusName | None = None


@router.get("/webhooks/{webhook_id}/deliveries", response={200: Page[DeliveryOut], **ERRORS}, tags=["webhooks"])
def list_deliveries(request: HttpRequest, webhook_id: int, filters: Query[DeliveryFilters]) -> Any:
    """The delivery log, newest first: each delivery with every attempt's status code, response time and error."""
    actor = actor_of(request)
    webhook = selectors.webhook_get(actor=actor, webhook_id=webhook_id)
    return paginate(selectors.delivery_list(actor=actor, webhook=webhook, status=filters.status), filters)


@router.post("/webhooks/{webhook_id}/test", response={200: DeliveryOut, **ERRORS}, tags=["webhooks"])
def test_webhook(request: HttpRequest, webhook_id: int) -> Any:
    """Queue a signed `webhook.test` payload for the worker; the answer is the delivery as it stands (pending until the
    worker has tried: then its status code, time and error, also in `/webhooks/{id}/deliveries`). A URL on a refused
    address fails without a connection ever being made."""
    actor = actor_of(request)
    webhook = selectors.webhook_get(actor=actor, webhook_id=webhook_id)
    delivery = services.webhook_test(actor=actor, webhook=webhook)
    return selectors.delivery_list(actor=actor, webhook=webhook).get(pk=delivery.pk)


# --- Notifications --------------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    verb: str
    title: str
    body: str
    url: str
    event_id: int | None
    read: bool
    read_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_read(obj: Any) -> bool:
        return obj.read_at is not None


class NotificationPage(Page[NotificationOut]):
    unread: int


class NotificationFilters(ListParams):
    unread: bool | None = Field(None, description="true: unread only; false: read only.")


@router.get("/notifications", response={200: NotificationPage, **ERRORS}, tags=["notifications"])
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> Any:
    """Your own notifications, newest first, with how many are unread."""
    actor = actor_of(request)
    page = paginate(selectors.notification_list(actor=actor, unread=filters.unread), filters)
    return page | {"unread": selectors.unread_count(actor=actor)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS}, tags=["notifications"])
def read_notification(request: HttpRequest, notification_id: int) -> Any:
    actor = actor_of(request)
    notification = selectors.notification_get(actor=actor, notification_id=notification_id)
    return services.notification_mark_read(actor=actor, notification=notification)


class ReadAllOut(Schema):
    marked: int
    unread: int


@router.post("/notifications/read-all", response={200: ReadAllOut, **ERRORS}, tags=["notifications"])
def read_all_notifications(request: HttpRequest) -> Any:
    actor = actor_of(request)
    marked = services.notification_mark_all_read(actor=actor)
    return {"marked": marked, "unread": selectors.unread_count(actor=actor)}


class PreferenceIn(InputSchema):
    email: EmailModeName = Field(..., description="immediate: each by e-mail; daily: one digest a day; off: none.")


class PreferenceOut(Schema):
    person_id: int
    email: str


@router.get("/notifications/preferences", response={200: PreferenceOut, **ERRORS}, tags=["notifications"])
def get_preferences(request: HttpRequest) -> Any:
    return services.preference_get(actor=actor_of(request))


@router.put("/notifications/preferences", response={200: PreferenceOut, **ERRORS}, tags=["notifications"])
def put_preferences(request: HttpRequest, payload: PreferenceIn) -> Any:
    return services.preference_update(actor=actor_of(request), email=payload.email)
