"""`/deals/{id}/win` (the orchestration lives in relationships.deals)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from baton.core.api_support import ERRORS, actor_of
from baton.core.schemas import InputSchema
from baton.crm import selectors as crm_selectors
from baton.crm.api import DealOut
from baton.relationships import deals

router = Router()


# --- Winning a deal (the orchestration lives in relationships.deals) --------------------------------------------


class DealWinIn(InputSchema):
    template_id: int | None = Field(None, description="A delivery project template (defaults to the deal's).")
    project_name: str | None = None
    start_date: date | None = None
    project_manager_id: int | None = None
    account_manager_id: int | None = Field(
        None, description="For a client nobody manages yet: its account manager (defaults to the deal's owner)."
    )


class DealWinOut(Schema):
    deal: DealOut
    project_id: int
    handoff_id: int | None = Field(description="None when the deal's owner is the client's account manager.")
    engagement_id: int
    client_status: str
    client_activated: bool
    onboarding_started_on: date | None = Field(description="The first-30-days plan's start, when it started now.")


@router.post(
    "/deals/{deal_id}/win",
    response={200: DealWinOut, **ERRORS},
    tags=["deals"],
    operation_id="baton_relationships_api_win_deal",
)
def win_deal(request: HttpRequest, deal_id: int, payload: DealWinIn | None = None) -> Any:
    """Win the deal: the client becomes active (a prospect starts onboarding), a project for it (optionally from a
    template; a retainer when the deal recurs), the engagement, and the sales-to-account handoff unless the deal's
    owner is the client's account manager."""
    actor = actor_of(request)
    deal = crm_selectors.deal_get(actor=actor, deal_id=deal_id)
    data = payload.model_dump() if payload else {}
    won = deals.deal_win(actor=actor, deal=deal, **data)
    return {
        "deal": crm_selectors.deal_get(actor=actor, deal_id=won.deal.pk),
        "project_id": won.project.pk,
        "handoff_id": won.handoff.pk if won.handoff is not None else None,
        "engagement_id": won.engagement.pk,
        "client_status": won.deal.client.status,
        "client_activated": won.client_activated,
        "onboarding_started_on": won.onboarding_started_on,
    }
