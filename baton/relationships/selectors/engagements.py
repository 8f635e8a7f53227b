"""Engagements (contracts): the list and one engagement as the actor sees them, an engagement's MRR, the retention
report (GRR/NRR over a period, by month, account manager and service), a client's renewal risk and the renewals due.
The rules: RULES.md "Contracts, renewals and retention"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.months import month_spans
from baton.core.selectors import one_or_404
from baton.crm.models import Client
from baton.relationships.models import ClientGoal, Engagement, EngagementStatus
from baton.relationships.selectors.clients import client_for, settings_for
from baton.relationships.selectors.health import _health_facts_bulk, _scored
from baton.relationships.selectors.lists import goal_progress

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
RENEWALS_DUE_DAYS = 120  # the renewals-due list looks this far ahead by default
RENEWAL_FLAG_DAYS = 90  # a renewal is flagged this many days ahead (the homes' "renewals due")
STOPPED = (EngagementStatus.ENDED, EngagementStatus.CHURNED)

# --- Lists --------------------------------------------------------------------------------------------------------


def engagement_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    status: str | None = None,
    renewal_before: date | None = None,
    account_manager_id: int | None = None,
) -> QuerySet[Engagement]:
    """The workspace's engagements (a client user: none; the policy keeps it out). `renewal_before`: the active ones
    renewing on or before that day, soonest first."""
    access.require(actor, "engagement", "view")
    qs = Engagement.objects.filter(workspace=actor.workspace).select_related("client", "client__account_manager")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    if account_manager_id is not None:
        qs = qs.filter(client__account_manager_id=account_manager_id)
    if renewal_before is not None:
        qs = qs.filter(status=EngagementStatus.ACTIVE, renewal_date__lte=renewal_before).order_by(
            "renewal_date", "client__name", "id"
        )
        return qs
    return qs.order_by("client__name", "client_id", "-start_date", "-id")


def engagement_get(*, actor: Actor, engagement_id: int) -> Engagement:
    """One engagement: another workspace's is not found (404) whatever the role; a role that sees no contracts is
    refused (403)."""
    qs = Engagement.objects.filter(workspace=actor.workspace).select_related("client", "client__account_manager")
    found = one_or_404(qs.filter(pk=engagement_id), "engagement")
    access.require(actor, "engagement", "view", found)
    return found


# --- MRR ----------------------------------------------------------------------------------------------------------


def term_months(start: date, end: date) -> int:
    """The months of a term from `start` to `end` (both included): whole calendar months from `start` to the day
    after `end`, a part month counted as one, at least one. 1 Jan-31 Dec is 12; 15 Jan-14 Jul is 6; 1-20 Jan is 1."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day > start.day:
        months += 1
    return max(1, months)


def mrr(engagement: Engagement) -> Decimal | None:
    """A recurring engagement's monthly value: value ÷ months of its term, in cents (half up); None when it is not
    recurring or has no end date."""
    if not engagement.recurring or engagement.end_date is None:
        return None
    months = term_months(engagement.start_date, engagement.end_date)
    return (Decimal(engagement.value) / months).quantize(CENT, ROUND_HALF_UP)


def year_before(day: date) -> date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# --- Retention ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """What retention reads of one recurring engagement."""

    id: int
    client_id: int
    start: date
    end: date
    stopped_on: date | None  # ended or churned on this day
    renewed_from_id: int | None
    mrr: Decimal
    service: str
    account_manager: str


def _active_on(row: _Row, day: date) -> bool:
    return row.start <= day <= row.end and (row.stopped_on is None or row.stopped_on > day)


def _pct(numerator: Decimal, start: Decimal) -> Decimal | None:
    if not start:
        return None
    return (numerator * 100 / start).quantize(CENT, ROUND_HALF_UP)


def _latest_of(row: _Row, children: dict[int, list[_Row]], to: date) -> _Row:
    """The engagement a cohort engagement has become by `to`: follow its renewals (those started by `to`)."""
    current = row
    for _ in range(100):
        nxt = [c for c in children.get(current.id, []) if c.start <= to]
        if not nxt:
            return current
        current = max(nxt, key=lambda c: (c.start, c.id))
    return current


def _empty() -> dict[str, Any]:
    return {"start": ZERO, "churned": ZERO, "contraction": ZERO, "expansion": ZERO, "clients": set(), "kept": set()}


def _lineage(latest: _Row, by_id: dict[int, _Row]) -> set[int]:
    """The ids from `latest` back through what it renewed."""
    ids: set[int] = set()
    node: _Row | None = latest
    while node is not None and node.id not in ids:
        ids.add(node.id)
        node = by_id.get(node.renewed_from_id) if node.renewed_from_id else None
    return ids


def _count(part: dict[str, Any], row: _Row, latest: _Row, to: date) -> None:
    """Add a cohort engagement to its part: its start MRR, and churned, or the change to what it has become."""
    part["start"] += row.mrr
    part["clients"].add(row.client_id)
    if latest.stopped_on is not None and latest.stopped_on <= to:
        part["churned"] += row.mrr
        return
    part["kept"].add(row.client_id)
    change = latest.mrr - row.mrr
    if change < 0:
        part["contraction"] -= change
    else:
        part["expansion"] += change


def _figures(rows: list[_Row], start: date, to: date, group: Callable[[_Row], str] | None = None) -> Any:
    """The retention figures of the recurring engagements `rows` from `start` to `to` (see RULES.md); with `group`,
    a dict of them by the group of each cohort engagement (new engagements by their own group)."""
    children: dict[int, list[_Row]] = defaultdict(list)
    for r in rows:
        if r.renewed_from_id is not None:
            children[r.renewed_from_id].append(r)
    by_id = {r.id: r for r in rows}
    # Active on `start`, and not already replaced by a renewal that started by then (an early renewal).
    cohort = [r for r in rows if _active_on(r, start) and not any(c.start <= start for c in children.get(r.id, []))]
    cohort_clients = {r.client_id for r in cohort}
    in_lineage: set[int] = set()
    parts: dict[str, dict[str, Any]] = defaultdict(_empty)
    for r in cohort:
        latest = _latest_of(r, children, to)
        in_lineage |= _lineage(latest, by_id)
        _count(parts[group(r) if group else ""], r, latest, to)
    for r in rows:  # new recurring work for a cohort client, still running on `to`: expansion
        if r.client_id in cohort_clients and r.id not in in_lineage and start < r.start <= to and _active_on(r, to):
            parts[group(r) if group else ""]["expansion"] += r.mrr
    out = {key: _summary(part) for key, part in parts.items()}
    return out if group else out.get("", _summary(None))


def _summary(part: dict[str, Any] | None) -> dict[str, Any]:
    part = part or _empty()
    kept = part["start"] - part["churned"] - part["contraction"]
    return {
        "clients_start": len(part["clients"]),
        "clients_churned": len(part["clients"] - part["kept"]),
        "start_mrr": part["start"],
        "churned_mrr": part["churned"],
        "contraction_mrr": part["contraction"],
        "expansion_mrr": part["expansion"],
        "gross_revenue_retention_pct": _pct(kept, part["start"]),
        "net_revenue_retention_pct": _pct(kept + part["expansion"], part["start"]),
    }


def _retention_rows(actor: Actor, start: date, to: date) -> list[_Row]:
    qs = (
        Engagement.objects.filter(workspace=actor.workspace, recurring=True, end_date__isnull=False)
        .filter(start_date__lte=to, end_date__gte=start)
        .select_related("client__account_manager")
    )
    rows = []
    for e in qs:
        am = e.client.account_manager
        rows.append(
            _Row(
                id=e.pk,
                client_id=e.client_id,
                start=e.start_date,
                end=e.end_date or e.start_date,
                stopped_on=e.ended_on if e.status in STOPPED else None,
                renewed_from_id=e.renewed_from_id,
                mrr=mrr(e) or ZERO,
                service=e.service or "",
                account_manager=am.name if am else "",
            )
        )
    return rows


def retention(*, actor: Actor, date_from: date, date_to: date) -> dict[str, Any]:
    """Revenue retention from `date_from` to `date_to`: the start cohort (recurring engagements active on
    `date_from`), what of it churned, contracted and expanded by `date_to`, GRR and NRR; the same by month (each
    month its own cohort, on its first day within the range), by account manager and by service."""
    access.require(actor, "engagement", "view")
    rows = _retention_rows(actor, date_from, date_to)
    result: dict[str, Any] = {"from": date_from, "to": date_to, "currency": actor.workspace.currency}
    result.update(_figures(rows, date_from, date_to))
    result["by_month"] = [
        {"month": f"{month:%Y-%m}", "from": first, "to": last, **_figures(rows, first, last)}
        for month, first, last in month_spans(date_from, date_to)
    ]
    by_am = _figures(rows, date_from, date_to, lambda r: r.account_manager)
    result["by_account_manager"] = [
        {"account_manager": name or "", **figures} for name, figures in sorted(by_am.items(), key=lambda kv: kv[0])
    ]
    by_service = _figures(rows, date_from, date_to, lambda r: r.service)
    result["by_service"] = [
        {"service": name or "", **figures} for name, figures in sorted(by_service.items(), key=lambda kv: kv[0])
    ]
    return result


# --- Renewal risk -------------------------------------------------------------------------------------------------

HEALTH_POINTS = {"at_risk": 35, "watch": 15}
OVERDUE_CADENCE_POINTS, OVERDUE_CADENCE_MAX = 5, 15
MISSED_GOAL_POINTS, MISSED_GOAL_MAX = 10, 20
NO_GOALS_POINTS = 5
NEGATIVE_POINTS, NEGATIVE_MAX = 10, 20
NOTICE_POINTS, NEAR_POINTS = 15, 10
NEAR_EXTRA_DAYS = 60  # "near": within notice_days + this many days
MEDIUM_FROM, HIGH_FROM = 30, 60


def band_of_risk(score: int) -> str:
    if score >= HIGH_FROM:
        return "high"
    return "medium" if score >= MEDIUM_FROM else "low"


def _next_renewal(engagements: Iterable[Engagement]) -> Engagement | None:
    due = [e for e in engagements if e.status == EngagementStatus.ACTIVE and e.renewal_date is not None]
    return min(due, key=lambda e: (e.renewal_date, e.pk)) if due else None


def _goal_points(goals: list[ClientGoal], today: date) -> tuple[int, list[dict[str, str]]]:
    if not goals:
        return NO_GOALS_POINTS, [{"code": "no_goals", "explanation": "No goals agreed with the client to show value."}]
    missed = [
        g for g in goals if g.target_date is not None and g.target_date < today and not goal_progress(g)["achieved"]
    ]
    if not missed:
        return 0, []
    names = ", ".join(g.title for g in missed[:3])
    return min(MISSED_GOAL_MAX, MISSED_GOAL_POINTS * len(missed)), [
        {"code": "goals_missed", "explanation": f"{len(missed)} goal(s) past their date and not reached: {names}."}
    ]


def _renewal_points(renewal: Engagement | None, today: date) -> tuple[int, bool, list[dict[str, str]]]:
    """Points for the time to the renewal date, and whether it is "near" (within notice_days + 60 days)."""
    if renewal is None or renewal.renewal_date is None:
        return 0, False, []
    days = (renewal.renewal_date - today).days
    when = f"{renewal.name} renews on {renewal.renewal_date.isoformat()} ({days} days)"
    if days <= renewal.notice_days:
        return (
            NOTICE_POINTS,
            True,
            [{"code": "within_notice", "explanation": f"{when}: inside its {renewal.notice_days}-day notice period."}],
        )
    if days <= renewal.notice_days + NEAR_EXTRA_DAYS:
        return NEAR_POINTS, True, [{"code": "renewal_near", "explanation": f"{when}."}]
    return 0, False, []


def _risk(
    client: Client,
    health: dict[str, Any],
    measures: Any,
    goals: list[ClientGoal],
    engagements: list[Engagement],
    today: date,
) -> dict[str, Any]:
    score, reasons = 0, []
    band = health["band"]
    if band in HEALTH_POINTS:
        score += HEALTH_POINTS[band]
        label = "at risk" if band == "at_risk" else "on watch"
        reasons.append({"code": f"health_{band}", "explanation": f"Health {health['score']} ({label})."})
    if measures.cadence_items_overdue:
        score += min(OVERDUE_CADENCE_MAX, OVERDUE_CADENCE_POINTS * measures.cadence_items_overdue)
        reasons.append(
            {
                "code": "cadence_overdue",
                "explanation": f"{measures.cadence_items_overdue} cadence item(s) overdue "
                f"({measures.cadence_days_overdue} days in all).",
            }
        )
    points, goal_reasons = _goal_points(goals, today)
    score += points
    reasons += goal_reasons
    negatives = sum(1 for s in measures.sentiments if s == "negative")
    if negatives:
        score += min(NEGATIVE_MAX, NEGATIVE_POINTS * negatives)
        reasons.append(
            {
                "code": "negative_sentiment",
                "explanation": f"{negatives} of the last {len(measures.sentiments)} touchpoints with a sentiment "
                "were negative.",
            }
        )
    renewal = _next_renewal(engagements)
    points, near, renewal_reasons = _renewal_points(renewal, today)
    score += points
    reasons += renewal_reasons
    score = min(100, score)
    result_band = band_of_risk(score)
    if near and band == "at_risk" and result_band == "low":  # the binding rule (API.md): at least medium
        result_band = "medium"
    if near and band == "at_risk":
        reasons.append(
            {
                "code": "at_risk_renewal",
                "explanation": "An at-risk client renewing within its notice period plus 60 days is at least medium.",
            }
        )
    return {
        "client_id": client.pk,
        "score": score,
        "band": result_band,
        "reasons": reasons,
        "renewal_date": renewal.renewal_date if renewal else None,
        "engagement_id": renewal.pk if renewal else None,
        "health_score": health["score"],
        "health_band": band,
    }


def renewal_risk_bulk(clients: list[Client], today: date | None = None) -> dict[int, dict[str, Any]]:
    """The renewal risk of many clients of one workspace, in a fixed number of queries."""
    if not clients:
        return {}
    today = today or timezone.localdate()
    conf = settings_for(clients[0].workspace)
    measures, _ = _health_facts_bulk(clients, today)
    ids = [c.pk for c in clients]
    goals: dict[int, list[ClientGoal]] = defaultdict(list)
    for g in ClientGoal.objects.filter(client_id__in=ids, archived_at__isnull=True).prefetch_related("values"):
        goals[g.client_id].append(g)
    engagements: dict[int, list[Engagement]] = defaultdict(list)
    for e in Engagement.objects.filter(client_id__in=ids, status=EngagementStatus.ACTIVE):
        engagements[e.client_id].append(e)
    return {
        c.pk: _risk(c, _scored(measures[c.pk], conf), measures[c.pk], goals[c.pk], engagements[c.pk], today)
        for c in clients
    }


def renewal_risk(*, actor: Actor, client_id: int, today: date | None = None) -> dict[str, Any]:
    client = client_for(actor, client_id)
    access.require(actor, "engagement", "view")
    return renewal_risk_bulk([client], today)[client.pk]


def renewals_due(
    *, actor: Actor, days: int = RENEWALS_DUE_DAYS, account_manager_id: int | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """The active engagements renewing within `days` (and any whose renewal date passed unrecorded), soonest first,
    each with its client's renewal risk."""
    today = today or timezone.localdate()
    rows = list(
        engagement_list(actor=actor, renewal_before=today + timedelta(days=days), account_manager_id=account_manager_id)
    )
    clients = list({e.client_id: e.client for e in rows}.values())
    risks = renewal_risk_bulk(clients, today)
    return [
        {
            "engagement_id": e.pk,
            "engagement_name": e.name,
            "client_id": e.client_id,
            "client_name": e.client.name,
            "account_manager": e.client.account_manager.name if e.client.account_manager else "",
            "renewal_date": e.renewal_date,
            "days_to_renewal": (e.renewal_date - today).days if e.renewal_date else None,
            "notice_days": e.notice_days,
            "value": e.value,
            "mrr": mrr(e),
            "currency": e.currency,
            "risk_score": risks[e.client_id]["score"],
            "risk_band": risks[e.client_id]["band"],
            "risk_reasons": risks[e.client_id]["reasons"],
        }
        for e in rows
    ]
