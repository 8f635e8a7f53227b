"""Winning a deal: the orchestration across crm (the deal), delivery (its project) and handoffs (the
sales-to-account handoff). It lives here, on the floor above all three, so crm never imports what builds on it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version
from baton.crm.models import Deal, DealStage
from baton.delivery.models import ProjectTemplate
from baton.delivery.services import project_create, project_create_from_template
from baton.finance.models import Quote, QuoteStatus
from baton.handoffs.services import handoff_open


def _contacts_text(deal: Deal) -> str:
    rows = []
    for c in deal.contacts.all() or deal.client.contacts.all():
        bits = [c.name, c.role, c.email, c.phone]
        rows.append(" · ".join(b for b in bits if b))
    return "\n".join(rows)


def deal_handoff_fields(deal: Deal) -> dict[str, str]:
    """The sales-to-account handoff's fields, prefilled from the deal and its contacts."""
    timeline = deal.timeline_expectations
    if not timeline and deal.expected_close:
        timeline = f"Expected to start after {formats.day(deal.expected_close)}."
    return {
        "primary_goals": deal.primary_goals,
        "objections": deal.objections,
        "agreed_deliverables": deal.agreed_deliverables or deal.name,
        "timeline_expectations": timeline,
        "stakeholder_contacts": _contacts_text(deal),
        "sales_commitments": deal.sales_commitments,
    }


@transaction.atomic
def deal_win(
    *,
    actor: Actor,
    deal: Deal,
    template_id: int | None = None,
    project_name: str | None = None,
    start_date: Any = None,
    project_manager_id: int | None = None,
) -> tuple[Deal, Any, Any]:
    """Win a deal: it becomes `won` (probability 100), a project is created for its client (from a delivery
    template when one is named here or on the deal; none when the deal's accepted quote already made one: that project
    is the deal's) and a `sales_to_account` handoff is opened from the deal's
    owner to the client's account manager, prefilled from the deal. Returns (deal, project, handoff)."""
    access.require(actor, "deal", "win", deal)
    deal = Deal.objects.select_for_update(of=("self",)).select_related("client", "owner").get(pk=deal.pk)
    if deal.stage in (DealStage.WON, DealStage.LOST):
        raise Conflict(f"This deal is already {deal.stage}.", field="stage")
    client = deal.client
    errors: dict[str, str] = {}
    if client.account_manager_id is None:
        errors["client_id"] = "The client has no account manager to hand the deal over to; assign one first."
    if deal.owner_id is None:
        errors["owner_id"] = "The deal has no owner to hand over from."
    elif deal.owner_id == client.account_manager_id:
        errors["owner_id"] = (
            "The deal's owner is the client's account manager: name the salesperson who owns the deal, so the "
            "sales-to-account handoff has someone to hand over from."
        )
    template_id = template_id if template_id is not None else deal.template_id
    template = None
    if template_id is not None:
        template = ProjectTemplate.objects.filter(workspace=actor.workspace, pk=template_id).first()
        if template is None:
            errors["template_id"] = "No such project template in this workspace."
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    start = start_date or max(today, deal.expected_close or today)
    name = (project_name or deal.name).strip()
    common: dict[str, Any] = {"budget_amount": deal.value, "budget_minutes": deal.expected_effort_minutes}
    quoted = (
        Quote.objects.filter(deal=deal, status=QuoteStatus.ACCEPTED, project__isnull=False)
        .select_related("project")
        .order_by("-decided_at", "-id")
        .first()
    )
    project: Any
    if quoted is not None:  # its accepted quote already made the project, with the quote's billing and budget
        project = quoted.project
    elif template is not None:
        project = project_create_from_template(
            actor=actor,
            template=template,
            client_id=client.pk,
            name=name,
            start_date=start,
            project_manager_id=project_manager_id,
            **common,
        )
    else:
        project = project_create(
            actor=actor,
            client_id=client.pk,
            name=name,
            start_date=start,
            project_manager_id=project_manager_id,
            **common,
        )
    handoff = handoff_open(
        actor=actor,
        kind="sales_to_account",
        client=client,
        project=project,
        from_person=deal.owner,
        to_person=client.account_manager,
        fields=deal_handoff_fields(deal),
        source="deal_won",
        source_ref=str(deal.pk),
    )
    old_stage = deal.stage
    deal.stage = DealStage.WON
    deal.probability = 100
    deal.closed_on = today
    deal.project = project
    deal.handoff_id = handoff.pk
    bump_version(deal)
    deal.save()
    events.emit(actor, "deal.stage_changed", deal, data={"from": old_stage, "to": DealStage.WON})
    events.emit(
        actor,
        "deal.won",
        deal,
        data={"project_id": project.pk, "handoff_id": handoff.pk, "owner_id": deal.owner_id, "value": deal.value},
    )
    return deal, project, handoff
