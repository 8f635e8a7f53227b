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


class DealWinOut(Schema):
    deal: DealOut
    project_id: int
    handoff_id: int


@router.post(
    "/deals/{deal_id}/win",
    response={200: DealWinOut, **ERRORS},
    tags=["deals"],
    operation_id="baton_relationships_api_win_deal",
)
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
