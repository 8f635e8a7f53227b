"""Time-entry creation over HTTP under concurrency, against a bare one-INSERT view on the same server.

Starts gunicorn (bench.settings, `BENCH_WORKERS` workers, default 4, of `BENCH_WORKER_CLASS`, default `sync`, and
`--preload` as in the README's production command) on 127.0.0.1 and waits until it answers; then with a thread pool
(`BENCH_THREADS`, default 8, one person and one client connection per thread) posts `BENCH_REQUESTS` time entries
to `POST /api/v1/time-entries` (bearer tokens, the full service: access, validation, rates, rollup, event) and as
many rows to `/bench/bare-insert/`; then one client alone, sequentially, for the single-request median. The entries
go to the expensive path (issue 21): an active time-and-materials project with a budget (the finance subscriber
checks its thresholds on every entry) and tasks, each entry against one of its tasks. Reports throughput, p50/p99
and the peak RSS (VmHWM) of the web workers after the load and again after every worker has also served the
largest report (profitability by project over 5 years) and the main pages (home, schedule, the owner's accounts
portfolio). Run as `python -m bench.http_load --slug S --out F`.

Fair to both views: the same server, workers and client code. Sync workers close the connection after every
response, so each request of either view opens a new one (no keep-alive; `BENCH_WORKER_CLASS=gthread` keeps them
alive). The bare view is an ordinary view of the same project, so it passes through the same middleware stack as the
API (security, WhiteNoise, CSP, NUL check, sessions, CSRF — exempt, as the bearer-token API is —, auth, the actor
middleware, idempotency without a key: nothing to do); what it skips is everything the API does beyond the
middleware: bearer auth and its throttle, django-ninja and pydantic, the service and the after-commit subscribers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = int(os.environ.get("BENCH_HTTP_TIMEOUT", "120"))  # workers boot slowly on a loaded machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup(slug: str, threads: int) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.test import Client
    from django.urls import reverse

    from baton.core.access import Actor
    from baton.core.models import User, Workspace
    from baton.core.services import api_token_create
    from baton.delivery.models import Project, Task
    from baton.people.models import Person

    workspace = Workspace.objects.get(slug=slug)
    actor = Actor.system(workspace)
    people = list(
        Person.objects.filter(workspace=workspace, membership__role="member", active=True)
        .select_related("membership__user")
        .order_by("pk")[: threads + 1]
    )
    # The expensive path: a budgeted T&M project with tasks (the largest budget, the first by id among equals).
    project = (
        Project.objects.filter(
            workspace=workspace, status="active", billing="time_and_materials", budget_minutes__gt=0, archived_at=None
        )
        .filter(tasks__isnull=False)
        .distinct()
        .order_by("-budget_minutes", "pk")
        .first()
    )
    assert project is not None, "no active T&M project with a budget and tasks"
    tasks = list(Task.objects.filter(project=project).order_by("pk").values_list("pk", flat=True))
    clients = []
    for i, person in enumerate(people):
        _, token = api_token_create(actor=actor, user=person.membership.user, name="bench-load")
        clients.append(
            {"token": token, "person_id": person.pk, "project_id": project.pk, "task_id": tasks[i % len(tasks)]}
        )
    owner = User.objects.get(email=f"owner@{slug}.baton.test")
    _, owner_token = api_token_create(actor=actor, user=owner, name="bench-rss")
    browser = Client()
    browser.force_login(owner)
    target = {
        "project": f"{project.name} (budget {project.budget_minutes:,} min, {len(tasks)} tasks)",
        "owner_token": owner_token,
        "session": browser.cookies["sessionid"].value,
        "portfolio": reverse("relationships:portfolio"),
    }
    return clients, workspace.pk, target


def _post(conn: http.client.HTTPConnection, path: str, body: dict[str, Any], token: str | None) -> tuple[int, float]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    t = time.perf_counter()
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - t) * 1000


def _run(port: int, clients: list[dict[str, Any]], workspace_id: int, bare: bool, per_client: int) -> dict[str, Any]:
    # Dates far ahead (open weeks, no other time): 1 minute per entry, a new day every 100 entries.
    base = date.today() + timedelta(days=400 + (1000 if bare else 0))

    def work(i: int) -> list[tuple[int, float]]:
        c = clients[i]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        out = []
        for n in range(per_client):
            day = base + timedelta(days=n // 100 + i * 50)
            body = {"project_id": c["project_id"], "task_id": c["task_id"], "date": day.isoformat(), "minutes": 1}
            if bare:
                body |= {"workspace_id": workspace_id, "person_id": c["person_id"]}
                out.append(_post(conn, "/bench/bare-insert/", body, None))
            else:
                out.append(_post(conn, "/api/v1/time-entries", body, c["token"]))
        conn.close()
        return out

    t = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        results = [r for chunk in pool.map(work, range(len(clients))) for r in chunk]
    wall = time.perf_counter() - t
    latencies = sorted(ms for _, ms in results)
    errors = sum(1 for status, _ in results if status != 201)
    return {
        "requests": len(results),
        "errors": errors,
        "throughput": round(len(results) / wall, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
    }


def _read_heavy(port: int, target: dict[str, Any], workers: int) -> dict[str, int]:
    """The largest report and the main pages, each requested twice per worker (sync workers take requests in turn,
    so every one serves each); answers each URL's status."""
    today = date.today()
    five = today.replace(year=today.year - 5) + timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    api = [f"/api/v1/reports/profitability?group_by=project&from={five}&to={today}"]
    pages = ["/", f"/schedule/?scale=weeks&start={monday}", target["portfolio"]]
    statuses: dict[str, int] = {}
    for url in api + pages:
        for _ in range(2 * workers):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            if url in api:
                headers = {"Authorization": f"Bearer {target['owner_token']}"}
            else:
                headers = {"Cookie": f"sessionid={target['session']}"}
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses[url] = response.status
            conn.close()
    return statuses


def _wait_ready(port: int) -> None:
    """Until the server answers a request (the port opens before the workers are ready)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer in {TIMEOUT} s")


def _rss_kb(master: int) -> int:
    peak = 0
    for pid in [master, *_children(master)]:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cleanup(workspace_id: int) -> None:
    """Take the load's entries out again (they are dated 400+ days ahead) and rebuild the rollup: the bare view's
    rows never went through the services, so the rollup did not count them."""
    from baton.timesheets import rollups
    from baton.timesheets.models import TimeEntry

    TimeEntry.objects.filter(workspace_id=workspace_id, date__gte=date.today() + timedelta(days=400)).delete()
    rollups.rebuild(workspace_id)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    threads = int(os.environ.get("BENCH_THREADS", "8"))
    workers = int(os.environ.get("BENCH_WORKERS", "4"))
    worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
    total = int(os.environ.get("BENCH_REQUESTS", "1600"))
    clients, workspace_id, target = _setup(args.slug, threads)
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "baton.wsgi:application",
            "--preload",  # as bin/run: the warm-up once before forking, so the workers are ready together
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_ready(port)
        per = max(1, total // threads)
        _run(port, clients[:threads], workspace_id, True, 20)  # warm every worker
        _run(port, clients[:threads], workspace_id, False, 20)
        concurrent_bare = _run(port, clients[:threads], workspace_id, True, per)
        concurrent_api = _run(port, clients[:threads], workspace_id, False, per)
        single = _run(port, clients[threads:], workspace_id, False, 200)
        single_bare = _run(port, clients[threads:], workspace_id, True, 200)
        rss = _rss_kb(server.pid)
        heavy = _read_heavy(port, target, workers)
        rss_heavy = _rss_kb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    _cleanup(workspace_id)
    result = {
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "api": concurrent_api,
        "bare": concurrent_bare,
        "ratio": round(concurrent_api["throughput"] / concurrent_bare["throughput"], 2),
        "single": single,
        "single_bare": single_bare,
        "project": target["project"],
        "peak_rss_mb": round(rss / 1024, 1),
        "peak_rss_after_reads_mb": round(rss_heavy / 1024, 1),
        "reads": heavy,
    }
    Path(args.out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
