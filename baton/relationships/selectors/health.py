"""The health of clients: their measures read together (`_health_facts_bulk`), then scored."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.crm.models import Client
from baton.delivery.models import Project, Task
from baton.finance.selectors.burn import burn_overview
from baton.handoffs.selectors import handoff_failure_counts, unconfirmed_handoffs
from baton.relationships import cadence as cad
from baton.relationships.health import HealthMeasures, compute_health
from baton.relationships.models import ClientGoal, CommunicationProtocol, Escalation, HealthSnapshot, NextStep
from baton.relationships.selectors.cadence import _touchpoints_of, cadence_items_bulk
from baton.relationships.selectors.clients import _day_bounds, client_for, settings_for
from baton.relationships.selectors.lists import goal_progress

# --- Health -------------------------------------------------------------------------------------------------------
# The signals of many clients are measured together, a fixed number of grouped queries whatever their number; the
# per-client reads (`health_measures`, `client_health`, `budget_overruns`) are the same functions over one client,
# so an account's health page and the portfolio cannot disagree.


def budget_overruns(client: Client, today: date) -> list[tuple[Any, Decimal]]:
    """Live projects of the client past 100 % of their budget, with the burn percentage."""
    return [(p, pct) for p, pct, _ in _project_burns(client, today) if pct is not None and pct > 100]


def _project_burns(client: Client, today: date) -> list[tuple[Any, Decimal | None, Decimal | None]]:
    """(project, burn %, progress %) of the client's live projects with a budget."""
    return _project_burns_bulk([client.pk], today)[client.pk]


def _project_burns_bulk(
    client_ids: list[int], today: date
) -> dict[int, list[tuple[Any, Decimal | None, Decimal | None]]]:
    """(project, burn %, progress %) of the clients' live projects with a budget, by client: one query for the
    projects with their estimate totals, then finance's grouped burn (the same figures as `budget_burn`)."""
    out: dict[int, list[tuple[Any, Decimal | None, Decimal | None]]] = {pk: [] for pk in client_ids}
    if not client_ids:
        return out

    def estimates(done: bool) -> Any:
        tasks = Task.objects.filter(project_id=OuterRef("pk"))
        if done:
            tasks = tasks.filter(status="done")
        return Subquery(
            tasks.order_by().values("project_id").annotate(s=Sum("estimate_minutes")).values("s")[:1],
            output_field=IntegerField(),
        )

    projects: list[Project] = [
        p
        for p in Project.objects.filter(
            client_id__in=client_ids, archived_at__isnull=True, status__in=["active", "on_hold"]
        )
        .select_related("client")
        .annotate(estimate_total=estimates(False), estimate_done=estimates(True))
        if p.budget_amount or p.budget_minutes or p.billing == "retainer"
    ]
    burns = burn_overview(projects, today=today)
    for project in projects:
        burn = burns[project.pk]
        pct = burn.burn_pct if burn.burn_pct is not None else burn.minutes_pct
        total, done = project.estimate_total, project.estimate_done  # type: ignore[attr-defined]
        progress = (
            (Decimal(done or 0) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP) if total else None
        )
        out[project.client_id].append((project, pct, progress))
    return out


def unconfirmed_critical_handoffs(workspace: Workspace, client_id: int) -> list[Any]:
    return [
        h for h in unconfirmed_handoffs(workspace, overdue_only=True, critical_only=True) if h.client_id == client_id
    ]


def _handoff_failures_bulk(clients: list[Client], since: date) -> dict[int, int]:
    return handoff_failure_counts([c.pk for c in clients], since)


def _count_of(qs: QuerySet[Any], field: str = "id", distinct: bool = False) -> Any:
    """A correlated count (0 when none) to annotate a client with."""
    return Coalesce(
        Subquery(
            qs.order_by().values("client_id").annotate(n=Count(field, distinct=distinct)).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _recent_responses_and_sentiments(
    clients: list[Client], ids: list[int], start: datetime
) -> tuple[dict[int, list[int]], dict[int, list[str]]]:
    """The clients' touchpoints since `start`, newest first, in one query: their response times (minutes) and the
    latest five sentiments, by client."""
    responses: dict[int, list[int]] = {pk: [] for pk in ids}
    sentiments: dict[int, list[str]] = {pk: [] for pk in ids}
    for client_id, minutes, sentiment in (
        _touchpoints_of(ids, {c.workspace_id for c in clients})
        .filter(occurred_at__gte=start)
        .order_by("client_id", "-occurred_at", "-id")
        .values_list("client_id", "response_minutes", "sentiment")
    ):
        if minutes:
            responses[client_id].append(int(minutes))
        if sentiment and len(sentiments[client_id]) < 5:
            sentiments[client_id].append(sentiment)
    return responses, sentiments


def _open_counts(ids: list[int], today: date, start: datetime) -> dict[int, dict[str, Any]]:
    """Per client, in one query: overdue open next steps, open escalations, tasks flagged as unmanaged scope since
    `start`."""
    return {
        row["pk"]: row
        for row in Client.objects.filter(pk__in=ids)
        .annotate(
            n_steps=_count_of(
                NextStep.objects.filter(client_id=OuterRef("pk"), done_at__isnull=True, due_on__lt=today)
            ),
            n_escalations=_count_of(Escalation.objects.filter(client_id=OuterRef("pk"), status="open")),
            n_scope=_count_of(
                Event.objects.filter(
                    workspace_id=OuterRef("workspace_id"),
                    client_id=OuterRef("pk"),
                    verb="task.scope_flagged",
                    occurred_at__gte=start,
                ),
                "target_id",
                distinct=True,
            ),
        )
        .values("pk", "n_steps", "n_escalations", "n_scope")
    }


def goal_expected_pct(goal: ClientGoal, today: date) -> Decimal:
    """The share of a goal's time gone by `today`, 0-100: from its start (its creation, or its first KPI value if
    earlier) to its target date, else to a year after its start."""
    values = list(goal.values.all())
    start = min([timezone.localdate(goal.created_at)] + [v.recorded_on for v in values])
    end = goal.target_date or start + timedelta(days=365)
    if end <= start:
        return Decimal(100)
    share = Decimal((today - start).days) * 100 / Decimal((end - start).days)
    return max(Decimal(0), min(Decimal(100), share)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _goals_bulk(ids: list[int], today: date) -> dict[int, tuple[tuple[str, Decimal, Decimal], ...]]:
    """(title, progress %, expected %) of each live goal with a KPI value, by client: two queries."""
    out: dict[int, list[tuple[str, Decimal, Decimal]]] = {pk: [] for pk in ids}
    goals = ClientGoal.objects.filter(client_id__in=ids, archived_at__isnull=True).prefetch_related("values")
    for goal in goals.order_by("client_id", "id"):
        progress = goal_progress(goal)["progress_pct"]
        if progress is not None:
            out[goal.client_id].append((goal.title, progress, goal_expected_pct(goal, today)))
    return {pk: tuple(rows) for pk, rows in out.items()}


def _health_facts_bulk(
    clients: list[Client], today: date
) -> tuple[dict[int, HealthMeasures], dict[int, list[cad.CadenceItem]]]:
    """The health measures and the cadence plan of each client, in a fixed number of queries: protocols, the cadence
    facts (three), projects and their burn (three, four more with retainers), recent touchpoints, the counts of
    overdue next steps, open escalations and unmanaged-scope tasks (one), handoff failures (one), goals and their
    values (two)."""
    ids = [c.pk for c in clients]
    if not ids:
        return {}, {}
    protocols = {p.client_id: p for p in CommunicationProtocol.objects.filter(client_id__in=ids)}
    default = CommunicationProtocol(workspace_id=clients[0].workspace_id)  # the unsaved defaults (`protocol_for`)
    for client in clients:
        protocols.setdefault(client.pk, default)  # one shared instance: only its values are read
    plans = cadence_items_bulk(clients, today, protocols)
    since = today - timedelta(days=90)
    start = _day_bounds(since)
    burns = _project_burns_bulk(ids, today)
    responses, sentiments = _recent_responses_and_sentiments(clients, ids, start)
    counts = _open_counts(ids, today, start)
    failures = _handoff_failures_bulk(clients, since)
    goals = _goals_bulk(ids, today)
    measures = {}
    for client in clients:
        pk = client.pk
        overdue = [i for i in plans[pk] if i.status == "overdue"]
        project_burns = burns[pk]
        gaps = [pct - progress for _, pct, progress in project_burns if pct is not None and progress is not None] + [
            pct for _, pct, progress in project_burns if pct is not None and progress is None and pct > 100
        ]
        response = responses[pk]
        avg = (Decimal(sum(response)) / Decimal(len(response)) / 60).quantize(Decimal("0.1")) if response else None
        measures[pk] = HealthMeasures(
            cadence_days_overdue=sum(i.days_overdue for i in overdue),
            cadence_items_overdue=len(overdue),
            overdue_next_steps=counts[pk]["n_steps"],
            open_escalations=counts[pk]["n_escalations"],
            burn_minus_progress_pct=max(gaps) if gaps else None,
            unmanaged_scope_tasks=counts[pk]["n_scope"],
            handoff_failures=failures.get(pk, 0),
            avg_response_hours=avg,
            response_target_hours=protocols[pk].response_time_hours,
            sentiments=tuple(sentiments[pk]),
            goals=goals[pk],
        )
    return measures, plans


def health_measures(client: Client, today: date) -> HealthMeasures:
    return _health_facts_bulk([client], today)[0][client.pk]


def _scored(measures: HealthMeasures, conf: Any) -> dict[str, Any]:
    return compute_health(measures, conf.health_weights, healthy_from=conf.healthy_from, watch_from=conf.watch_from)


def top_risk(health: dict[str, Any]) -> str:
    """The explanation of the signal that costs the score most: the reason shown beside a score."""
    return str(min(health["signals"], key=lambda s: s["contribution"] - s["weight"])["explanation"])


def client_health(client: Client, today: date | None = None) -> dict[str, Any]:
    return client_health_bulk([client], today)[client.pk]


def client_health_bulk(clients: list[Client], today: date | None = None) -> dict[int, dict[str, Any]]:
    """`client_health` of many clients of one workspace, in the queries of `_health_facts_bulk` plus the settings."""
    if not clients:
        return {}
    today = today or timezone.localdate()
    conf = settings_for(clients[0].workspace)
    measures, _ = _health_facts_bulk(clients, today)
    return {pk: {**_scored(m, conf), "as_of": today} for pk, m in measures.items()}


def health_for(*, actor: Actor, client_id: int, today: date | None = None) -> dict[str, Any]:
    client = client_for(actor, client_id)
    access.require(actor, "health", "view")
    result = client_health(client, today)
    result["client_id"] = client.pk
    result["trend"] = [
        {"date": d, "score": s, "band": b}
        for d, s, b in HealthSnapshot.objects.filter(client=client)
        .order_by("-taken_on")
        .values_list("taken_on", "score", "band")[:90]
    ][::-1]
    return result
