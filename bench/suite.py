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


def bare_handoffs(workspace_id: int, tz: str, lo: date, hi: date) -> tuple[int, int, int, int, int, Decimal]:
    """Handoffs sent in [lo, hi] (days in the workspace's time zone), confirmed, gap questions on them; failures in
    [lo, hi], their minutes and cost: the headline figures of /reports/handoffs as plain SQL."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    start = datetime.combine(lo, time.min, tzinfo=ZoneInfo(tz or "UTC"))
    end = datetime.combine(hi + timedelta(days=1), time.min, tzinfo=ZoneInfo(tz or "UTC"))
    count, confirmed, gaps = _sql(
        "SELECT COUNT(*), SUM(CASE WHEN h.status = 'confirmed' THEN 1 ELSE 0 END), "
        "(SELECT COUNT(*) FROM handoffs_handoffgap g JOIN handoffs_handoff h2 ON h2.id = g.handoff_id "
        " WHERE h2.workspace_id = %s AND h2.sent_at >= %s AND h2.sent_at < %s) "
        "FROM handoffs_handoff h WHERE h.workspace_id = %s AND h.sent_at >= %s AND h.sent_at < %s",
        [workspace_id, start, end, workspace_id, start, end],
    )[0]
    failures, minutes, cost = _sql(
        "SELECT COUNT(*), SUM(remediation_minutes), SUM(remediation_cost) FROM handoffs_handofffailure "
        "WHERE workspace_id = %s AND occurred_on >= %s AND occurred_on <= %s",
        [workspace_id, lo, hi],
    )[0]
    return int(count), int(confirmed or 0), int(gaps or 0), int(failures), int(minutes or 0), _dec(cost)


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
    got_h = (
        body["count"],
        body["confirmed"],
        body["gaps"],
        body["failures"],
        body["remediation_minutes"],
        _dec(body["remediation_cost"]),
    )
    equal = got_h == bare_h
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
        ("schedule, everyone x 12 weeks", "owner", f"/schedule/?scale=weeks&start={monday}"),
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        # The figures should not depend on when autovacuum last ran (it is off on the CI machine's cluster): fresh
        # statistics and visibility map, as generate_agency leaves them, before measuring kept data again.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    result = {"vendor": connection.vendor, "reports": reports(args.slug), "pages": pages(args.slug)}
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1, default=str)


if __name__ == "__main__":
    main()
