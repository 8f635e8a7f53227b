"""Deals, client goals, touchpoints (call summaries) and their next steps in search (knowledge's
`register_search_source`, from relationships' `wiring.py`). Each kind is found only among what its own list shows
the person: deals by `deal_list` (owner, admin, finance, AMs; archived ones never), goals by `goal_list` (a client user
its own client's), touchpoints and next steps by `touchpoint_list`/`next_step_list` (staff only)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse

from baton.core import formats
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Deal
from baton.crm.selectors import deal_list
from baton.knowledge.search_sources import SearchDoc, SearchSource, register_search_source
from baton.relationships.models import ClientGoal, NextStep, Touchpoint
from baton.relationships.selectors import goal_list, next_step_list, touchpoint_list


def _join(*parts: object) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _day(workspace: Workspace, value: object) -> str:
    with formats.using(workspace):
        return formats.day(value)


def _account_url(client_id: int | None, anchor: str) -> str:
    return reverse("relationships:account", args=[client_id or 0]) + f"#{anchor}"


# --- Deals ----------------------------------------------------------------------------------------------------


def deal_documents(deal: Deal) -> list[SearchDoc]:
    if deal.archived_at is not None:
        return []
    body = _join(
        deal.get_stage_display(),
        deal.primary_goals,
        deal.objections,
        deal.agreed_deliverables,
        deal.timeline_expectations,
        deal.sales_commitments,
        deal.notes,
        deal.lost_reason,
    )
    return [SearchDoc(deal.name, body, deal.client_id, deal.project_id)]


def deal_visible(actor: Actor) -> QuerySet[Deal]:
    return deal_list(actor=actor)


def deal_url(actor: Actor, deal_id: int, client_id: int | None) -> str:
    return reverse("relationships:deal", args=[deal_id])


# --- Goals ----------------------------------------------------------------------------------------------------


def goal_documents(goal: ClientGoal) -> list[SearchDoc]:
    if goal.archived_at is not None:
        return []
    return [SearchDoc(goal.title, _join(goal.metric, goal.unit, goal.description), goal.client_id)]


def goal_visible(actor: Actor) -> QuerySet[ClientGoal]:
    return goal_list(actor=actor)


def goal_url(actor: Actor, goal_id: int, client_id: int | None) -> str:
    """A client user reads its goals on the portal; staff on the account page."""
    if actor.is_client:
        return reverse("relationships:portal") + "#portal-goals"
    return _account_url(client_id, "goals")


# --- Touchpoints and next steps -------------------------------------------------------------------------------


def touchpoint_title(touchpoint: Touchpoint) -> str:
    """ "Call with Northwind Outdoor, Dec 1, 2026": the day as the workspace writes it, whoever's edit indexed it."""
    with formats.using(touchpoint.workspace):
        day = formats.day(touchpoint.occurred_at)
    return f"{touchpoint.get_kind_display()} with {touchpoint.client.name}, {day}"


def touchpoint_documents(touchpoint: Touchpoint) -> list[SearchDoc]:
    attendees = [a.get("name", "") if isinstance(a, dict) else a for a in touchpoint.attendees or []]
    body = _join(touchpoint.summary, touchpoint.discussed, *attendees)
    return [SearchDoc(touchpoint_title(touchpoint), body, touchpoint.client_id, touchpoint.project_id)]


def touchpoint_records(workspace: Workspace) -> Iterable[Touchpoint]:
    return Touchpoint.objects.filter(workspace=workspace).select_related("client", "workspace")


def touchpoint_visible(actor: Actor) -> QuerySet[Touchpoint]:
    return touchpoint_list(actor=actor)


def touchpoint_url(actor: Actor, touchpoint_id: int, client_id: int | None) -> str:
    return reverse("relationships:touchpoint", args=[touchpoint_id])


def next_step_documents(step: NextStep) -> list[SearchDoc]:
    owner = step.owner or step.owner_contact
    body = " · ".join(
        part
        for part in (
            f"Owner: {owner.name}" if owner else "",
            f"Due {_day(step.workspace, step.due_on)}" if step.due_on else "",
            "Done" if step.done_at else "",
            "From the " + _first_lower(touchpoint_title(step.touchpoint)),
        )
        if part
    )
    return [SearchDoc(step.description, body, step.client_id)]


def next_step_records(workspace: Workspace) -> Iterable[NextStep]:
    return NextStep.objects.filter(workspace=workspace).select_related(
        "owner", "owner_contact", "workspace", "touchpoint", "touchpoint__client", "touchpoint__workspace"
    )


def next_step_visible(actor: Actor) -> QuerySet[NextStep]:
    return next_step_list(actor=actor)


def next_step_url(actor: Actor, step_id: int, client_id: int | None) -> str:
    """Redirects to its touchpoint's page."""
    return reverse("relationships:next_step", args=[step_id])


def next_steps_of_touchpoint(touchpoint_id: int) -> list[int]:
    """A touchpoint logged with next steps emits one event, about the touchpoint: its steps are indexed with it."""
    return list(NextStep.objects.filter(touchpoint_id=touchpoint_id).values_list("id", flat=True))


def touchpoints_of_client(client_id: int) -> list[int]:
    return list(Touchpoint.objects.filter(client_id=client_id).values_list("id", flat=True))


def next_steps_of_client(client_id: int) -> list[int]:
    return list(NextStep.objects.filter(client_id=client_id).values_list("id", flat=True))


register_search_source(
    SearchSource(
        kind="deal",
        label="Deal",
        plural="Deals",
        model=Deal,
        resource="deal",
        documents=deal_documents,
        visible=deal_visible,
        url=deal_url,
    )
)
register_search_source(
    SearchSource(
        kind="client_goal",
        label="Goal",
        plural="Goals",
        model=ClientGoal,
        resource="client_goal",
        documents=goal_documents,
        visible=goal_visible,
        url=goal_url,
    )
)
register_search_source(
    SearchSource(
        kind="touchpoint",
        label="Touchpoint",
        plural="Touchpoints",
        model=Touchpoint,
        resource="touchpoint",
        documents=touchpoint_documents,
        visible=touchpoint_visible,
        url=touchpoint_url,
        records=touchpoint_records,
        refresh_on={"client": touchpoints_of_client},  # its title names the client
    )
)
register_search_source(
    SearchSource(
        kind="next_step",
        label="Next step",
        plural="Next steps",
        model=NextStep,
        resource="touchpoint",
        documents=next_step_documents,
        visible=next_step_visible,
        url=next_step_url,
        records=next_step_records,
        refresh_on={"touchpoint": next_steps_of_touchpoint, "client": next_steps_of_client},
    )
)
