"""Time-entry creation over HTTP under concurrency, against a bare one-INSERT view on the same server.

Starts gunicorn (bench.settings, `BENCH_WORKERS` workers, default 4, of `BENCH_WORKER_CLASS`, default `sync` as in the
README's production command) on 127.0.0.1, then with a thread pool (`BENCH_THREADS`, default 8, one person and one
client connection per thread) posts `BENCH_REQUESTS` time entries to `POST /api/v1/time-entries` (bearer tokens, the
full service: access, validation, rates, rollup, event) and as many rows to `/bench/bare-insert/`; then one client
alone, sequentially, for the single-request median. Reports throughput, p50/p99 and the peak RSS (VmHWM) of the web
workers. Run as `python -m bench.http_load --slug S --out F`.

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup(slug: str, threads: int) -> tuple[list[dict[str, Any]], int]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from baton.core.access import Actor
    from baton.core.models import Workspace
    from baton.core.services import api_token_create
    from baton.delivery.models import Project
    from baton.people.models import Person

    workspace = Workspace.objects.get(slug=slug)
    actor = Actor.system(workspace)
    people = list(
        Person.objects.filter(workspace=workspace, membership__role="member", active=True)
        .select_related("membership__user")
        .order_by("pk")[: threads + 1]
    )
    project = Project.objects.get(workspace=workspace, name="Internal: agency time")
    clients = []
    for person in people:
        _, token = api_token_create(actor=actor, user=person.membership.user, name="bench-load")
        clients.append({"token": token, "person_id": person.pk, "project_id": project.pk})
    return clients, workspace.pk


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
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        out = []
        for n in range(per_client):
            day = base + timedelta(days=n // 100 + i * 50)
            body = {"project_id": c["project_id"], "date": day.isoformat(), "minutes": 1}
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
    clients, workspace_id = _setup(args.slug, threads)
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "baton.wsgi:application",
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
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        per = max(1, total // threads)
        _run(port, clients[:threads], workspace_id, True, 20)  # warm every worker
        _run(port, clients[:threads], workspace_id, False, 20)
        concurrent_bare = _run(port, clients[:threads], workspace_id, True, per)
        concurrent_api = _run(port, clients[:threads], workspace_id, False, per)
        single = _run(port, clients[threads:], workspace_id, False, 200)
        single_bare = _run(port, clients[threads:], workspace_id, True, 200)
        rss = _rss_kb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
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
        "peak_rss_mb": round(rss / 1024, 1),
    }
    Path(args.out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
