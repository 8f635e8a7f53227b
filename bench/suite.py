"""Reports against the bare SQL aggregate, and the main pages (server time and queries), in one process.

Run by bench/run.py as `python -m bench.suite --slug agency-m --out results.json` with DJANGO_SETTINGS_MODULE set.
Each report is requested through the API (Django test client, bearer token of the workspace owner) `REPEAT` times;
the bare aggregate is the one SQL statement over the raw time entries that computes the same figures, run as many
times in the same process, and the figures of both are compared (minutes and labour cost per row, since the
generated agency has expenses the report adds to cost; revenue where the report's revenue is the bare sum).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import django

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


def _timed(func: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    func()  # warm up (caches, connection)
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def _sql(query: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _month_expr() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return "to_char(te.date, 'YYYY-MM')"
    return "strftime('%Y-%m', te.date)"


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def bare_profitability(workspace_id: int, group_by: str, lo: date, hi: date) -> dict[str, tuple[int, int, Decimal]]:
    key = {
        "client": "p.client_id",
        "project": "te.project_id",
        "person": "te.person_id",
        "month": _month_expr(),
    }[group_by]
    rows = _sql(
        f"SELECT {key}, SUM(te.minutes), SUM(CASE WHEN te.billable THEN te.minutes ELSE 0 END), "
        "SUM(te.cost_amount) FROM timesheets_timeentry te JOIN delivery_project p ON p.id = te.project_id "
        f"WHERE te.workspace_id = %s AND te.date >= %s AND te.date <= %s GROUP BY {key}",
        [workspace_id, lo, hi],
    )
    return {str(r[0]): (int(r[1]), int(r[2]), _dec(r[3])) for r in rows}


def bare_utilization(workspace_id: int, lo: date, hi: date) -> dict[str, tuple[int, int]]:
    rows = _sql(
        "SELECT te.person_id, SUM(te.minutes), SUM(CASE WHEN te.billable THEN te.minutes ELSE 0 END) "
        "FROM timesheets_timeentry te WHERE te.workspace_id = %s AND te.date >= %s AND te.date <= %s "
        "GROUP BY te.person_id",
        [workspace_id, lo, hi],
    )
    return {str(r[0]): (int(r[1]), int(r[2])) for r in rows}


def bare_burn(project_id: int) -> tuple[int, Decimal]:
    row = _sql(
        "SELECT SUM(minutes), SUM(CASE WHEN billable THEN bill_amount ELSE 0 END) FROM timesheets_timeentry "
        "WHERE project_id = %s",
        [project_id],
    )[0]
    return int(row[0] or 0), _dec(row[1])


def _median_of(total: Any, picked: Any) -> int | float | None:
    """The median from the sum and count (1 or 2) of the middle values, as the report rounds it."""
    if not picked:
        return None
    total = int(total)
    if int(picked) == 1:
        return total
    return total // 2 if total % 2 == 0 else total / 2


def bare_handoffs(workspace_id: int, tz: str, lo: date, hi: date) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The figures of /reports/handoffs as plain SQL, for the whole period and per kind, team (the owner's job title)
    and month: handoffs sent in [lo, hi] (days in the workspace's time zone), confirmed, confirmed first time, the
    median minutes to confirm (window functions), gap questions and handoffs with any; failures in [lo, hi], their
    minutes and cost. Two statements, one per table; the month of sending by comparisons with each month's first
    instant, as the report does."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from django.db import connection

    instant = connection.ops.adapt_datetimefield_value
    zone = ZoneInfo(tz or "UTC")
    start = datetime.combine(lo, time.min, tzinfo=zone)
    end = datetime.combine(hi + timedelta(days=1), time.min, tzinfo=zone)
    months, cursor = [], date(lo.year, lo.month, 1)
    while cursor <= hi:
        months.append(f"{cursor:%Y-%m}")
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    firsts = [datetime.combine(date.fromisoformat(f"{m}-01"), time.min, tzinfo=zone) for m in months[1:]]
    month_case = (
        "CASE "
        + " ".join(f"WHEN h.sent_at < %s THEN {i}" for i in range(len(firsts)))
        + (f" ELSE {len(months) - 1} END")
    )
    if not firsts:
        month_case = str(len(months) - 1)
    figures = ", ".join(("confirmed", "first", "mtc", "gaps"))
    rows = _sql(
        "WITH h AS MATERIALIZED (SELECT h.kind, COALESCE(NULLIF(p.title, ''), '—') AS team, "
        f"{month_case} AS month, "
        "CASE WHEN h.status = 'confirmed' THEN 1 ELSE 0 END AS confirmed, "
        "CASE WHEN h.status = 'confirmed' AND h.first_time THEN 1 ELSE 0 END AS first, "
        "CASE WHEN h.status = 'confirmed' THEN h.minutes_to_confirm END AS mtc, "
        "(SELECT COUNT(*) FROM handoffs_handoffgap g WHERE g.handoff_id = h.id) AS gaps "
        "FROM handoffs_handoff h JOIN people_person p ON p.id = h.from_person_id "
        "WHERE h.workspace_id = %s AND h.sent_at >= %s AND h.sent_at < %s), "
        f"keyed AS MATERIALIZED (SELECT 'all' AS dim, '' AS k, {figures} FROM h "
        f"UNION ALL SELECT 'kind', kind, {figures} FROM h "
        f"UNION ALL SELECT 'team', team, {figures} FROM h "
        f"UNION ALL SELECT 'month', CAST(month AS TEXT), {figures} FROM h), "
        "counts AS (SELECT dim, k, COUNT(*) AS n, SUM(confirmed) AS confirmed, SUM(first) AS first, "
        "SUM(gaps) AS gaps, SUM(CASE WHEN gaps > 0 THEN 1 ELSE 0 END) AS raised, COUNT(mtc) AS nm "
        "FROM keyed GROUP BY dim, k), "
        "ranked AS (SELECT dim, k, mtc, ROW_NUMBER() OVER (PARTITION BY dim, k ORDER BY mtc) AS rn "
        "FROM keyed WHERE mtc IS NOT NULL), "
        "middle AS (SELECT r.dim, r.k, SUM(r.mtc) AS total, COUNT(*) AS picked FROM ranked r "
        "JOIN counts c ON c.dim = r.dim AND c.k = r.k WHERE r.rn IN ((c.nm + 1) / 2, (c.nm + 2) / 2) "
        "GROUP BY r.dim, r.k) "
        "SELECT c.dim, c.k, c.n, c.confirmed, c.first, c.gaps, c.raised, m.total, m.picked "
        "FROM counts c LEFT JOIN middle m ON m.dim = c.dim AND m.k = c.k",
        # As the ORM writes them: SQLite stores naive UTC text, so an aware instant in another zone compared as text
        # would put a handoff sent just before local midnight on a month's first in the wrong month.
        [*map(instant, firsts), workspace_id, instant(start), instant(end)],
    )
    out: dict[tuple[str, str], list[Any]] = {}
    for dim, key, count, confirmed, first, gaps, raised, middle, picked in rows:
        key = months[int(key)] if dim == "month" else key
        out[(dim, key)] = [
            int(count),
            int(confirmed or 0),
            int(first or 0),
            _median_of(middle, picked),
            int(gaps or 0),
            int(raised or 0),
            0,
            0,
            _dec(0),
        ]
    month = _month_expr().replace("te.date", "f.occurred_on")
    failed = "COUNT(*), SUM(f.remediation_minutes), SUM(f.remediation_cost)"
    rows = _sql(
        f"WITH f AS (SELECT h.kind, COALESCE(NULLIF(p.title, ''), '—') AS team, {month} AS month, "
        "f.remediation_minutes, f.remediation_cost FROM handoffs_handofffailure f "
        "JOIN handoffs_handoff h ON h.id = f.handoff_id JOIN people_person p ON p.id = h.from_person_id "
        "WHERE f.workspace_id = %s AND f.occurred_on >= %s AND f.occurred_on <= %s) "
        f"SELECT 'all', '', {failed} FROM f "
        f"UNION ALL SELECT 'kind', kind, {failed} FROM f GROUP BY kind "
        f"UNION ALL SELECT 'team', team, {failed} FROM f GROUP BY team "
        f"UNION ALL SELECT 'month', month, {failed} FROM f GROUP BY month",
        [workspace_id, lo, hi],
    )
    for dim, key, count, minutes, cost in rows:
        if dim == "all" and not count:
            continue
        row = out.setdefault((dim, key), [0, 0, 0, None, 0, 0, 0, 0, _dec(0)])
        row[6:] = [int(count), int(minutes or 0), _dec(cost)]
    return {k: tuple(v) for k, v in out.items()}


def report_handoffs(body: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The same figures from the report's body (groups with neither handoffs nor failures left out)."""

    def figures(r: dict[str, Any]) -> tuple[Any, ...]:
        return (
            r["count"],
            r["confirmed"],
            r["first_time_confirmed"],
            r["median_minutes_to_confirm"],
            r["gaps"],
            r["gaps_raised"],
            r["failures"],
            r["remediation_minutes"],
            _dec(r["remediation_cost"]),
        )

    out = {("all", ""): figures(body)}
    for dim in ("kind", "team", "month"):
        for r in body[f"by_{dim}"]:
            if r["count"] or r["failures"]:
                out[(dim, r["key"])] = figures(r)
    return out


def reports(slug: str) -> list[dict[str, Any]]:
    from django.db.models import Count
    from django.test import Client

    from baton.core.access import Actor
    from baton.core.models import User, Workspace
    from baton.core.services import api_token_create
    from baton.delivery.models import Project
    from baton.timesheets.models import TimeEntry

    workspace = Workspace.objects.get(slug=slug)
    owner = User.objects.get(email=f"owner@{slug}.baton.test")
    _, token = api_token_create(actor=Actor.system(workspace), user=owner, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    today = date.today()
    results = []

    def row(name: str, report_ms: float, bare_ms: float, equal: bool, note: str = "") -> None:
        results.append(
            {
                "name": name,
                "p50_ms": round(report_ms, 1),
                "bare_ms": round(bare_ms, 1),
                "ratio": round(report_ms / bare_ms, 2) if bare_ms else None,
                "equal": equal,
                "note": note,
            }
        )

    for years in (1, 5):
        lo, hi = today.replace(year=today.year - years) + timedelta(days=1), today
        for group_by in ("client", "project", "person", "month"):
            url = f"/api/v1/reports/profitability?group_by={group_by}&from={lo}&to={hi}"
            ms, response = _timed(partial(client.get, url))
            assert response.status_code == 200, response.content[:300]
            body = response.json()
            bare_ms, bare = _timed(partial(bare_profitability, workspace.pk, group_by, lo, hi))
            got = {
                str(r["key"]): (r["minutes"], r["billable_minutes"], _dec(r["labour_cost"]))
                for r in body["rows"]
                if r["minutes"]
            }
            row(f"profitability by {group_by}, {years} y", ms, bare_ms, got == bare)
    q_end = today - timedelta(days=1)
    q_start = q_end - timedelta(days=90)
    url = f"/api/v1/reports/utilization?from={q_start}&to={q_end}&group_by=person"
    ms, response = _timed(lambda: client.get(url))
    assert response.status_code == 200, response.content[:300]
    bare_ms, bare_logged = _timed(lambda: bare_utilization(workspace.pk, q_start, q_end))
    logged = {
        str(r["key"]): (r["logged_minutes"], r["billable_minutes"]) for r in response.json() if r["logged_minutes"]
    }
    row("utilization, a quarter (by person)", ms, bare_ms, logged == bare_logged)
    big = (
        TimeEntry.objects.filter(workspace=workspace)
        .exclude(project__billing="retainer")
        .exclude(project__name__startswith="Internal")
        .values("project_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert big is not None
    project = Project.objects.get(pk=big["project_id"])
    url = f"/api/v1/reports/budget-burn?project_id={project.pk}"
    ms, response = _timed(lambda: client.get(url))
    assert response.status_code == 200, response.content[:300]
    bare_ms, bare = _timed(lambda: bare_burn(project.pk))
    body = response.json()
    equal = (body["spent_minutes"], _dec(body["spent_amount"]) - _dec(body["expenses_amount"])) == bare
    row(f"budget burn, largest project ({big['n']:,} entries)", ms, bare_ms, equal)
    lo = today.replace(year=today.year - 1) + timedelta(days=1)
    url = f"/api/v1/reports/handoffs?from={lo}&to={today}"
    ms, response = _timed(lambda: client.get(url))
    assert response.status_code == 200, response.content[:300]
    bare_ms, bare_h = _timed(lambda: bare_handoffs(workspace.pk, workspace.timezone, lo, today))
    body = response.json()
    equal = report_handoffs(body) == bare_h
    row("handoff metrics, 1 y", ms, bare_ms, equal, note=f"{body['count']:,} handoffs")
    return results


def pages(slug: str) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from baton.core.models import Membership, Workspace
    from baton.crm.models import Client as Customer
    from baton.delivery.models import Project

    workspace = Workspace.objects.get(slug=slug)
    users = {}
    for role in ("owner", "admin", "finance", "account_manager", "project_manager", "member"):
        membership = Membership.objects.filter(workspace=workspace, role=role).select_related("user").first()
        if membership:
            users[role] = membership.user
    project = Project.objects.filter(workspace=workspace, status="active").order_by("pk").first()
    customer = Customer.objects.filter(workspace=workspace).order_by("pk").first()
    monday = date.today() - timedelta(days=date.today().weekday())
    targets: list[tuple[str, str, str]] = [(f"home ({role})", role, "/") for role in users]
    targets += [
        ("project list", "owner", "/projects/"),
        ("board", "owner", f"/projects/{project.pk}/board/" if project else "/projects/"),
        ("schedule, 12 weeks (first page of people)", "owner", f"/schedule/?scale=weeks&start={monday}"),
        ("client page", "owner", f"/clients/{customer.pk}/" if customer else "/clients/"),
    ]
    from django.urls import reverse

    targets.append(("handoff inbox", "member", reverse("handoffs:inbox")))
    targets.append(("accounts portfolio (account manager)", "account_manager", reverse("relationships:portfolio")))
    targets.append(("accounts portfolio (owner: every client)", "owner", reverse("relationships:portfolio")))
    out = []
    for name, role, url in targets:
        client = Client()
        client.force_login(users[role])
        client.get(url)
        times = []
        queries = 0
        status = 0
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            queries = len(ctx.captured_queries)
            status = response.status_code
        out.append(
            {
                "name": name,
                "url": url,
                "p50_ms": round(statistics.median(times), 1),
                "queries": queries,
                "status": status,
            }
        )
    return out


def density(slug: str) -> dict[str, Any]:
    """Are the report windows dense (issue 21)? Entries in each 365-day year back from today (the 1-year cases are
    the last of them) and people logging time in each 91-day quarter (the quarter case is the last)."""
    from django.db.models import Count

    from baton.core.models import Workspace
    from baton.timesheets.models import TimeEntry

    workspace = Workspace.objects.get(slug=slug)
    today = date.today()
    entries = TimeEntry.objects.filter(workspace=workspace)
    first = entries.order_by("date").values_list("date", flat=True).first() or today
    years = []
    for k in range((today - first).days // 365):
        lo, hi = today - timedelta(days=365 * (k + 1)), today - timedelta(days=365 * k)
        years.append(entries.filter(date__gt=lo, date__lte=hi).count())
    quarters = []
    for k in (0, 4):
        lo, hi = today - timedelta(days=91 * (k + 1)), today - timedelta(days=91 * k)
        window = entries.filter(date__gt=lo, date__lte=hi).aggregate(
            n=Count("id"), people=Count("person", distinct=True)
        )
        quarters.append({"entries": window["n"], "loggers": window["people"]})
    return {"years": years, "last_quarter": quarters[0], "quarter_a_year_before": quarters[1]}


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--parts", default="reports,pages", help="reports,pages (pages only at the smaller sizes)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        # The figures should not depend on when autovacuum last ran (it is off on the CI machine's cluster): fresh
        # statistics and visibility map, as generate_agency leaves them, before measuring kept data again.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    result: dict[str, Any] = {"vendor": connection.vendor, "rss_start_mb": _peak_rss_mb()}
    if "reports" in parts:
        result["density"] = density(args.slug)
        result["reports"] = reports(args.slug)
        result["rss_after_reports_mb"] = _peak_rss_mb()  # peak RSS (VmHWM) of this process, the largest report in
    if "pages" in parts:
        result["pages"] = pages(args.slug)
        result["rss_after_pages_mb"] = _peak_rss_mb()
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1, default=str)


if __name__ == "__main__":
    main()
