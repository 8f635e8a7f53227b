"""Meeting preparation: `/meetings` (schedule, list), `/meetings/{id}/brief` (+ `brief.pdf`), `/clients/{id}/qbr`
(+ `qbr.pdf`), and the recap e-mail of a touchpoint (`/touchpoints/{id}/recap`, `.../recap/send`)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, PDF_CONTENT, ListParams, Page, actor_of, paginate
from baton.core.schemas import InputSchema, StrictSchema
from baton.relationships import selectors, services
from baton.relationships.api._common import _client
from baton.relationships.pdf import render_meeting_brief, render_qbr

router = Router()

MeetingKindName = Literal["call", "meeting", "strategic_review"]


# --- Meetings -------------------------------------------------------------------------------------------------------


class MeetingIn(InputSchema):
    client_id: int
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: datetime
    kind: MeetingKindName = "meeting"
    duration_minutes: int = Field(60, ge=1, le=24 * 60)
    person_id: int | None = None
    contact_ids: list[int] = []
    agenda: str = ""


class MeetingOut(Schema):
    id: int
    client_id: int
    client_name: str
    kind: str
    title: str
    starts_at: datetime
    duration_minutes: int
    person_id: int | None
    contact_ids: list[int]
    agenda: str
    touchpoint_id: int | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj.client.name)

    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.contacts.all())


class MeetingFilters(ListParams):
    client_id: int | None = None
    upcoming: bool = False


@router.get(
    "/meetings",
    response={200: Page[MeetingOut], **ERRORS},
    tags=["meetings"],
    operation_id="baton_relationships_api_list_meetings",
)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    """Scheduled client meetings (an AM: its own clients'); `upcoming=true` from now on."""
    qs = selectors.meeting_list(
        actor=actor_of(request), client_id=filters.client_id, start=timezone.now() if filters.upcoming else None
    )
    return paginate(qs, filters)


@router.post(
    "/meetings",
    response={201: MeetingOut, **ERRORS},
    tags=["meetings"],
    operation_id="baton_relationships_api_schedule_meeting",
)
def schedule_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    meeting = services.meeting_schedule(actor=actor, client=client, **data)
    return Status(201, selectors.meeting_get(actor=actor, meeting_id=meeting.pk))


# --- The brief ------------------------------------------------------------------------------------------------------


class MeetingBriefOut(Schema):
    meeting: MeetingOut
    client_id: int
    client_name: str
    attendees: list[dict[str, str]]
    last_meeting_id: int | None
    last_meeting_at: datetime | None
    decisions_since: date
    next_steps: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    health: dict[str, Any]
    decisions: list[dict[str, Any]]
    budget_shared: bool
    budgets: list[dict[str, Any]]
    risks: list[str]


def _burn_json(rows: list[dict[str, Any]], show_money: bool) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        burn = row["burn"]
        item: dict[str, Any] = {
            "project_id": row["project_id"],
            "project": row["project"],
            "spent_minutes": burn.spent_minutes,
            "budget_minutes": burn.budget_minutes,
            "minutes_pct": burn.minutes_pct,
        }
        if show_money:
            item |= {
                "currency": burn.currency,
                "spent_amount": burn.spent_amount,
                "budget_amount": burn.budget_amount,
                "burn_pct": burn.burn_pct,
            }
        out.append(item)
    return out


def _decisions_json(decisions: list[Any]) -> list[dict[str, Any]]:
    return [{"id": d.pk, "title": d.title, "decided_on": d.decided_on, "internal": d.internal} for d in decisions]


def _goal_json(row: dict[str, Any], value_key: str) -> dict[str, Any]:
    goal = row["goal"]
    return {
        "goal_id": goal.pk,
        "title": goal.title,
        "metric": goal.metric,
        "unit": goal.unit,
        "baseline": goal.baseline,
        "target": goal.target,
        "value": row[value_key],
        "progress_pct": row["progress_pct"],
        "achieved": row["achieved"],
    }


@router.get(
    "/meetings/{meeting_id}/brief",
    response={200: MeetingBriefOut, **ERRORS},
    tags=["meetings"],
    operation_id="baton_relationships_api_meeting_brief",
)
def meeting_brief(request: HttpRequest, meeting_id: int) -> Any:
    """The pre-meeting brief: attendees, open next steps, goals and KPIs, health and its reasons, decisions since
    the last meeting, budget burn (money to those who may see budgets), risks. Internal: never for the client."""
    brief = selectors.meeting_brief(actor=actor_of(request), meeting_id=meeting_id)
    last = brief["last_meeting"]
    return {
        "meeting": brief["meeting"],
        "client_id": brief["client"].pk,
        "client_name": brief["client"].name,
        "attendees": brief["attendees"],
        "last_meeting_id": last.pk if last else None,
        "last_meeting_at": last.occurred_at if last else None,
        "decisions_since": brief["since"],
        "next_steps": [
            {
                "id": s.pk,
                "description": s.description,
                "owner": s.owner.name if s.owner else (s.owner_contact.name if s.owner_contact else None),
                "due_on": s.due_on,
            }
            for s in brief["next_steps"]
        ],
        "goals": [_goal_json(g, "latest_value") for g in brief["goals"]],
        "health": {
            "score": brief["health"]["score"],
            "band": brief["health"]["band"],
            "reasons": [r["explanation"] for r in brief["health_reasons"]],
        },
        "decisions": _decisions_json(brief["decisions"]),
        "budget_shared": brief["budget_shared"],
        "budgets": _burn_json(brief["budgets"], brief["show_money"]),
        "risks": brief["risks"],
    }


@router.get(
    "/meetings/{meeting_id}/brief.pdf",
    response={200: None, **ERRORS},
    tags=["meetings"],
    operation_id="baton_relationships_api_meeting_brief_pdf",
    openapi_extra={"responses": {200: {"description": "The pre-meeting brief as a PDF", "content": PDF_CONTENT}}},
)
def meeting_brief_pdf(request: HttpRequest, meeting_id: int) -> Any:
    brief = selectors.meeting_brief(actor=actor_of(request), meeting_id=meeting_id)
    return FileResponse(
        io.BytesIO(render_meeting_brief(brief)),
        as_attachment=True,
        filename=f"meeting-brief-{meeting_id}.pdf",
        content_type="application/pdf",
    )


# --- The QBR pack -------------------------------------------------------------------------------------------------


class QbrParams(StrictSchema):
    quarter: str | None = Field(None, description="YYYYQn, e.g. 2026Q3; the current quarter by default.")
    client_facing: bool = Field(False, description="The version for the client (passes core.client_view).")


class QbrOut(Schema):
    client_id: int
    client_name: str
    quarter: str
    start: date
    end: date
    client_facing: bool
    goals: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    minutes_by_project: list[dict[str, Any]]
    total_minutes: int
    budgets: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    escalations: list[dict[str, Any]] | None
    health_score: int | None
    proposal: str


def _pack(request: HttpRequest, client_id: int, params: QbrParams) -> dict[str, Any]:
    quarter = params.quarter or selectors.quarter_of(timezone.localdate())
    return selectors.qbr_pack(
        actor=actor_of(request), client_id=client_id, quarter=quarter, client_facing=params.client_facing
    )


@router.get(
    "/clients/{client_id}/qbr",
    response={200: QbrOut, **ERRORS},
    tags=["meetings"],
    operation_id="baton_relationships_api_client_qbr",
)
def client_qbr(request: HttpRequest, client_id: int, params: Query[QbrParams]) -> Any:
    """The QBR pack of a quarter: results against goals (the latest KPI value in the quarter against the target),
    work delivered (milestones, tasks, minutes by project), budget, decisions and a drafted proposal."""
    pack = _pack(request, client_id, params)
    return {
        "client_id": pack["client"].pk,
        "client_name": pack["client"].name,
        "quarter": pack["quarter"],
        "start": pack["start"],
        "end": pack["end"],
        "client_facing": pack["client_facing"],
        "goals": [_goal_json(g, "value") for g in pack["goals"]],
        "milestones": [
            {"id": m.pk, "name": m.name, "project": m.project.name, "completed_at": m.completed_at}
            for m in pack["milestones"]
        ],
        "tasks": [
            {"id": t.pk, "title": t.title, "project": t.project.name, "completed_at": t.completed_at}
            for t in pack["tasks"]
        ],
        "minutes_by_project": pack["hours"],
        "total_minutes": pack["total_minutes"],
        "budgets": _burn_json(pack["budgets"], pack["show_money"]),
        "decisions": _decisions_json(pack["decisions"]),
        "escalations": None
        if pack["client_facing"]
        else [{"id": e.pk, "title": e.title, "status": e.status} for e in pack["escalations"]],
        "health_score": pack["health"]["score"] if pack["health"] else None,
        "proposal": pack["proposal"],
    }


@router.get(
    "/clients/{client_id}/qbr.pdf",
    response={200: None, **ERRORS},
    tags=["meetings"],
    operation_id="baton_relationships_api_client_qbr_pdf",
    openapi_extra={"responses": {200: {"description": "The QBR pack as a PDF", "content": PDF_CONTENT}}},
)
def client_qbr_pdf(request: HttpRequest, client_id: int, params: Query[QbrParams]) -> Any:
    pack = _pack(request, client_id, params)
    return FileResponse(
        io.BytesIO(render_qbr(pack)),
        as_attachment=True,
        filename=f"qbr-{client_id}-{pack['quarter']}.pdf",
        content_type="application/pdf",
    )


# --- The recap e-mail -----------------------------------------------------------------------------------------------


class RecapIn(InputSchema):
    subject: str | None = Field(None, max_length=300)
    body: str | None = None
    recipients: list[str] | None = None


class RecapSendIn(InputSchema):
    recipients: list[str] | None = None


class RecapOut(Schema):
    id: int
    touchpoint_id: int
    client_id: int
    subject: str
    body: str
    recipients: list[str]
    status: str
    sent_at: datetime | None
    sent_by_id: int | None
    version: int


@router.post(
    "/touchpoints/{touchpoint_id}/recap",
    response={200: RecapOut, **ERRORS},
    tags=["touchpoints"],
    operation_id="baton_relationships_api_draft_recap",
)
def draft_recap(request: HttpRequest, touchpoint_id: int, payload: RecapIn) -> Any:
    """Draft the recap e-mail (or save the edited draft): nothing is sent until `.../recap/send`."""
    actor = actor_of(request)
    touchpoint = selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint_id)
    return services.recap_draft(actor=actor, touchpoint=touchpoint, **payload.model_dump(exclude_unset=True))


@router.post(
    "/touchpoints/{touchpoint_id}/recap/send",
    response={200: RecapOut, **ERRORS},
    tags=["touchpoints"],
    operation_id="baton_relationships_api_send_recap",
)
def send_recap(request: HttpRequest, touchpoint_id: int, payload: RecapSendIn) -> Any:
    """Confirm and send the drafted recap to its recipients (409 without a draft or when already sent)."""
    actor = actor_of(request)
    touchpoint = selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint_id)
    return services.recap_send(actor=actor, touchpoint=touchpoint, **payload.model_dump(exclude_unset=True))
