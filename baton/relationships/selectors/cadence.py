"""The cadence plans of clients (many at once, in a fixed number of queries) and what is due today."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.crm.models import Client
from baton.delivery.models import Milestone
from baton.relationships import cadence as cad
from baton.relationships.models import CommunicationProtocol, OnboardingItem, Touchpoint
from baton.relationships.selectors.clients import _day_bounds, client_for, protocol_for

# --- Cadence ------------------------------------------------------------------------------------------------------

# The clients a cadence is kept with: a prospect has none yet, a churned client none any more. Every reader of the
# cadence (the account page, health, the portfolio, the AM's home, the sweeps and escalations) goes through
# `cadence_items_bulk`, which plans nothing for the others, so no page counts an item that another leaves out.
CADENCE_STATUSES = ("active", "paused")


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
    onboarding items), whatever their number. A client outside `CADENCE_STATUSES` has none."""
    result: dict[int, list[cad.CadenceItem]] = {c.pk: [] for c in clients if c.status not in CADENCE_STATUSES}
    clients = [c for c in clients if c.status in CADENCE_STATUSES]
    ids = [c.pk for c in clients]
    if not ids:
        return result
    if protocols is None:
        protocols = {p.client_id: p for p in CommunicationProtocol.objects.filter(client_id__in=ids)}
    logged, milestones, onboarding = _cadence_inputs(ids, today, {c.workspace_id for c in clients})
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


def due_rows(clients: list[Client], plans: dict[int, list[cad.CadenceItem]]) -> list[dict[str, Any]]:
    """The one list of what the cadence asks for now, across clients: each item due today (`status` "due") or
    overdue (`status` "overdue": its due date has passed and no touchpoint met it), most overdue first, then by client
    name. The portfolio's table counts these rows per client, its list shows them, the AM's home shows them: one
    selector, so a table saying "9 (2 overdue)" never sits above a list saying "Nothing due"."""
    rows = [
        {"client_id": client.pk, "client_name": client.name, **item.as_dict()}
        for client in clients
        for item in cad.due_items(plans.get(client.pk, []))
    ]
    rows.sort(key=lambda r: (-r["days_overdue"], r["client_name"]))
    return rows


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
    clients = Client.objects.filter(workspace=actor.workspace, archived_at__isnull=True, status__in=CADENCE_STATUSES)
    if am is not None and not (actor.is_leader and account_manager_id is None):
        clients = clients.filter(account_manager_id=am)
    elif am is None and not actor.is_leader:
        clients = clients.none()
    client_rows = list(clients.order_by("name"))
    known = plans or {}
    missing = [c for c in client_rows if c.pk not in known]
    plans = {**known, **(cadence_items_bulk(missing, today) if missing else {})}
    return due_rows(client_rows, plans)
