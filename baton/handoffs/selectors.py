"""Reads for handoffs: templates, handoffs, the inbox, failures, the metrics report and the handoff map.

Staff see every handoff of the workspace; a client-role user sees none (lists 403, ids 404). Another workspace's id
is never found (404).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.selectors import one_or_404
from baton.handoffs.kinds import BUILTIN_KINDS, BUILTIN_POINTS
from baton.handoffs.models import (
    OPEN_STATUSES,
    Handoff,
    HandoffFailure,
    HandoffGap,
    HandoffSource,
    HandoffStatus,
    HandoffTemplate,
)
from baton.handoffs.services import templates_ensure

ZERO = Decimal("0.00")


def _require_staff(actor: Actor, resource: str) -> None:
    access.require(actor, resource, "view")


# --- Templates ------------------------------------------------------------------------------------------------


def template_list(*, actor: Actor, active: bool | None = None, kind: str | None = None) -> QuerySet[HandoffTemplate]:
    _require_staff(actor, "handoff_template")
    templates_ensure(actor.workspace)
    qs = HandoffTemplate.objects.filter(workspace=actor.workspace)
    if active is not None:
        qs = qs.filter(active=active)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-builtin", "name", "id")


def template_get(*, actor: Actor, template_id: int) -> HandoffTemplate:
    if actor.is_client:
        raise Http404("No such handoff template.")
    return one_or_404(HandoffTemplate.objects.filter(workspace=actor.workspace, pk=template_id), "handoff template")


def kind_choices(*, actor: Actor) -> list[tuple[str, str]]:
    return [(t.kind, t.name) for t in template_list(actor=actor, active=True)]


# --- Handoffs -------------------------------------------------------------------------------------------------


def _base(actor: Actor) -> QuerySet[Handoff]:
    return Handoff.objects.filter(workspace=actor.workspace).select_related(
        "from_person", "to_person", "client", "project", "task", "template"
    )


def handoff_list(
    *,
    actor: Actor,
    kind: str | None = None,
    status: str | None = None,
    client_id: int | None = None,
    project_id: int | None = None,
    task_id: int | None = None,
    from_person_id: int | None = None,
    to_person_id: int | None = None,
    source: str | None = None,
    overdue: bool | None = None,
) -> QuerySet[Handoff]:
    _require_staff(actor, "handoff")
    qs = _base(actor).prefetch_related(
        Prefetch("gaps", queryset=HandoffGap.objects.order_by("round", "id")),
        Prefetch(
            "failures", queryset=HandoffFailure.objects.select_related("remediated_by").order_by("-occurred_on", "-id")
        ),
    )
    filters = {
        "kind": kind,
        "status": status,
        "client_id": client_id,
        "project_id": project_id,
        "task_id": task_id,
        "from_person_id": from_person_id,
        "to_person_id": to_person_id,
        "source": source,
    }
    qs = qs.filter(**{k: v for k, v in filters.items() if v not in (None, "")})
    if overdue is True:
        qs = qs.filter(status__in=OPEN_STATUSES, due_by__lt=timezone.now())
    elif overdue is False:
        qs = qs.exclude(status__in=OPEN_STATUSES, due_by__lt=timezone.now())
    return qs.order_by("-created_at", "-id")


def project_handoffs(*, actor: Actor, project_id: int) -> list[Handoff]:
    """The handoffs of one project, oldest first (a won deal's sales-to-account handoff leads); none for those who
    may not see handoffs (the client)."""
    if not access.allowed(actor, "handoff", "view"):
        return []
    return list(_base(actor).filter(project_id=project_id).exclude(status=HandoffStatus.CANCELLED).order_by("id")[:20])


def handoff_get(*, actor: Actor, handoff_id: int) -> Handoff:
    if actor.is_client:
        raise Http404("No such handoff.")
    return one_or_404(handoff_list(actor=actor).filter(pk=handoff_id), "handoff")


@dataclass
class Inbox:
    to_send: list[Handoff]  # my drafts
    to_confirm: list[Handoff]  # sent to me
    gaps_to_answer: list[Handoff]  # mine, with gaps raised
    waiting: list[Handoff]  # mine, sent, waiting for the receiver
    overdue: list[Handoff]  # anything of mine (either side) past due

    @property
    def count(self) -> int:
        return len(self.to_send) + len(self.to_confirm) + len(self.gaps_to_answer)


def inbox(*, actor: Actor) -> Inbox:
    """A person's open handoffs, by what they owe (three queries at most, whatever the numbers)."""
    _require_staff(actor, "handoff")
    pid = actor.person_id or 0
    mine = list(
        _base(actor)
        .filter(Q(from_person_id=pid) | Q(to_person_id=pid))
        .filter(status__in=[HandoffStatus.DRAFT, *OPEN_STATUSES])
        .order_by("due_by", "id")
    )
    now = timezone.now()
    return Inbox(
        to_send=[h for h in mine if h.status == HandoffStatus.DRAFT and h.from_person_id == pid],
        to_confirm=[h for h in mine if h.status == HandoffStatus.SENT and h.to_person_id == pid],
        gaps_to_answer=[h for h in mine if h.status == HandoffStatus.GAPS_RAISED and h.from_person_id == pid],
        waiting=[
            h for h in mine if h.status in OPEN_STATUSES and h.from_person_id == pid and h.status == HandoffStatus.SENT
        ],
        overdue=[h for h in mine if h.status in OPEN_STATUSES and h.due_by < now],
    )


@dataclass
class InboxCounts:
    """How many of each `Inbox` list a person has (the home page shows the numbers, not the handoffs)."""

    to_send: int
    to_confirm: int
    gaps_to_answer: int
    waiting: int
    overdue: int

    @property
    def count(self) -> int:
        return self.to_send + self.to_confirm + self.gaps_to_answer


def inbox_counts(*, actor: Actor) -> InboxCounts:
    """The sizes of `inbox(actor=...)`'s lists, counted by the database in one query."""
    _require_staff(actor, "handoff")
    pid = actor.person_id or 0
    mine, theirs = Q(from_person_id=pid), Q(to_person_id=pid)
    counts = (
        Handoff.objects.filter(workspace=actor.workspace)
        .filter(mine | theirs)
        .filter(status__in=[HandoffStatus.DRAFT, *OPEN_STATUSES])
        .aggregate(
            to_send=Count("id", filter=Q(status=HandoffStatus.DRAFT) & mine),
            to_confirm=Count("id", filter=Q(status=HandoffStatus.SENT) & theirs),
            gaps_to_answer=Count("id", filter=Q(status=HandoffStatus.GAPS_RAISED) & mine),
            waiting=Count("id", filter=Q(status=HandoffStatus.SENT) & mine),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_by__lt=timezone.now())),
        )
    )
    return InboxCounts(**{k: int(v or 0) for k, v in counts.items()})


def failure_list(
    *, actor: Actor, handoff_id: int | None = None, kind: str | None = None, client_id: int | None = None
) -> QuerySet[HandoffFailure]:
    _require_staff(actor, "handoff_failure")
    qs = HandoffFailure.objects.filter(workspace=actor.workspace).select_related("handoff", "remediated_by")
    if handoff_id is not None:
        qs = qs.filter(handoff_id=handoff_id)
    if kind:
        qs = qs.filter(handoff__kind=kind)
    if client_id is not None:
        qs = qs.filter(handoff__client_id=client_id)
    return qs.order_by("-occurred_on", "-id")


# --- For other apps (relationships: health, escalations) --------------------------------------------------------


def handoff_failures_for_client(
    workspace: Workspace, client_id: int, since: date | datetime
) -> QuerySet[HandoffFailure]:
    """Failures traced to the client's handoffs that occurred on or after `since`."""
    day = since.date() if isinstance(since, datetime) else since
    return HandoffFailure.objects.filter(workspace=workspace, handoff__client_id=client_id, occurred_on__gte=day)


def handoff_failure_counts(client_ids: list[int], since: date | datetime) -> dict[int, int]:
    """How many failures traced to each client's handoffs occurred on or after `since` (one grouped query; the
    count `handoff_failures_for_client` gives for one client)."""
    day = since.date() if isinstance(since, datetime) else since
    return dict(
        HandoffFailure.objects.filter(handoff__client_id__in=client_ids, occurred_on__gte=day)
        .values("handoff__client_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("handoff__client_id", "n")
    )


def unconfirmed_handoffs(
    workspace: Workspace, *, overdue_only: bool = False, critical_only: bool = False
) -> QuerySet[Handoff]:
    """Sent handoffs not yet confirmed (gaps raised included); `overdue_only`: past due_by; `critical_only`: of
    high-impact kinds (impact 3: sales → account, account transitions by default)."""
    qs = Handoff.objects.filter(workspace=workspace, status__in=OPEN_STATUSES).select_related(
        "from_person", "to_person", "client", "template"
    )
    if overdue_only:
        qs = qs.filter(due_by__lt=timezone.now())
    if critical_only:
        qs = qs.filter(template__impact__gte=3)
    return qs.order_by("due_by", "id")


# --- Metrics --------------------------------------------------------------------------------------------------


def _tz(workspace: Workspace) -> ZoneInfo:
    try:
        return ZoneInfo(workspace.timezone or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def default_period(workspace: Workspace) -> tuple[date, date]:
    """The last six months to today (workspace time), from the first of the month."""
    today = timezone.now().astimezone(_tz(workspace)).date()
    month = today.month - 5
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1), today


def _bounds(workspace: Workspace, start: date, end: date) -> tuple[datetime, datetime]:
    tz = _tz(workspace)
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


def _median(values: list[int]) -> int | float | None:
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    if len(values) % 2:
        return values[mid]
    total = values[mid - 1] + values[mid]
    return total // 2 if total % 2 == 0 else total / 2


def _pct(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


class _Tally:
    """One group's figures (the whole period, a kind, a team or a month), tallied as the rows go by."""

    __slots__ = ("confirmed", "cost", "count", "failures", "first", "gaps", "minutes", "raised", "to_confirm")

    def __init__(self) -> None:
        self.count = self.confirmed = self.first = self.gaps = self.raised = self.failures = self.minutes = 0
        self.to_confirm: list[int] = []
        self.cost = ZERO

    def figures(self, money: bool) -> dict[str, Any]:
        return {
            "count": self.count,
            "confirmed": self.confirmed,
            "first_time_confirmed": self.first,
            "first_time_confirmed_pct": _pct(self.first, self.confirmed),
            "median_minutes_to_confirm": _median(self.to_confirm),
            "gaps": self.gaps,
            "gaps_raised": self.raised,
            "gaps_per_handoff": float((Decimal(self.gaps) / Decimal(self.count)).quantize(Decimal("0.01")))
            if self.count
            else 0.0,
            "failures": self.failures,
            "remediation_minutes": self.minutes,
            "remediation_cost": self.cost.quantize(Decimal("0.01")) if money else None,
        }


def _month_keys(start: date, end: date) -> list[str]:
    months = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        months.append(f"{cursor:%Y-%m}")
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months


def _month_of_sending(workspace: Workspace, months: list[str]) -> Case:
    """The index in `months` of the month a handoff was sent in (the workspace's zone), as plain comparisons with each
    month's first instant: no per-row time zone function (on SQLite a Python call per row)."""
    tz = _tz(workspace)
    firsts = [datetime.combine(date.fromisoformat(f"{m}-01"), time.min, tzinfo=tz) for m in months[1:]]
    whens = [When(sent_at__lt=first, then=Value(i)) for i, first in enumerate(firsts)]
    return Case(*whens, default=Value(len(months) - 1), output_field=IntegerField())


def _tally_handoffs(
    rows: Iterable[tuple[Any, ...]], gaps: dict[int, int], months: list[str]
) -> tuple[_Tally, defaultdict[str, _Tally], defaultdict[str, _Tally], defaultdict[str, _Tally]]:
    """Each handoff (id, kind, status, first time, minutes to confirm, owner's title, month index) tallied once into
    the whole period, its kind, its team and its month."""
    total = _Tally()
    by_kind: defaultdict[str, _Tally] = defaultdict(_Tally)
    by_team: defaultdict[str, _Tally] = defaultdict(_Tally)
    by_month: defaultdict[str, _Tally] = defaultdict(_Tally)
    confirmed_status = HandoffStatus.CONFIRMED.value
    for pk, kind, status, first_time, to_confirm, title, month in rows:
        n = gaps.get(pk, 0)
        tallies = (total, by_kind[kind], by_team[title or "—"], by_month[months[month]])
        for t in tallies:
            t.count += 1
        if n:
            for t in tallies:
                t.gaps += n
                t.raised += 1
        if status == confirmed_status:
            for t in tallies:
                t.confirmed += 1
            if first_time:
                for t in tallies:
                    t.first += 1
            if to_confirm is not None:
                for t in tallies:
                    t.to_confirm.append(to_confirm)
    return total, by_kind, by_team, by_month


def handoff_metrics(*, actor: Actor, date_from: date | None = None, date_to: date | None = None) -> dict[str, Any]:
    """`GET /reports/handoffs`. The handoffs counted are those *sent* in the period (drafts are not handoffs yet);
    `confirmed`, first-time, time to confirm and gaps describe that cohort. Failures are those that *occurred* in
    the period (whatever handoff they trace to), with their remediation minutes and cost (each at the remediating
    person's loaded cost rate on the day, copied when recorded; null for roles that do not see rates).

    - first_time_confirmed_pct = confirmed with no gap ever raised / confirmed x 100 (one decimal; null if none)
    - median_minutes_to_confirm = median of (confirmed_at - first sent_at) in whole minutes (null if none)
    - gaps_per_handoff = gap questions raised on the cohort / count (two decimals)
    Extras: the funnel (sent → gaps raised → confirmed), and the same figures per kind, per team (the owner's job
    title) and per month."""
    access.require(actor, "handoff_report", "view")
    workspace = actor.workspace
    default_from, default_to = default_period(workspace)
    start, end = date_from or default_from, date_to or default_to
    lo, hi = _bounds(workspace, start, end)
    money = access.can_see_rates(actor)
    months = _month_keys(start, end)
    # Plain tuples, the month of sending as an index into `months` (see _month_of_sending); each row is tallied
    # once into the whole, its kind, its team and its month.
    handoffs = (
        Handoff.objects.filter(workspace=workspace, sent_at__gte=lo, sent_at__lt=hi)
        .annotate(sent_month=_month_of_sending(workspace, months))
        .values_list("id", "kind", "status", "first_time", "minutes_to_confirm", "from_person__title", "sent_month")
    )
    # The cohort as a join, not an IN list of thousands of ids (binding them cost more than the count at agency-L).
    gaps = dict(
        HandoffGap.objects.filter(handoff__workspace=workspace, handoff__sent_at__gte=lo, handoff__sent_at__lt=hi)
        .values("handoff_id")
        .annotate(n=Count("id"))
        .values_list("handoff_id", "n")
    )
    total, by_kind, by_team, by_month = _tally_handoffs(handoffs, gaps, months)
    for kind, occurred_on, minutes, cost, title in HandoffFailure.objects.filter(
        workspace=workspace, occurred_on__gte=start, occurred_on__lte=end
    ).values_list(
        "handoff__kind", "occurred_on", "remediation_minutes", "remediation_cost", "handoff__from_person__title"
    ):
        for t in (total, by_kind[kind], by_team[title or "—"], by_month[f"{occurred_on:%Y-%m}"]):
            t.failures += 1
            t.minutes += minutes
            t.cost += cost
    names = dict(HandoffTemplate.objects.filter(workspace=workspace).values_list("kind", "name"))
    report = total.figures(money)
    report |= {"from": start, "to": end, "currency": workspace.currency}
    report["funnel"] = {"sent": report["count"], "gaps_raised": report["gaps_raised"], "confirmed": report["confirmed"]}
    report["by_kind"] = [{"key": k, "label": names.get(k, k)} | by_kind[k].figures(money) for k in sorted(by_kind)]
    report["by_team"] = [{"key": k, "label": k} | by_team[k].figures(money) for k in sorted(by_team)]
    report["by_month"] = [{"key": m, "label": m} | (by_month.get(m) or _Tally()).figures(money) for m in months]
    return report


# --- The handoff map ------------------------------------------------------------------------------------------

RISK_BANDS = ((Decimal("0.75"), "high"), (Decimal("0.30"), "medium"), (Decimal("0"), "low"))
PRIOR_FAILURE_RATE = Decimal("0.25")  # an unobserved point is assumed to fail one time in four


@dataclass
class MapPoint:
    kind: str
    name: str
    source: str
    trigger_key: str
    where: str
    impact: int
    handoffs: int
    per_month: Decimal
    failures: int
    failure_rate: Decimal | None
    gap_rate: Decimal | None
    first_time_pct: float | None
    risk_score: Decimal
    risk: str
    priority: Decimal
    template_id: int
    active: bool


def _where(source: str, trigger: dict[str, Any] | None) -> str:
    if trigger is not None:
        bits = [f"a task enters “{str(trigger.get('status', '')).replace('_', ' ')}”"]
        if trigger.get("tag"):
            bits.append(f"tagged {trigger['tag']}")
        if trigger.get("project_template_id"):
            bits.append(f"on projects from template #{trigger['project_template_id']}")
        return " ".join(bits) + f" → {str(trigger.get('receiver', '')).replace('_', ' ')}"
    return dict(BUILTIN_POINTS.get("sales_to_account", []) + BUILTIN_POINTS.get("account_transition", [])).get(
        source, HandoffSource(source).label if source in HandoffSource.values else source
    )


def _candidates(
    t: HandoffTemplate, by_point: dict[tuple[str, str, str], list[Any]]
) -> list[tuple[str, str, dict[str, Any] | None]]:
    """A template's handoff points as (source, trigger key, trigger): by hand, its built-in sources, its task
    triggers, then any other point its handoffs were sent from."""
    candidates: list[tuple[str, str, dict[str, Any] | None]] = [("manual", "", None)]
    candidates += [(source, "", None) for source, _ in BUILTIN_POINTS.get(t.kind, [])]
    candidates += [(HandoffSource.TASK_STATUS.value, str(tr.get("key") or ""), tr) for tr in t.triggers or []]
    candidates += [
        (source, key, None)
        for (kind, source, key) in by_point
        if kind == t.kind and (source, key) not in {(c[0], c[1]) for c in candidates}
    ]
    return candidates


def _templates_once(actor: Actor) -> list[HandoffTemplate]:
    """`template_list`'s rows in one read: the built-ins are ensured only when one is missing (a workspace older
    than a built-in kind), not on every read."""
    templates = list(HandoffTemplate.objects.filter(workspace=actor.workspace).order_by("-builtin", "name", "id"))
    if not set(BUILTIN_KINDS) <= {t.kind for t in templates}:
        templates = list(template_list(actor=actor))
    return templates


def handoff_map(*, actor: Actor, days: int = 90) -> list[MapPoint]:
    """Every handoff point of the workspace — each kind x where it is opened (by hand, a deal won, an AM change,
    each task trigger, rules) — with what happened there in the last `days`: handoffs sent per month, failures
    per handoff, gaps per handoff. Risk = the kind's impact (1-3) x the failure rate (a prior of 25 % where nothing
    was sent yet); high ≥ 0.75, medium ≥ 0.30. Ranked by risk x frequency (handoffs a month): the points to fix
    first (the seeds' framework, steps 1 and 2)."""
    access.require(actor, "handoff_report", "view")
    workspace = actor.workspace
    templates = _templates_once(actor)
    since = timezone.now() - timedelta(days=days)
    months = Decimal(days) / Decimal(30)
    sent = list(
        Handoff.objects.filter(workspace=workspace, sent_at__gte=since).values(
            "id", "kind", "source", "trigger_key", "gap_rounds", "status", "first_time"
        )
    )
    fail_counts = dict(
        HandoffFailure.objects.filter(workspace=workspace, handoff__sent_at__gte=since)
        .values("handoff_id")
        .annotate(n=Count("id"))
        .values_list("handoff_id", "n")
    )
    by_point: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for h in sent:
        key = h["trigger_key"] if h["source"] == HandoffSource.TASK_STATUS else ""
        by_point[(h["kind"], h["source"], key)].append(h)
    points: list[MapPoint] = []
    seen: set[tuple[str, str, str]] = set()
    for t in templates:
        for source, key, trigger in _candidates(t, by_point):
            point = (t.kind, source, key)
            if point in seen:
                continue
            seen.add(point)
            rows = by_point.get(point, [])
            n = len(rows)
            failures = sum(fail_counts.get(h["id"], 0) for h in rows)
            rate = (Decimal(failures) / Decimal(n)).quantize(Decimal("0.01")) if n else None
            gap_rate = (
                (Decimal(sum(1 for h in rows if h["gap_rounds"])) / Decimal(n)).quantize(Decimal("0.01")) if n else None
            )
            confirmed = [h for h in rows if h["status"] == HandoffStatus.CONFIRMED]
            score = (Decimal(t.impact) * (rate if rate is not None else PRIOR_FAILURE_RATE)).quantize(Decimal("0.01"))
            per_month = (Decimal(n) / months).quantize(Decimal("0.1"))
            points.append(
                MapPoint(
                    kind=t.kind,
                    name=t.name,
                    source=source,
                    trigger_key=key,
                    where="by hand" if source == "manual" else _where(source, trigger),
                    impact=t.impact,
                    handoffs=n,
                    per_month=per_month,
                    failures=failures,
                    failure_rate=rate,
                    gap_rate=gap_rate,
                    first_time_pct=_pct(sum(1 for h in confirmed if h["first_time"]), len(confirmed)),
                    risk_score=score,
                    risk=next(label for floor, label in RISK_BANDS if score >= floor),
                    priority=(score * per_month).quantize(Decimal("0.01")),
                    template_id=t.pk,
                    active=t.active,
                )
            )
    points.sort(key=lambda p: (-p.priority, -p.risk_score, -p.handoffs, p.name))
    return points


def overdue_handoffs(*, actor: Actor) -> QuerySet[Handoff]:
    """Every open handoff past its due time that the actor sees (agency-wide for staff), most overdue first:
    `handoff_list(overdue=True)` without the gaps and failures it prefetches (the operations home)."""
    _require_staff(actor, "handoff")
    return _base(actor).filter(status__in=OPEN_STATUSES, due_by__lt=timezone.now()).order_by("due_by", "id")
