"""`/api/v1/` for account management: protocols, cadence, health, portfolio, touchpoints and next steps, status
updates, client goals and reports, escalations, growth opportunities, onboarding and settings."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core import access
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.crm import selectors as crm_selectors
from baton.crm.api import DealOut
from baton.relationships import deals, selectors, services
from baton.relationships.models import OnboardingItem
from baton.relationships.pdf import render_client_report

router = Router(tags=["relationships"])

TouchpointKindName = Literal["call", "email", "meeting", "status_update", "strategic_review"]
SentimentName = Literal["", "positive", "neutral", "negative"]


def _client(actor: Any, client_id: int, field: str = "client_id") -> Any:
    try:
        return selectors.client_for(actor, client_id)
    except Http404 as exc:
        raise ValidationError({field: "No such client in this workspace."}) from exc


# --- Protocol, cadence, health, portfolio -----------------------------------------------------------------------


class ProtocolIn(Schema):
    channels: list[str] = []
    response_time_hours: int = Field(24, ge=1, le=720)
    update_every_days: int = Field(7, ge=1, le=365)
    meeting_every_days: int = Field(14, ge=1, le=365)
    strategic_review_every_days: int = Field(90, ge=1, le=730)
    onboarding_started_on: date | None = None
    onboarding_update_every_days: int = Field(1, ge=1, le=30)
    share_budget_with_client: bool = False
    notes: str = ""
    version: int | None = None


class ProtocolOut(Schema):
    id: int = Field(..., description="One protocol per client: its id is the client's id.")
    client_id: int
    channels: list[str]
    response_time_hours: int
    update_every_days: int
    meeting_every_days: int
    strategic_review_every_days: int
    onboarding_started_on: date | None
    onboarding_update_every_days: int
    share_budget_with_client: bool
    notes: str
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.client_id)


@router.get("/clients/{client_id}/protocol", response={200: ProtocolOut, **ERRORS})
def get_protocol(request: HttpRequest, client_id: int) -> Any:
    actor = actor_of(request)

    client = selectors.client_for(actor, client_id)
    access.require(actor, "protocol", "view")
    return services.protocol_for(client)


@router.put("/clients/{client_id}/protocol", response={200: ProtocolOut, **ERRORS})
def put_protocol(request: HttpRequest, client_id: int, payload: ProtocolIn) -> Any:
    actor = actor_of(request)
    client = selectors.client_for(actor, client_id)
    data = payload.model_dump()
    version = data.pop("version", None)
    return services.protocol_put(actor=actor, client=client, version=version, **data)


class CadenceItemOut(Schema):
    item: str
    kind: str
    due_on: date
    due_date: date
    status: str
    overdue: bool
    days_overdue: int
    reason: str
    satisfied_by: list[str]
    milestone_id: int | None


class CadenceOut(Schema):
    client_id: int
    date: date
    phase: str
    onboarding_day: int | None
    due_count: int
    overdue_count: int
    items: list[CadenceItemOut] = Field(..., description="Due today or overdue, most overdue first by due date.")
    upcoming: list[CadenceItemOut]


@router.get("/clients/{client_id}/cadence", response={200: CadenceOut, **ERRORS})
def get_cadence(request: HttpRequest, client_id: int, on: date | None = None) -> Any:
    """What is due and overdue for this client today (or `on` a day), each with its due date and reason."""
    return selectors.cadence_for(actor=actor_of(request), client_id=client_id, today=on)


class SignalOut(Schema):
    name: str
    value: Any
    weight: int
    contribution: int
    explanation: str


class TrendOut(Schema):
    date: date
    score: int
    band: str


class HealthOut(Schema):
    client_id: int
    score: int
    band: str
    signals: list[SignalOut]
    trend: list[TrendOut]


@router.get("/clients/{client_id}/health", response={200: HealthOut, **ERRORS})
def get_health(request: HttpRequest, client_id: int) -> Any:
    """An explainable 0-100 score: each signal's contribution adds up to the score; `trend` is the daily history."""
    return selectors.health_for(actor=actor_of(request), client_id=client_id)


class PortfolioRowOut(Schema):
    client_id: int
    client_name: str
    account_manager_id: int | None
    account_manager_name: str | None
    score: int
    band: str
    cadence_due: int
    cadence_overdue: int
    open_escalations: Any
    top_risk: str


class DueItemOut(CadenceItemOut):
    client_id: int
    client_name: str


class PortfolioOut(Schema):
    count: int
    results: list[PortfolioRowOut]
    cadence_due_today: list[DueItemOut]


@router.get("/portfolio", response={200: PortfolioOut, **ERRORS})
def get_portfolio(request: HttpRequest, account_manager_id: int | None = None) -> Any:
    """Clients by risk (lowest health first) with today's cadence across them; an AM gets its own portfolio."""
    actor = actor_of(request)
    rows, due = selectors.portfolio_and_due(actor=actor, account_manager_id=account_manager_id)
    return {"count": len(rows), "results": rows, "cadence_due_today": due}


# --- Touchpoints and next steps ---------------------------------------------------------------------------------


class NextStepIn(Schema):
    description: str = Field(..., min_length=1, max_length=500)
    owner_id: int | None = None
    owner_contact_id: int | None = None
    due_on: date | None = None


class NextStepOut(Schema):
    id: int
    touchpoint_id: int
    client_id: int
    description: str
    owner_id: int | None
    owner_contact_id: int | None
    due_on: date | None
    done: bool
    done_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_done(obj: Any) -> bool:
        return obj.done_at is not None


class TouchpointIn(Schema):
    client_id: int
    kind: TouchpointKindName
    occurred_at: datetime | None = None
    summary: str = Field(..., min_length=1)
    person_id: int | None = None
    contact_ids: list[int] = []
    attendees: list[str] = []
    discussed: str = ""
    decision_ids: list[int] = Field([], description="Decisions of the decision log (/decisions) taken here.")
    next_steps: list[NextStepIn] = []
    agenda_prepared: bool = False
    goal_report: bool = False
    sentiment: SentimentName = ""
    response_minutes: int | None = Field(None, ge=0)
    project_id: int | None = None
    milestone_id: int | None = None


class TouchpointPatch(Schema):
    kind: TouchpointKindName | None = None
    occurred_at: datetime | None = None
    summary: str | None = Field(None, min_length=1)
    contact_ids: list[int] | None = None
    attendees: list[str] | None = None
    discussed: str | None = None
    decision_ids: list[int] | None = None
    agenda_prepared: bool | None = None
    goal_report: bool | None = None
    sentiment: SentimentName | None = None
    response_minutes: int | None = None
    version: int | None = None


class TouchpointOut(Schema):
    id: int
    client_id: int
    kind: str
    occurred_at: datetime
    summary: str
    person_id: int | None
    contact_ids: list[int]
    attendees: list[str]
    discussed: str
    decision_ids: list[int]
    next_steps: list[NextStepOut]
    agenda_prepared: bool
    goal_report: bool
    sentiment: str
    response_minutes: int | None
    project_id: int | None
    milestone_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.contacts.all())

    @staticmethod
    def resolve_decision_ids(obj: Any) -> list[int]:
        return sorted(d.pk for d in obj.decisions.all())

    @staticmethod
    def resolve_next_steps(obj: Any) -> list[Any]:
        return list(obj.next_steps.all())


class TouchpointFilters(ListParams):
    client_id: int | None = None
    kind: TouchpointKindName | None = None
    person_id: int | None = None


@router.get("/touchpoints", response={200: Page[TouchpointOut], **ERRORS}, tags=["touchpoints"])
def list_touchpoints(request: HttpRequest, filters: Query[TouchpointFilters]) -> Any:
    qs = selectors.touchpoint_list(
        actor=actor_of(request), client_id=filters.client_id, kind=filters.kind, person_id=filters.person_id
    )
    return paginate(qs, filters)


@router.post("/touchpoints", response={201: TouchpointOut, **ERRORS}, tags=["touchpoints"])
def log_touchpoint(request: HttpRequest, payload: TouchpointIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    touchpoint = services.touchpoint_log(actor=actor, client=client, **data)
    return Status(201, selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint.pk))


@router.get("/touchpoints/{touchpoint_id}", response={200: TouchpointOut, **ERRORS}, tags=["touchpoints"])
def get_touchpoint(request: HttpRequest, touchpoint_id: int) -> Any:
    return selectors.touchpoint_get(actor=actor_of(request), touchpoint_id=touchpoint_id)


@router.patch("/touchpoints/{touchpoint_id}", response={200: TouchpointOut, **ERRORS}, tags=["touchpoints"])
def update_touchpoint(request: HttpRequest, touchpoint_id: int, payload: TouchpointPatch) -> Any:
    actor = actor_of(request)
    touchpoint = selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.touchpoint_update(actor=actor, touchpoint=touchpoint, version=version, **changes)
    return selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint_id)


class NextStepFilters(ListParams):
    client_id: int | None = None
    owner_id: int | None = None
    open: bool = False


@router.get("/next-steps", response={200: Page[NextStepOut], **ERRORS}, tags=["touchpoints"])
def list_next_steps(request: HttpRequest, filters: Query[NextStepFilters]) -> Any:
    qs = selectors.next_step_list(
        actor=actor_of(request), client_id=filters.client_id, owner_id=filters.owner_id, open_only=filters.open
    )
    return paginate(qs, filters)


@router.post("/next-steps/{next_step_id}/complete", response={200: NextStepOut, **ERRORS}, tags=["touchpoints"])
def complete_next_step(request: HttpRequest, next_step_id: int) -> Any:
    actor = actor_of(request)
    return services.next_step_complete(
        actor=actor, step=selectors.next_step_get(actor=actor, next_step_id=next_step_id)
    )


# --- Status updates ------------------------------------------------------------------------------------------------


class StatusUpdateOut(Schema):
    id: int
    client_id: int
    week_start: date
    subject: str
    body: str
    compiled: dict[str, Any]
    status: str
    recipients: list[str]
    sent_at: datetime | None
    sent_by_id: int | None
    touchpoint_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class StatusDraftIn(Schema):
    client_id: int
    week_start: date | None = Field(None, description="Any day of the week; defaults to this week.")


class StatusPatch(Schema):
    subject: str | None = Field(None, min_length=1, max_length=300)
    body: str | None = Field(None, min_length=1)
    recipients: list[str] | None = None
    version: int | None = None


class StatusSendIn(Schema):
    recipients: list[str] | None = None


class StatusFilters(ListParams):
    client_id: int | None = None
    status: Literal["draft", "sent"] | None = None


@router.get("/status-updates", response={200: Page[StatusUpdateOut], **ERRORS}, tags=["status updates"])
def list_status_updates(request: HttpRequest, filters: Query[StatusFilters]) -> Any:
    qs = selectors.status_update_list(actor=actor_of(request), client_id=filters.client_id, status=filters.status)
    return paginate(qs, filters)


@router.post("/status-updates/draft", response={201: StatusUpdateOut, **ERRORS}, tags=["status updates"])
def draft_status_update(request: HttpRequest, payload: StatusDraftIn) -> Any:
    """Draft now: compile the week's events into the client's status update (re-drafts this week's draft)."""
    actor = actor_of(request)
    client = _client(actor, payload.client_id)
    return Status(201, services.status_update_draft(actor=actor, client=client, week_start=payload.week_start))


@router.get("/status-updates/{status_update_id}", response={200: StatusUpdateOut, **ERRORS}, tags=["status updates"])
def get_status_update(request: HttpRequest, status_update_id: int) -> Any:
    return selectors.status_update_get(actor=actor_of(request), status_update_id=status_update_id)


@router.patch("/status-updates/{status_update_id}", response={200: StatusUpdateOut, **ERRORS}, tags=["status updates"])
def edit_status_update(request: HttpRequest, status_update_id: int, payload: StatusPatch) -> Any:
    actor = actor_of(request)
    update = selectors.status_update_get(actor=actor, status_update_id=status_update_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.status_update_edit(actor=actor, update=update, version=version, **changes)


@router.post(
    "/status-updates/{status_update_id}/send", response={200: StatusUpdateOut, **ERRORS}, tags=["status updates"]
)
def send_status_update(request: HttpRequest, status_update_id: int, payload: StatusSendIn | None = None) -> Any:
    """E-mail it to the client; logs a `status_update` touchpoint."""
    actor = actor_of(request)
    update = selectors.status_update_get(actor=actor, status_update_id=status_update_id)
    return services.status_update_send(actor=actor, update=update, recipients=payload.recipients if payload else None)


# --- Goals and the client report ---------------------------------------------------------------------------------


class GoalValueOut(Schema):
    recorded_on: date
    value: Decimal
    note: str


class GoalIn(Schema):
    client_id: int
    title: str = Field(..., min_length=1, max_length=200)
    metric: str = Field(..., min_length=1, max_length=200)
    unit: str = ""
    baseline: Decimal = Decimal("0")
    target: Decimal
    target_date: date | None = None
    description: str = ""


class GoalPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    metric: str | None = Field(None, min_length=1, max_length=200)
    unit: str | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    target_date: date | None = None
    description: str | None = None
    version: int | None = None


class GoalOut(Schema):
    id: int
    client_id: int
    title: str
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    target_date: date | None
    description: str
    latest_value: Decimal | None
    progress_pct: Decimal | None
    values: list[GoalValueOut]
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_latest_value(obj: Any) -> Any:
        return selectors.goal_progress(obj)["latest_value"]

    @staticmethod
    def resolve_progress_pct(obj: Any) -> Any:
        return selectors.goal_progress(obj)["progress_pct"]

    @staticmethod
    def resolve_values(obj: Any) -> Any:
        return selectors.goal_progress(obj)["values"]


class GoalValueIn(Schema):
    value: Decimal
    recorded_on: date | None = None
    note: str = ""


class GoalFilters(ListParams):
    client_id: int | None = None


@router.get("/client-goals", response={200: Page[GoalOut], **ERRORS}, tags=["goals"])
def list_goals(request: HttpRequest, filters: Query[GoalFilters]) -> Any:
    return paginate(selectors.goal_list(actor=actor_of(request), client_id=filters.client_id), filters)


@router.post("/client-goals", response={201: GoalOut, **ERRORS}, tags=["goals"])
def create_goal(request: HttpRequest, payload: GoalIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    return Status(201, services.goal_create(actor=actor, client=client, **data))


@router.get("/client-goals/{goal_id}", response={200: GoalOut, **ERRORS}, tags=["goals"])
def get_goal(request: HttpRequest, goal_id: int) -> Any:
    return selectors.goal_get(actor=actor_of(request), goal_id=goal_id)


@router.patch("/client-goals/{goal_id}", response={200: GoalOut, **ERRORS}, tags=["goals"])
def update_goal(request: HttpRequest, goal_id: int, payload: GoalPatch) -> Any:
    actor = actor_of(request)
    goal = selectors.goal_get(actor=actor, goal_id=goal_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.goal_update(actor=actor, goal=goal, version=version, **changes)
    return selectors.goal_get(actor=actor, goal_id=goal_id)


@router.post("/client-goals/{goal_id}/values", response={201: GoalOut, **ERRORS}, tags=["goals"])
def record_goal_value(request: HttpRequest, goal_id: int, payload: GoalValueIn) -> Any:
    actor = actor_of(request)
    goal = selectors.goal_get(actor=actor, goal_id=goal_id)
    services.goal_value_record(actor=actor, goal=goal, **payload.model_dump())
    return Status(201, selectors.goal_get(actor=actor, goal_id=goal_id))


@router.get("/clients/{client_id}/report/pdf", response={200: None, **ERRORS}, tags=["goals"])
def client_report_pdf(request: HttpRequest, client_id: int) -> Any:
    """The client report as a PDF: progress against the client's goals, milestones, updates and decisions."""
    report = selectors.client_report(actor=actor_of(request), client_id=client_id)
    return FileResponse(
        io.BytesIO(render_client_report(report)),
        as_attachment=True,
        filename=f"client-report-{client_id}.pdf",
        content_type="application/pdf",
    )


# --- Escalations ---------------------------------------------------------------------------------------------------


class EscalationIn(Schema):
    client_id: int
    title: str = Field(..., min_length=1, max_length=300)
    detail: str = ""
    assignee_id: int | None = Field(None, description="Defaults to the AM's lead, else an owner.")
    client_complained: bool = Field(False, description="Raised because the client complained (not before).")


class EscalationOut(Schema):
    id: int
    client_id: int
    rule: str
    title: str
    detail: str
    status: str
    assignee_id: int | None
    raised_by_id: int | None
    before_client_complaint: bool
    resolved_at: datetime | None
    resolved_by_id: int | None
    resolution_note: str
    created_at: datetime
    updated_at: datetime
    version: int


class AssignIn(Schema):
    assignee_id: int


class ResolveIn(Schema):
    note: str = ""


class EscalationFilters(ListParams):
    client_id: int | None = None
    status: Literal["open", "resolved"] | None = None
    assignee_id: int | None = None


@router.get("/escalations", response={200: Page[EscalationOut], **ERRORS}, tags=["escalations"])
def list_escalations(request: HttpRequest, filters: Query[EscalationFilters]) -> Any:
    qs = selectors.escalation_list(
        actor=actor_of(request), client_id=filters.client_id, status=filters.status, assignee_id=filters.assignee_id
    )
    return paginate(qs, filters)


@router.post("/escalations", response={201: EscalationOut, **ERRORS}, tags=["escalations"])
def open_escalation(request: HttpRequest, payload: EscalationIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    return Status(201, services.escalation_open(actor=actor, client=client, **data))


@router.get("/escalations/{escalation_id}", response={200: EscalationOut, **ERRORS}, tags=["escalations"])
def get_escalation(request: HttpRequest, escalation_id: int) -> Any:
    return selectors.escalation_get(actor=actor_of(request), escalation_id=escalation_id)


@router.post("/escalations/{escalation_id}/assign", response={200: EscalationOut, **ERRORS}, tags=["escalations"])
def assign_escalation(request: HttpRequest, escalation_id: int, payload: AssignIn) -> Any:
    actor = actor_of(request)
    escalation = selectors.escalation_get(actor=actor, escalation_id=escalation_id)
    return services.escalation_assign(actor=actor, escalation=escalation, assignee_id=payload.assignee_id)


@router.post("/escalations/{escalation_id}/resolve", response={200: EscalationOut, **ERRORS}, tags=["escalations"])
def resolve_escalation(request: HttpRequest, escalation_id: int, payload: ResolveIn) -> Any:
    actor = actor_of(request)
    escalation = selectors.escalation_get(actor=actor, escalation_id=escalation_id)
    return services.escalation_resolve(actor=actor, escalation=escalation, note=payload.note)


# --- Growth opportunities -------------------------------------------------------------------------------------------

OpportunityStatusName = Literal["idea", "proposed", "won", "lost"]


class OpportunityIn(Schema):
    client_id: int
    title: str = Field(..., min_length=1, max_length=200)
    kind: Literal["upsell", "cross_sell"] = "upsell"
    value: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    status: OpportunityStatusName = "idea"
    owner_id: int | None = None
    notes: str = ""


class OpportunityPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal["upsell", "cross_sell"] | None = None
    value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    status: OpportunityStatusName | None = None
    owner_id: int | None = None
    notes: str | None = None
    version: int | None = None


class OpportunityOut(Schema):
    id: int
    client_id: int
    title: str
    kind: str
    value: Decimal
    status: str
    owner_id: int | None
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int


class OpportunityFilters(ListParams):
    client_id: int | None = None
    status: OpportunityStatusName | None = None


@router.get("/growth-opportunities", response={200: Page[OpportunityOut], **ERRORS}, tags=["growth opportunities"])
def list_opportunities(request: HttpRequest, filters: Query[OpportunityFilters]) -> Any:
    qs = selectors.opportunity_list(actor=actor_of(request), client_id=filters.client_id, status=filters.status)
    return paginate(qs, filters)


@router.post("/growth-opportunities", response={201: OpportunityOut, **ERRORS}, tags=["growth opportunities"])
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    return Status(201, services.opportunity_create(actor=actor, client=client, **data))


@router.get(
    "/growth-opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS}, tags=["growth opportunities"]
)
def get_opportunity(request: HttpRequest, opportunity_id: int) -> Any:
    return selectors.opportunity_get(actor=actor_of(request), opportunity_id=opportunity_id)


@router.patch(
    "/growth-opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS}, tags=["growth opportunities"]
)
def update_opportunity(request: HttpRequest, opportunity_id: int, payload: OpportunityPatch) -> Any:
    actor = actor_of(request)
    opp = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.opportunity_update(actor=actor, opportunity=opp, version=version, **changes)


# --- Settings and onboarding ----------------------------------------------------------------------------------------


class SettingsOut(Schema):
    portfolio_mode: str
    max_portfolio_size: int
    health_weights: dict[str, int]
    healthy_from: int
    watch_from: int
    escalate_cadence_after_days: int
    escalate_on_health_at_risk: bool
    escalate_on_budget_over: bool
    escalate_on_unconfirmed_handoff: bool
    status_update_weekday: int
    version: int

    @staticmethod
    def resolve_max_portfolio_size(obj: Any) -> int:
        return int(obj.workspace.max_portfolio_size)


class SettingsPatch(Schema):
    portfolio_mode: Literal["warn", "refuse"] | None = None
    health_weights: dict[str, int] | None = None
    healthy_from: int | None = Field(None, ge=1, le=100)
    watch_from: int | None = Field(None, ge=1, le=100)
    escalate_cadence_after_days: int | None = Field(None, ge=0, le=365)
    escalate_on_health_at_risk: bool | None = None
    escalate_on_budget_over: bool | None = None
    escalate_on_unconfirmed_handoff: bool | None = None
    status_update_weekday: int | None = Field(None, ge=1, le=7)
    version: int | None = None


@router.get("/relationships/settings", response={200: SettingsOut, **ERRORS})
def get_settings(request: HttpRequest) -> Any:
    actor = actor_of(request)

    access.require(actor, "relationships_settings", "view")
    return services.settings_for(actor.workspace)


@router.patch("/relationships/settings", response={200: SettingsOut, **ERRORS})
def update_settings(request: HttpRequest, payload: SettingsPatch) -> Any:
    actor = actor_of(request)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    if request.headers.get("If-Match"):
        version = requested_version(request, version)
    return services.settings_update(actor=actor, version=version, **changes)


class OnboardingStepIO(Schema):
    day_offset: int = Field(0, ge=0, le=30)
    kind: Literal["call", "email", "meeting", "status_update", "strategic_review", "task"]
    title: str = Field(..., min_length=1, max_length=200)


class OnboardingTemplateIO(Schema):
    steps: list[OnboardingStepIO]


class OnboardingItemOut(Schema):
    id: int
    kind: str
    title: str
    due_on: date
    done: bool
    done_at: datetime | None

    @staticmethod
    def resolve_done(obj: Any) -> bool:
        return obj.done_at is not None


class OnboardingOut(Schema):
    client_id: int
    started_on: date | None
    items: list[OnboardingItemOut]


@router.get("/onboarding-template", response={200: OnboardingTemplateIO, **ERRORS})
def get_onboarding_template(request: HttpRequest) -> Any:
    actor = actor_of(request)

    access.require(actor, "relationships_settings", "view")
    plan = services.onboarding_plan(actor.workspace)
    return {"steps": [{"day_offset": d, "kind": k, "title": t} for d, k, t in plan]}


@router.put("/onboarding-template", response={200: OnboardingTemplateIO, **ERRORS})
def put_onboarding_template(request: HttpRequest, payload: OnboardingTemplateIO) -> Any:
    actor = actor_of(request)
    steps = services.onboarding_template_put(actor=actor, steps=[s.model_dump() for s in payload.steps])
    return {"steps": [{"day_offset": s.day_offset, "kind": s.kind, "title": s.title} for s in steps]}


class OnboardingApplyIn(Schema):
    start: date | None = None


@router.post("/clients/{client_id}/onboarding/apply", response={200: OnboardingOut, **ERRORS})
def apply_onboarding(request: HttpRequest, client_id: int, payload: OnboardingApplyIn | None = None) -> Any:
    """Give the client the standard first-30-days plan (touchpoints and tasks) from `start` (default today)."""
    actor = actor_of(request)
    client = selectors.client_for(actor, client_id)
    services.onboarding_apply(actor=actor, client=client, start=payload.start if payload else None)

    return {
        "client_id": client.pk,
        "started_on": services.protocol_for(client).onboarding_started_on,
        "items": list(OnboardingItem.objects.filter(client=client).order_by("due_on", "id")),
    }


# --- Winning a deal (the orchestration lives in relationships.deals) --------------------------------------------


class DealWinIn(Schema):
    template_id: int | None = Field(None, description="A delivery project template (defaults to the deal's).")
    project_name: str | None = None
    start_date: date | None = None
    project_manager_id: int | None = None


class DealWinOut(Schema):
    deal: DealOut
    project_id: int
    handoff_id: int


@router.post("/deals/{deal_id}/win", response={200: DealWinOut, **ERRORS}, tags=["deals"])
def win_deal(request: HttpRequest, deal_id: int, payload: DealWinIn | None = None) -> Any:
    """Win the deal: a project for its client (optionally from a template) and the sales-to-account handoff."""
    actor = actor_of(request)
    deal = crm_selectors.deal_get(actor=actor, deal_id=deal_id)
    data = payload.model_dump() if payload else {}
    deal, project, handoff = deals.deal_win(actor=actor, deal=deal, **data)
    return {
        "deal": crm_selectors.deal_get(actor=actor, deal_id=deal.pk),
        "project_id": project.pk,
        "handoff_id": handoff.pk,
    }
