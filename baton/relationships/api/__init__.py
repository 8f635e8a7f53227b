"""`/api/v1/` for account management: protocols, cadence, health, portfolio, touchpoints and next steps, status
updates, client goals and reports, escalations, growth opportunities, onboarding and settings. One router per resource
group, assembled here in the order of their paths in the OpenAPI document."""

from ninja import Router

from baton.relationships.api import (
    accounts,
    backtest,
    deal_win,
    engagements,
    escalations,
    goals,
    meetings,
    opportunities,
    settings,
    status_updates,
    touchpoints,
    workplace,
)

router = Router(tags=["relationships"])
for part in (
    accounts,
    touchpoints,
    meetings,
    status_updates,
    goals,
    escalations,
    opportunities,
    engagements,
    settings,
    backtest,
    deal_win,
    workplace,
):
    router.add_router("", part.router)
