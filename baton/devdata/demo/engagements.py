"""Demo contracts (engagements) for the demo's current clients: recurring retainers, one renewal due within 60 days on
the account at risk, one renewal at a higher value (expansion), one at a lower value (contraction) and a one-off
project contract. Past churned clients are another demo's (the backtest's history)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.relationships import services
from baton.relationships.models import Engagement

SERVICES = ("SEO", "Paid media", "Content", "Web care")


def _year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _retainer(
    actor: Actor, client: Client, name: str, start: date, value: str, service: str, notice: int = 30
) -> Engagement:
    end = _year_after(start) - timedelta(days=1)
    return services.engagement_create(
        actor=actor,
        client=client,
        name=name,
        service=service,
        start_date=start,
        end_date=end,
        renewal_date=end + timedelta(days=1),
        value=Decimal(value),
        recurring=True,
        notice_days=notice,
    )


def _renewed(
    actor: Actor, client: Client, name: str, start: date, value: str, service: str, notice: int = 30
) -> Engagement:
    """A retainer running since `start` that renewed a year's term before it at the same value: long-standing
    accounts are in the retention report's cohort a year back, as they would be in an agency's books."""
    prior = _retainer(actor, client, name, start - timedelta(days=365), value, service, notice=notice)
    return services.engagement_renew(actor=actor, engagement=prior, version=None, start_date=start)


@transaction.atomic
def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """After relationships' demo: its account at risk (the last live client) renews within 60 days."""
    today = timezone.localdate()
    live = [c for c in clients if c.status == "active" and c.account_manager_id]
    if not live:
        return
    at_risk = live[-1]
    for i, client in enumerate(live):
        service = SERVICES[i % len(SERVICES)]
        if client == at_risk:  # renews in 45 days, 30 days' notice: inside notice + 60 on an at-risk account
            start = today + timedelta(days=45) - timedelta(days=365)
            _renewed(actor, client, f"{service} retainer", start, "36000.00", service)
        elif i == 0:  # renewed at a higher value: expansion
            first = _retainer(actor, client, f"{service} retainer", today - timedelta(days=500), "24000.00", service)
            services.engagement_renew(actor=actor, engagement=first, version=None, value=Decimal("36000.00"))
        elif i == 1:  # renewed at a lower value: contraction
            first = _retainer(actor, client, f"{service} retainer", today - timedelta(days=420), "30000.00", service)
            services.engagement_renew(actor=actor, engagement=first, version=None, value=Decimal("21000.00"))
        else:
            start = today - timedelta(days=rng.randint(120, 300))
            value = f"{rng.choice([12, 18, 24, 30, 48]) * 1000}.00"
            _renewed(actor, client, f"{service} retainer", start, value, service, notice=rng.choice([30, 60, 90]))
    first_client = live[0]
    services.engagement_create(
        actor=actor,
        client=first_client,
        name="Website relaunch",
        service="Web build",
        start_date=today - timedelta(days=90),
        end_date=today + timedelta(days=60),
        value=Decimal("48000.00"),
    )
