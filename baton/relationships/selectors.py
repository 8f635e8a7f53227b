"""Reads for account management: the cadence plan and health of a client, portfolios, and the lists behind the
API and pages. Every list takes the `Actor`; another workspace's or (client role) another client's ids are 404."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.core.selectors import one_or_404
from baton.crm.models import Client
from baton.delivery import selectors as delivery
from baton.delivery.models import Milestone, Project, Task
from baton.finance.models import ChangeOrder
from baton.finance.selectors.burn import budget_burn, burn_overview
from baton.handoffs.selectors import handoff_failure_counts, unconfirmed_handoffs
from baton.knowledge.models import Decision
from baton.knowledge.selectors import decision_list
from baton.relationships import cadence as cad
from baton.relationships.health import HealthMeasures, compute_health
from baton.relationships.models import (
    ClientGoal,
    CommunicationProtocol,
    Escalation,
    GrowthOpportunity,
    HealthSnapshot,
    NextStep,
    OnboardingItem,
    RelationshipsSettings,
    StatusUpdate,
    Touchpoint,
)
from baton.timesheets.models import TimeEntry

# --- Clients ------------------------------------------------------------------------------------------------------


def settings_for(workspace: Workspace) -> RelationshipsSettings:
    """The workspace's settings (an unsaved default until first changed)."""
    found = RelationshipsSettings.objects.filter(workspace=workspace).first()
    return found or RelationshipsSettings(workspace=workspace)


def protocol_for(client: Client) -> CommunicationProtocol:
    """The client's protocol (an unsaved default when none was agreed yet)."""
    found = CommunicationProtocol.objects.filter(client=client).first()
    return found or CommunicationProtocol(workspace_id=client.workspace_id, client=client)


def client_for(actor: Actor, client_id: int) -> Client:
    """A client the actor may see (another workspace's, or another client for a client user: 404)."""
    qs = Client.objects.filter(workspace=actor.workspace).select_related("account_manager")
    if actor.is_client:
        qs = qs.filter(pk=actor.client_id or 0)
    return one_or_404(qs.filter(pk=client_id), "client")


def _day_bounds(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Cadence ------------------------------------------------------------------------------------------------------


def _spec(protocol: CommunicationProtocol, client: Client, tz: Any = None) -> cad.ProtocolSpec:
    tz = tz or timezone.get_current_timezone()  # a caller computing many passes it once
    anchor = (protocol.created_at if protocol.pk else client.created_at).astimezone(tz).date()
    return cad.ProtocolSpec(
        update_every_days=protocol.update_every_days,
        meeting_every_days=protocol.meeting_every_days,
        strategic_review_every_days=protocol.strategic_review_every_days,
        onboarding_started_on=protocol.onboarding_started_on,
        onboarding_update_every_days=protocol.onboarding_update_every_days,
        anchor=anchor,
    )


def client_cadence_items(
    client: Client, today: date, protocol: CommunicationProtocol | None = None
) -> list[cad.CadenceItem]:
    """Every cadence item of the client as of `today`."""
    protocols = {client.pk: protocol} if protocol is not None else None
    return cadence_items_bulk([client], today, protocols)[client.pk]


def cadence_items_bulk(
    clients: list[Client], today: date, protocols: dict[int, CommunicationProtocol] | None = None
) -> dict[int, list[cad.CadenceItem]]:
    """The cadence items of many clients in a fixed number of queries (protocols, touchpoints, milestones,
    onboarding items), whatever their number."""
    ids = [c.pk for c in clients]
    if protocols is None:
        protocols = {p.client_id: p for p in CommunicationProtocol.objects.filter(client_id__in=ids)}
    logged, milestones, onboarding = _cadence_inputs(ids, today, {c.workspace_id for c in clients})
    result = {}
    tz = timezone.get_current_timezone()
    default: CommunicationProtocol | None = None  # the unsaved defaults, one instance shared (only values are read)
    for client in clients:
        protocol = protocols.get(client.pk)
        if protocol is None:
            default = default or CommunicationProtocol(workspace_id=client.workspace_id)
            protocol = default
        result[client.pk] = cad.cadence_plan(
            _spec(protocol, client, tz), today, logged[client.pk], milestones[client.pk], onboarding[client.pk]
        )
    return result


def _touchpoints_of(ids: list[int], workspace_ids: set[int] | None) -> QuerySet[Touchpoint]:
    """The clients' touchpoints, narrowed by their workspaces too (a touchpoint is always its client's workspace's)
    so that SQLite and PostgreSQL search the (workspace, client, occurred_at) index instead of scanning the table."""
    qs = Touchpoint.objects.filter(client_id__in=ids)
    if workspace_ids is not None:
        qs = (
            qs.filter(workspace_id__in=sorted(workspace_ids))
            if len(workspace_ids) > 1
            else qs.filter(workspace_id=next(iter(workspace_ids), 0))
        )
    return qs


def _local_day_never_steps_back(tz: Any, start: datetime, end: datetime) -> bool:
    """Whether a later moment between `start` and `end` is never on an earlier local day in `tz`: false only when
    the UTC offset falls back across local midnight in the window (Goose Bay's 00:01 -> 23:01 until 2010, say).
    Each day's offset is compared with the previous one's, and a fall-back is located to the minute."""
    step = timedelta(days=1)
    start, end = start.astimezone(UTC), end.astimezone(UTC)  # arithmetic on moments, not on `tz`'s wall clock
    at, offset = start, start.astimezone(tz).utcoffset()
    while at < end:
        nxt = min(at + step, end)
        offset_next = nxt.astimezone(tz).utcoffset()
        if offset_next is not None and offset is not None and offset_next < offset:
            before, after = at, nxt  # the fall-back is in (before, after]
            while after - before > timedelta(minutes=1):
                mid = before + (after - before) / 2
                if mid.astimezone(tz).utcoffset() == offset:
                    before = mid
                else:
                    after = mid
            if after.astimezone(tz).date() < before.astimezone(tz).date():
                return False
        at, offset = nxt, offset_next
    return True


def _cadence_inputs(
    ids: list[int], today: date, workspace_ids: set[int] | None = None
) -> tuple[
    dict[int, list[cad.LoggedTouchpoint]],
    dict[int, list[cad.MilestoneFact]],
    dict[int, list[tuple[int, str, str, date]]],
]:
    """What the cadence plans of these clients read, by client: touchpoints (the latest per kind and milestone),
    milestones, open onboarding items. Three queries."""
    since = today - timedelta(days=400)
    tz = timezone.get_current_timezone()  # once: `localtime` looks it up again for each row
    logged: dict[int, list[cad.LoggedTouchpoint]] = {i: [] for i in ids}
    # Only the latest local day per client, kind and milestone can matter: the plan asks for the last touchpoint of a
    # set of kinds up to today (from some day on: the latest is then in range or none is) and whether one naming a
    # milestone falls in a window ending today (the latest does, or none does). The database groups a year of
    # touchpoints into those few rows. Their latest moment's local day is their latest local day unless the zone's
    # local date steps back in the window (a fall-back just after midnight); only then does the database compute each
    # touchpoint's local day, which on SQLite is a Python function called per row (20,000 times at agency-L).
    lo, hi = _day_bounds(since), _day_bounds(today + timedelta(days=1))
    touchpoints = (
        _touchpoints_of(ids, workspace_ids)
        .filter(occurred_at__gte=lo, occurred_at__lt=hi)
        .order_by()
        .values("client_id", "kind", "milestone_id")
    )
    if _local_day_never_steps_back(tz, lo, hi):
        for client_id, kind, milestone_id, at in touchpoints.annotate(at=Max("occurred_at")).values_list(
            "client_id", "kind", "milestone_id", "at"
        ):
            logged[client_id].append(cad.LoggedTouchpoint(kind, at.astimezone(tz).date(), milestone_id))
    else:
        for client_id, kind, milestone_id, day in touchpoints.annotate(
            day=Max(TruncDate("occurred_at", tzinfo=tz))
        ).values_list("client_id", "kind", "milestone_id", "day"):
            logged[client_id].append(cad.LoggedTouchpoint(kind, day, milestone_id))
    milestones: dict[int, list[cad.MilestoneFact]] = {i: [] for i in ids}
    for m in (
        Milestone.objects.filter(
            project__client_id__in=ids,
            project__archived_at__isnull=True,
            project__status__in=["planned", "active", "on_hold", "done"],
        )
        .filter(Q(due_date__gte=today - timedelta(days=cad.MILESTONE_LOOKBACK_DAYS)) | Q(completed_at__isnull=False))
        .filter(
            Q(completed_at__isnull=True)
            | Q(completed_at__gte=_day_bounds(today - timedelta(days=cad.MILESTONE_CONFIRM_DAYS)))
        )
        .values_list("project__client_id", "id", "name", "due_date", "completed_at")
    ):
        client_id, pk, name, due, completed = m
        milestones[client_id].append(
            cad.MilestoneFact(pk, name, due, completed.astimezone(tz).date() if completed else None)
        )
    onboarding: dict[int, list[tuple[int, str, str, date]]] = {i: [] for i in ids}
    for item in OnboardingItem.objects.filter(
        client_id__in=ids, done_at__isnull=True, due_on__lte=today + timedelta(days=cad.UPCOMING_DAYS)
    ).values_list("client_id", "id", "kind", "title", "due_on"):
        onboarding[item[0]].append(item[1:])
    return logged, milestones, onboarding


def cadence_for(*, actor: Actor, client_id: int, today: date | None = None) -> dict[str, Any]:
    """What is due and overdue for the client today (and what comes up within a week), each with its reason."""
    client = client_for(actor, client_id)
    access.require(actor, "protocol", "view")
    today = today or timezone.localdate()

    protocol = protocol_for(client)
    items = client_cadence_items(client, today, protocol)
    spec = _spec(protocol, client)
    due = cad.due_items(items)
    return {
        "client_id": client.pk,
        "date": today,
        "phase": cad.phase(spec, today),
        "onboarding_day": cad.onboarding_day(spec, today),
        "due_count": len(due),
        "overdue_count": sum(1 for i in due if i.status == "overdue"),
        "items": [i.as_dict() for i in due],
        "upcoming": [i.as_dict() for i in cad.upcoming_items(items, today)],
    }


def cadence_today(
    *,
    actor: Actor,
    account_manager_id: int | None = None,
    today: date | None = None,
    plans: dict[int, list[cad.CadenceItem]] | None = None,
) -> list[dict[str, Any]]:
    """Everything due or overdue today across a portfolio (the AM's own by default), most overdue first. `plans`:
    cadence plans (`cadence_items_bulk`, same day) the caller already has, by client; only the others are computed."""
    access.require(actor, "protocol", "view")
    today = today or timezone.localdate()
    am = account_manager_id if account_manager_id is not None else actor.person_id
    clients = Client.objects.filter(
        workspace=actor.workspace, archived_at__isnull=True, status__in=["active", "paused"]
    )
    if am is not None and not (actor.is_leader and account_manager_id is None):
        clients = clients.filter(account_manager_id=am)
    elif am is None and not actor.is_leader:
        clients = clients.none()
    client_rows = list(clients.order_by("name"))
    known = plans or {}
    missing = [c for c in client_rows if c.pk not in known]
    plans = {**known, **(cadence_items_bulk(missing, today) if missing else {})}
    rows = []
    for client in client_rows:
        for item in cad.due_items(plans[client.pk]):
            rows.append({"client_id": client.pk, "client_name": client.name, **item.as_dict()})
    rows.sort(key=lambda r: (-r["days_overdue"], r["client_name"]))
    return rows


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


def _health_facts_bulk(
    clients: list[Client], today: date
) -> tuple[dict[int, HealthMeasures], dict[int, list[cad.CadenceItem]]]:
    """The health measures and the cadence plan of each client, in a fixed number of queries: protocols, the cadence
    facts (three), projects and their burn (three, four more with retainers), recent touchpoints, the counts of
    overdue next steps, open escalations and unmanaged-scope tasks (one), handoff failures (one)."""
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
    counts = {
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
    failures = _handoff_failures_bulk(clients, since)
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
        )
    return measures, plans


def health_measures(client: Client, today: date) -> HealthMeasures:
    return _health_facts_bulk([client], today)[0][client.pk]


def _scored(measures: HealthMeasures, conf: Any) -> dict[str, Any]:
    return compute_health(measures, conf.health_weights, healthy_from=conf.healthy_from, watch_from=conf.watch_from)


def client_health(client: Client, today: date | None = None) -> dict[str, Any]:
    return client_health_bulk([client], today)[client.pk]


def client_health_bulk(clients: list[Client], today: date | None = None) -> dict[int, dict[str, Any]]:
    """`client_health` of many clients of one workspace, in the queries of `_health_facts_bulk` plus the settings."""
    if not clients:
        return {}
    today = today or timezone.localdate()
    conf = settings_for(clients[0].workspace)
    measures, _ = _health_facts_bulk(clients, today)
    return {pk: _scored(m, conf) for pk, m in measures.items()}


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


def portfolio(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Clients with their health and today's cadence, riskiest first. An AM sees its own portfolio by default."""
    return portfolio_with_plans(actor=actor, account_manager_id=account_manager_id, today=today)[0]


def portfolio_and_due(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The portfolio page: `portfolio` and `cadence_today` for the same choice of AM, each client's cadence
    computed once for both."""
    today = today or timezone.localdate()
    rows, plans = portfolio_with_plans(actor=actor, account_manager_id=account_manager_id, today=today)
    due = cadence_today(actor=actor, account_manager_id=account_manager_id, today=today, plans=plans)
    return rows, due


def portfolio_with_plans(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> tuple[list[dict[str, Any]], dict[int, list[cad.CadenceItem]]]:
    """`portfolio`, with the cadence plan of each of its clients."""
    access.require(actor, "health", "view")
    today = today or timezone.localdate()
    clients = Client.objects.filter(workspace=actor.workspace, archived_at__isnull=True).exclude(status="churned")
    if account_manager_id is not None:
        clients = clients.filter(account_manager_id=account_manager_id)
    elif actor.role == access.AM:
        clients = clients.filter(account_manager_id=actor.person_id)

    client_rows = list(clients.select_related("account_manager").order_by("name"))
    measures, plans = _health_facts_bulk(client_rows, today)
    conf = settings_for(actor.workspace)
    rows = []
    for client in client_rows:
        health = _scored(measures[client.pk], conf)
        due = cad.due_items(plans[client.pk])
        rows.append(
            {
                "client_id": client.pk,
                "client_name": client.name,
                "account_manager_id": client.account_manager_id,
                "account_manager_name": client.account_manager.name if client.account_manager else None,
                "score": health["score"],
                "band": health["band"],
                "cadence_due": len(due),
                "cadence_overdue": sum(1 for i in due if i.status == "overdue"),
                "open_escalations": next(s["value"] for s in health["signals"] if s["name"] == "open_escalations"),
                "top_risk": min(health["signals"], key=lambda s: s["contribution"] - s["weight"])["explanation"],
            }
        )
    rows.sort(key=lambda r: (r["score"], r["client_name"]))
    return rows, plans


# --- Week facts (status updates) ------------------------------------------------------------------------------------


def week_facts(client: Client, week_start: date) -> dict[str, Any]:
    """What happened for the client in the week: milestones reached, tasks done, hours against budget, decisions,
    open next steps and risks."""
    start, end = _day_bounds(week_start), _day_bounds(week_start + timedelta(days=7))
    milestones = list(
        Milestone.objects.filter(project__client=client, completed_at__gte=start, completed_at__lt=end).values(
            "id", "name", "project__name"
        )
    )
    tasks = [
        {"id": t.pk, "title": t.title, "project": t.project.name}
        for t in Task.objects.filter(
            project__client=client, status="done", completed_at__gte=start, completed_at__lt=end
        )
        .select_related("project")
        .order_by("completed_at")
    ]
    budgets = []
    for project in client.projects.filter(archived_at__isnull=True).exclude(status__in=["cancelled"]):
        week_minutes = (
            TimeEntry.objects.filter(
                project=project, date__gte=week_start, date__lt=week_start + timedelta(days=7)
            ).aggregate(m=Sum("minutes"))["m"]
            or 0
        )
        total_minutes = TimeEntry.objects.filter(project=project).aggregate(m=Sum("minutes"))["m"] or 0
        if week_minutes or project.status == "active":
            budgets.append(
                {
                    "project_id": project.pk,
                    "project": project.name,
                    "hours_week": round(week_minutes / 60, 1),
                    "hours_total": round(total_minutes / 60, 1),
                    "budget_hours": round((project.budget_minutes or 0) / 60, 1),
                    "over_budget": bool(project.budget_minutes) and total_minutes > project.budget_minutes,
                }
            )
    decisions = list(
        Decision.objects.filter(
            client=client, decided_on__gte=week_start, decided_on__lt=week_start + timedelta(days=7)
        )
        .order_by("decided_on")
        .values("id", "title", "decided_on")
    )
    steps = [
        {
            "id": s.pk,
            "description": s.description,
            "owner": s.owner.name if s.owner else (s.owner_contact.name if s.owner_contact else "—"),
            "due_on": s.due_on,
        }
        for s in NextStep.objects.filter(client=client, done_at__isnull=True).select_related("owner", "owner_contact")
    ]
    risks = [f"{b['project']} is over its budgeted hours." for b in budgets if b["over_budget"]]
    risks += [
        f"Milestone “{m.name}” ({m.project.name}) is past its due date {m.due_date:%d %b}."
        for m in Milestone.objects.filter(
            project__client=client,
            status="open",
            due_date__lt=week_start + timedelta(days=7),
            project__archived_at__isnull=True,
        ).select_related("project")
        if m.due_date
    ]
    risks += [
        f"Open escalation: {e.title}" for e in Escalation.objects.filter(client=client, status="open").only("title")
    ]
    return {
        "week_start": week_start,
        "milestones_reached": [{"id": m["id"], "name": m["name"], "project": m["project__name"]} for m in milestones],
        "tasks_done": tasks,
        "budgets": budgets,
        "decisions": decisions,
        "next_steps": steps,
        "risks": risks,
    }


# --- Lists --------------------------------------------------------------------------------------------------------


def _client_scoped(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    qs = qs.filter(workspace=actor.workspace)
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0)
    return qs


def _one(qs: QuerySet[Any], pk: int, what: str) -> Any:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def touchpoint_list(
    *, actor: Actor, client_id: int | None = None, kind: str | None = None, person_id: int | None = None
) -> QuerySet[Touchpoint]:
    access.require(actor, "touchpoint", "view")
    qs = _client_scoped(actor, Touchpoint.objects.all()).select_related("client", "person")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if kind:
        qs = qs.filter(kind=kind)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.prefetch_related("contacts", "decisions", "next_steps").order_by("-occurred_at", "-id")


def touchpoint_get(*, actor: Actor, touchpoint_id: int) -> Touchpoint:
    if actor.is_client:
        raise Http404("No such touchpoint.")
    return _one(touchpoint_list(actor=actor), touchpoint_id, "touchpoint")


def next_step_list(
    *, actor: Actor, client_id: int | None = None, owner_id: int | None = None, open_only: bool = False
) -> QuerySet[NextStep]:
    access.require(actor, "touchpoint", "view")
    qs = _client_scoped(actor, NextStep.objects.all()).select_related("client", "owner", "owner_contact")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    return qs.order_by("done_at", "due_on", "id")


def next_step_get(*, actor: Actor, next_step_id: int) -> NextStep:
    if actor.is_client:
        raise Http404("No such next step.")
    return _one(next_step_list(actor=actor), next_step_id, "next step")


def status_update_list(
    *, actor: Actor, client_id: int | None = None, status: str | None = None
) -> QuerySet[StatusUpdate]:
    access.require(actor, "status_update", "view")
    qs = _client_scoped(actor, StatusUpdate.objects.all()).select_related("client")
    if actor.is_client:
        qs = qs.filter(status="sent")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-week_start", "-id")


def status_update_get(*, actor: Actor, status_update_id: int) -> StatusUpdate:
    return _one(status_update_list(actor=actor), status_update_id, "status update")


def goal_list(*, actor: Actor, client_id: int | None = None) -> QuerySet[ClientGoal]:
    access.require(actor, "client_goal", "view")
    qs = _client_scoped(actor, ClientGoal.objects.filter(archived_at__isnull=True)).select_related("client")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs.prefetch_related("values").order_by("client_id", "id")


def goal_get(*, actor: Actor, goal_id: int) -> ClientGoal:
    return _one(goal_list(actor=actor), goal_id, "goal")


def goal_progress(goal: ClientGoal) -> dict[str, Any]:
    """Latest value and the progress from baseline to target, 0-100 % (beyond is capped; backwards is 0)."""
    values = sorted(goal.values.all(), key=lambda v: (v.recorded_on, v.pk))
    latest = values[-1] if values else None
    span = goal.target - goal.baseline
    pct = None
    if latest is not None and span:
        raw = (latest.value - goal.baseline) * 100 / span
        pct = max(Decimal(0), min(Decimal(100), raw)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {
        "latest_value": latest.value if latest else None,
        "latest_on": latest.recorded_on if latest else None,
        "progress_pct": pct,
        "achieved": pct is not None and pct >= 100,
        "values": [{"recorded_on": v.recorded_on, "value": v.value, "note": v.note} for v in values],
    }


def escalation_list(
    *, actor: Actor, client_id: int | None = None, status: str | None = None, assignee_id: int | None = None
) -> QuerySet[Escalation]:
    access.require(actor, "escalation", "view")
    qs = _client_scoped(actor, Escalation.objects.all()).select_related("client", "assignee")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    return qs.order_by("status", "-created_at", "-id")


def escalation_get(*, actor: Actor, escalation_id: int) -> Escalation:
    if actor.is_client or not Escalation.objects.filter(workspace=actor.workspace, pk=escalation_id).exists():
        raise Http404("No such escalation.")
    return _one(escalation_list(actor=actor), escalation_id, "escalation")


def opportunity_list(
    *, actor: Actor, client_id: int | None = None, status: str | None = None
) -> QuerySet[GrowthOpportunity]:
    access.require(actor, "growth_opportunity", "view")
    qs = _client_scoped(actor, GrowthOpportunity.objects.all()).select_related("client", "owner")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-value", "id")


def opportunity_get(*, actor: Actor, opportunity_id: int) -> GrowthOpportunity:
    if actor.is_client or not GrowthOpportunity.objects.filter(workspace=actor.workspace, pk=opportunity_id).exists():
        raise Http404("No such growth opportunity.")
    return _one(opportunity_list(actor=actor), opportunity_id, "growth opportunity")


def client_report(*, actor: Actor, client_id: int, today: date | None = None) -> dict[str, Any]:
    """The client report: progress against each goal, milestones reached, recent status updates and decisions."""
    client = client_for(actor, client_id)
    access.require(actor, "client_report", "view", client)
    today = today or timezone.localdate()
    goals = [
        {"goal": g, **goal_progress(g)}
        for g in ClientGoal.objects.filter(client=client, archived_at__isnull=True).prefetch_related("values")
    ]
    since = today - timedelta(days=90)
    return {
        "client": client,
        "date": today,
        "goals": goals,
        "milestones": list(
            Milestone.objects.filter(project__client=client, completed_at__gte=_day_bounds(since))
            .select_related("project")
            .order_by("-completed_at")[:20]
        ),
        "status_updates": list(StatusUpdate.objects.filter(client=client, status="sent").order_by("-week_start")[:6]),
        "decisions": list(Decision.objects.filter(client=client, decided_on__gte=since).order_by("-decided_on")[:10]),
    }


def _account_time_pnl(client_ids: list[int], start: date, end: date) -> dict[str, Any]:
    """Year-to-date time economics per client in one query: billable value and cost of the time logged (the full
    P&L, with fixed fees and retainers recognised, is finance's profitability report grouped by account manager)."""
    rows = list(
        TimeEntry.objects.filter(project__client_id__in=client_ids, date__gte=start, date__lte=end)
        .values("project__client_id", "project__client__name")
        .annotate(
            revenue=Sum("bill_amount", filter=Q(billable=True)),
            cost=Sum("cost_amount"),
            minutes=Sum("minutes"),
        )
        .order_by("project__client__name")
    )
    out = []
    for r in rows:
        revenue, cost = r["revenue"] or Decimal("0"), r["cost"] or Decimal("0")
        out.append({"label": r["project__client__name"], "revenue": revenue, "cost": cost, "margin": revenue - cost})
    return {"rows": out}


def am_home(actor: Actor, today: date | None = None, clients: list[Client] | None = None) -> dict[str, Any] | None:
    """The account manager's home block, in a fixed number of queries: its portfolio with the latest health
    snapshot, what the cadence asks for today, open scope changes, the account P&L and growth opportunities.
    `clients`: its current clients (unarchived, not churned) when the caller has read them already."""
    if actor.role != access.AM or not actor.person_id:
        return None
    today = today or timezone.localdate()
    if clients is None:
        clients = list(
            Client.objects.filter(
                workspace=actor.workspace, account_manager_id=actor.person_id, archived_at__isnull=True
            ).exclude(status="churned")
        )
    ids = [c.pk for c in clients]
    latest: dict[int, HealthSnapshot] = {}
    for snap in HealthSnapshot.objects.filter(client_id__in=ids, taken_on__gte=today - timedelta(days=7)).order_by(
        "taken_on"
    ):
        latest[snap.client_id] = snap
    plans = cadence_items_bulk([c for c in clients if c.status in ("active", "paused")], today)
    due = [
        {"client_id": c.pk, "client_name": c.name, **i.as_dict()}
        for c in clients
        for i in cad.due_items(plans.get(c.pk, []))
    ]
    due.sort(key=lambda r: (-r["days_overdue"], r["client_name"]))
    rows = sorted(
        (
            {
                "client": c,
                "score": latest[c.pk].score if c.pk in latest else None,
                "band": latest[c.pk].band if c.pk in latest else "",
            }
            for c in clients
        ),
        key=lambda r: (r["score"] if r["score"] is not None else 101, str(r["client"])),
    )

    scope = list(
        ChangeOrder.objects.filter(
            workspace=actor.workspace, project__client_id__in=ids, status__in=["draft", "submitted"]
        ).select_related("project")[:10]
    )
    pnl = _account_time_pnl(ids, date(today.year, 1, 1), today)
    opportunities = list(
        GrowthOpportunity.objects.filter(client_id__in=ids, status__in=["idea", "proposed"]).select_related("client")[
            :10
        ]
    )
    return {"portfolio": rows, "due": due, "scope": scope, "pnl": pnl, "opportunities": opportunities}


def portal_overview(actor: Actor) -> dict[str, Any]:
    """What the client portal shows a client-role user of its own client: projects, open milestones, tasks awaiting
    approval, change orders to decide, sent status updates, decisions, goals, and budget figures only when the
    client's protocol shares them."""
    if not actor.is_client or not actor.client_id:
        raise Http404("No portal here.")
    client = client_for(actor, actor.client_id)
    projects = list(delivery.project_list(actor=actor).filter(client_id=client.pk, archived_at__isnull=True))
    shared = protocol_for(client).share_budget_with_client
    return {
        "client": client,
        "projects": projects,
        "milestones": list(
            delivery.milestone_list(actor=actor).filter(project__client_id=client.pk, status="open")[:20]
        ),
        "awaiting": list(delivery.task_list(actor=actor).filter(project__client_id=client.pk, status="in_review")[:20]),
        "change_orders": list(
            ChangeOrder.objects.filter(
                workspace=actor.workspace, project__client_id=client.pk, status="submitted"
            ).select_related("project")
        ),
        "updates": list(status_update_list(actor=actor, client_id=client.pk)[:10]),
        "decisions": list(decision_list(actor=actor, client_id=client.pk)[:10]),
        "goals": [{"goal": g, **goal_progress(g)} for g in goal_list(actor=actor, client_id=client.pk)],
        "budgets": [(p, budget_burn(p)) for p in projects if p.status in ("active", "on_hold")] if shared else [],
    }


def portfolio_mode(workspace: Workspace) -> str | None:
    """Whether a full portfolio warns or refuses in this workspace (crm's portfolio check reads it through the
    reader relationships plugs in at start-up)."""
    return RelationshipsSettings.objects.filter(workspace=workspace).values_list("portfolio_mode", flat=True).first()


def touchpoint_next_steps(client: Client) -> list[str]:
    """The open next steps agreed at the client's latest touchpoint that has any, for an account transition
    handoff's prefill. (Until the renovation this read a `next_steps` text that the touchpoint does not have and
    the prefill swallowed the error, so these lines never appeared.)"""
    latest = (
        Touchpoint.objects.filter(client=client, next_steps__done_at__isnull=True)
        .order_by("-occurred_at", "-id")
        .first()
    )
    if latest is None:
        return []
    steps = NextStep.objects.filter(touchpoint=latest, done_at__isnull=True).order_by("due_on", "id")
    return [f"From the last {latest.kind} ({latest.occurred_at:%Y-%m-%d}): {step.description}" for step in steps]
