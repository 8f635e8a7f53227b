"""Winning a deal: the orchestration across crm (the deal and its client), delivery (its project, a retainer when the
deal recurs), handoffs (the sales-to-account handoff), and relationships' own onboarding and engagements. It lives
here, on the floor above all of them, so crm never imports what builds on it. Turning a growth opportunity into a
deal is here too (it writes crm's deal and relationships' opportunity)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, check_version
from baton.crm.models import Client, ClientStatus, Deal, DealStage
from baton.crm.services import client_update, deal_create
from baton.delivery.models import Billing, ProjectTemplate
from baton.delivery.services import project_create, project_create_from_template
from baton.finance.models import Quote, QuoteStatus
from baton.finance.services.recurring import add_months
from baton.handoffs.models import Handoff
from baton.handoffs.services import handoff_open
from baton.people.validators import person_of_workspace
from baton.relationships.models import Engagement, GrowthOpportunity, OpportunityStatus
from baton.relationships.services import engagement_create, onboarding_apply


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


class DealWon(NamedTuple):
    """What winning a deal made: the project, the handoff (None when the seller is the account manager), the
    engagement, and whether the client became active and started its onboarding."""

    deal: Deal
    project: Any
    handoff: Handoff | None
    engagement: Engagement
    client_activated: bool
    onboarding_started_on: date | None


def _acting(actor: Actor, resource: str, action: str, obj: Any) -> Actor:
    """Who carries out a consequence of the win: the winner when its role may do it itself, else Baton on its behalf
    (the win itself was allowed; e.g. an AM who sold to a client nobody manages yet, and now manages it)."""
    return actor if access.allowed(actor, resource, action, obj) else Actor.system(actor.workspace)


def _win_errors(actor: Actor, deal: Deal, account_manager_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if deal.owner_id is None:
        errors["owner_id"] = "The deal has no owner: name who sold it before winning it."
    if account_manager_id is not None:
        if deal.client.account_manager_id not in (None, account_manager_id):
            errors["account_manager_id"] = (
                "The client already has an account manager; change it on the client, not when winning a deal."
            )
        else:
            person_of_workspace(actor.workspace, account_manager_id, "account_manager_id", errors)
    return errors


def _retainer_fields(deal: Deal, start: date) -> dict[str, Any]:
    """A recurring deal's project is a monthly retainer: its value and effort are the whole term's, so each month's
    budget is a `term_months`-th of them (money half up to cents, minutes floored)."""
    term = max(1, int(deal.term_months or 1))
    return {
        "billing": Billing.RETAINER,
        "retainer_period": "month",
        "period_budget_amount": (Decimal(deal.value) / term).quantize(Decimal("0.01"), ROUND_HALF_UP),
        "period_budget_minutes": deal.expected_effort_minutes // term if deal.expected_effort_minutes else None,
        "end_date": add_months(start, term) - timedelta(days=1),
    }


def _make_project(
    actor: Actor, deal: Deal, template: ProjectTemplate | None, *, name: str, start: date, project_manager_id: Any
) -> Any:
    """The deal's project: the one its accepted quote already made, else from the template, else a new one (a
    monthly retainer when the deal recurs)."""
    quoted = (
        Quote.objects.filter(deal=deal, status=QuoteStatus.ACCEPTED, project__isnull=False)
        .select_related("project")
        .order_by("-decided_at", "-id")
        .first()
    )
    if quoted is not None:  # its accepted quote already made the project, with the quote's billing and budget
        return quoted.project
    common: dict[str, Any] = {"budget_amount": deal.value, "budget_minutes": deal.expected_effort_minutes}
    if deal.recurring:
        common |= _retainer_fields(deal, start)
    if template is not None:
        return project_create_from_template(
            actor=actor,
            template=template,
            client_id=deal.client_id,
            name=name,
            start_date=start,
            project_manager_id=project_manager_id,
            **common,
        )
    return project_create(
        actor=actor,
        client_id=deal.client_id,
        name=name,
        start_date=start,
        project_manager_id=project_manager_id,
        **common,
    )


def _activate_client(actor: Actor, client: Client, account_manager_id: int) -> tuple[Client, bool]:
    """The won client becomes `active` (a prospect, or a paused or churned one won back) and gets its account
    manager when it had none, through crm's client service (`client.status_changed`, `client.am_changed`)."""
    changes: dict[str, Any] = {}
    if client.status != ClientStatus.ACTIVE:
        changes["status"] = ClientStatus.ACTIVE
    if client.account_manager_id is None:
        changes["account_manager_id"] = account_manager_id
    if not changes:
        return client, False
    was = client.status
    client = client_update(
        actor=_acting(actor, "client", "update", client), client=client, version=client.version, **changes
    )
    return client, was != ClientStatus.ACTIVE


def _record_engagement(actor: Actor, deal: Deal, project: Any, start: date) -> Engagement:
    """The contract the win starts: a recurring deal's runs its term (end and renewal on start + term months, value
    the deal's, i.e. the whole term's); a one-off's is the deal's value with no end or renewal."""
    fields: dict[str, Any] = {
        "service": deal.service,
        "value": deal.value,
        "currency": deal.currency,
        "recurring": deal.recurring,
        "project": project,
        "deal": deal,
    }
    if deal.recurring:
        end = add_months(start, max(1, int(deal.term_months or 1)))
        fields |= {"end_date": end, "renewal_date": end}
    return engagement_create(
        actor=_acting(actor, "engagement", "create", Engagement(workspace=actor.workspace, client=deal.client)),
        client=deal.client,
        name=deal.name,
        start_date=start,
        **fields,
    )


# Complexity: checks, then the win's steps in order (client, project, handoff, onboarding, engagement, deal); kept
# whole so the orchestration reads top to bottom.
@transaction.atomic
def deal_win(
    *,
    actor: Actor,
    deal: Deal,
    template_id: int | None = None,
    project_name: str | None = None,
    start_date: Any = None,
    project_manager_id: int | None = None,
    account_manager_id: int | None = None,
) -> DealWon:
    """Win a deal: it becomes `won` (probability 100); its client becomes `active` (a prospect also starts its
    first-30-days onboarding from the project's start) and, when nobody manages it yet, gets an account manager
    (`account_manager_id`, else the deal's owner); a project is created for the client (from a delivery template
    when one is named here or on the deal; a monthly retainer when the deal recurs; none when the deal's accepted
    quote already made one: that project is the deal's); an engagement records the contract; and a
    `sales_to_account` handoff is opened from the deal's owner to the client's account manager, prefilled from the
    deal, unless they are the same person (a founder who sells and manages hands nothing over)."""
    access.require(actor, "deal", "win", deal)
    deal = Deal.objects.select_for_update(of=("self",)).select_related("client", "owner").get(pk=deal.pk)
    if deal.stage in (DealStage.WON, DealStage.LOST):
        raise Conflict(f"This deal is already {deal.stage}.", field="stage")
    errors = _win_errors(actor, deal, account_manager_id)
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
    was_prospect = deal.client.status == ClientStatus.PROSPECT
    am_id = deal.client.account_manager_id or account_manager_id or deal.owner_id
    assert am_id is not None  # the owner is checked above
    client, activated = _activate_client(actor, deal.client, am_id)
    deal.client = client
    project = _make_project(
        actor,
        deal,
        template,
        name=(project_name or deal.name).strip(),
        start=start,
        project_manager_id=project_manager_id,
    )
    handoff = None
    if deal.owner_id != client.account_manager_id:
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
    onboarding_from = None
    if was_prospect:
        onboarding_apply(actor=_acting(actor, "protocol", "update", client), client=client, start=start)
        onboarding_from = start
    engagement = _record_engagement(actor, deal, project, start)
    old_stage = deal.stage
    deal.stage = DealStage.WON
    deal.probability = 100
    deal.closed_on = today
    deal.project = project
    deal.handoff_id = handoff.pk if handoff is not None else None
    bump_version(deal)
    deal.save()
    events.emit(actor, "deal.stage_changed", deal, data={"from": old_stage, "to": DealStage.WON})
    events.emit(
        actor,
        "deal.won",
        deal,
        data={
            "project_id": project.pk,
            "handoff_id": deal.handoff_id,
            "owner_id": deal.owner_id,
            "value": deal.value,
            "recurring": deal.recurring,
            "engagement_id": engagement.pk,
            "client_activated": activated,
        },
    )
    close_opportunities(actor, deal, OpportunityStatus.WON)
    return DealWon(deal, project, handoff, engagement, activated, onboarding_from)


def close_opportunities(actor: Actor, deal: Deal, status: str) -> None:
    """The growth opportunities a deal was made from follow it when it closes: won with it, or lost with it."""
    for opp in GrowthOpportunity.objects.select_for_update().filter(
        deal=deal, status__in=(OpportunityStatus.IDEA, OpportunityStatus.PROPOSED)
    ):
        old = opp.status
        opp.status = status
        bump_version(opp)
        opp.save()
        events.emit(actor, "growth_opportunity.updated", opp, data={"changes": {"status": [old, status]}})


# --- Growth opportunity → deal ------------------------------------------------------------------------------------


@transaction.atomic
def opportunity_to_deal(
    *, actor: Actor, opportunity: GrowthOpportunity, version: int | None = None, **fields: Any
) -> Deal:
    """Turn a growth opportunity into a deal in one step: a deal for its client, prefilled from it (name = title,
    value, owner, notes; `fields` may set any other deal field, e.g. stage, expected_close, recurring), linked from the
    opportunity, which becomes `proposed`. Once only: an opportunity that is already a deal, won or lost is 409."""
    access.require(actor, "growth_opportunity", "update", opportunity)
    opp = GrowthOpportunity.objects.select_for_update().select_related("client").get(pk=opportunity.pk)
    if version is not None:
        check_version(opp, version)
    if opp.deal_id is not None:
        raise Conflict("This opportunity is already a deal.", field="deal_id")
    if opp.status in (OpportunityStatus.WON, OpportunityStatus.LOST):
        raise Conflict(f"This opportunity is already {opp.status}.", field="status")
    notes = opp.notes
    label = "Upsell" if opp.kind == "upsell" else "Cross-sell"
    notes = f"{label} opportunity: {opp.title}." + (f"\n\n{notes}" if notes else "")
    prefill: dict[str, Any] = {
        "name": opp.title,
        "value": opp.value,
        "owner_id": opp.owner_id or actor.person_id,
        "notes": notes,
        "stage": DealStage.PROPOSAL,
    }
    deal = deal_create(actor=actor, client=opp.client, **(prefill | {k: v for k, v in fields.items() if v is not None}))
    old_status = opp.status
    opp.deal = deal
    opp.status = OpportunityStatus.PROPOSED
    bump_version(opp)
    opp.save()
    events.emit(
        actor,
        "growth_opportunity.converted",
        opp,
        data={"deal_id": deal.pk, "value": deal.value, "from": old_status, "to": opp.status},
    )
    return deal
