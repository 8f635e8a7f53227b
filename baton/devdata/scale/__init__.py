"""The scale generator behind `manage.py generate_agency`: a large agency with years of history, for the benchmarks.

Unlike the demo (`load_demo`, through the services), this writes in bulk (`bulk_create` in batches) so agency-L
(200 people, 400 clients, 3,000 projects, 1,000,000 time entries over 5 years, 50,000 bookings) loads in minutes.
The figures still follow the rules the services enforce: rates resolved with finance's `RateBook` and amounts with
`amount_for`, at most a day's capacity-ish per person and day, invoices whose lines sum their entries, and the time
rollups rebuilt at the end. Each app is one step (`STEPS`); apps built later add theirs at the end.

Distributions: seasonality (quiet Augusts and the last fortnight of December), part-timers (20 %, three days a
week), overbooked weeks (booking pairs that overlap), fixed-fee overruns (a third log 105-140 % of their budget),
T&M, fixed-fee, retainer and non-billable projects, a few foreign-currency clients. The money rules' history too:
status history consistent with each project's status (a retainer or two cancelled half-way), an AM history per
client (one in forty changed AM mid-period), expenses, payments behind every paid invoice, a few credit notes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from baton.core.access import Actor
from baton.devdata.scale._common import SIZES, Progress, Size, World
from baton.devdata.scale.accounts import step_handoffs, step_touchpoints
from baton.devdata.scale.churn import step_churn
from baton.devdata.scale.delivery import step_projects
from baton.devdata.scale.money import step_money
from baton.devdata.scale.people import step_clients, step_people, step_rates
from baton.devdata.scale.work import analyze, step_bookings, step_rollups, step_time
from baton.people.services import workspace_create

__all__ = ["SIZES", "STEPS", "Size", "World", "generate"]

STEPS: list[tuple[str, Callable[[World, Progress], None]]] = [
    ("people", step_people),
    ("rates", step_rates),
    ("clients", step_clients),
    ("projects", step_projects),
    ("time", step_time),
    ("money", step_money),
    ("bookings", step_bookings),
    ("rollups", step_rollups),
    ("touchpoints", step_touchpoints),
    ("handoffs", step_handoffs),
    ("churn", step_churn),
]


def generate(size: str | Size, seed: int, slug: str, progress: Progress | None = None) -> World:
    spec = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data
    today = timezone.localdate()
    workspace = workspace_create(
        slug=slug,
        name=f"Agency {slug}",
        currency="USD",
        owner_email=f"owner@{slug}.baton.test",
        owner_password="baton-bench",
        owner_name="Dana Whitfield",
    )
    Actor.system(workspace)
    w = World(size=spec, rng=rng, workspace=workspace, today=today, start=date(today.year - spec.years, today.month, 1))
    advance = progress or (lambda label, n: None)
    for _, func in STEPS:
        with transaction.atomic():
            func(w, advance)
    analyze()
    return w
