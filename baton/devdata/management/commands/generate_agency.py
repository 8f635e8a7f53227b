"""`manage.py generate_agency --size S|M|L|XL [--seed N] [--slug S]`: a large agency with years of history, for the
benchmarks; the generator itself is `baton.devdata.scale`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from baton.core.models import Workspace
from baton.devdata.scale import SIZES, generate


class Command(BaseCommand):
    help = "Generate a large agency (S, M, L or XL) in bulk for the benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--slug", default=None, help="Workspace slug (default agency-<size>).")

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["size"]
        slug = options["slug"] or f"agency-{size.lower()}"
        if Workspace.objects.filter(slug=slug).exists():
            raise CommandError(f"Workspace {slug!r} exists; use another --slug or a fresh database.")
        spec = SIZES[size]
        total = (
            spec.people
            + spec.clients
            + spec.projects * 11
            + spec.entries * 21 // 20
            + spec.bookings
            + spec.touchpoints
            + spec.handoffs
        )
        started = time.monotonic()
        with Progress(
            TextColumn("{task.description:<14}"), BarColumn(), TextColumn("{task.completed:>9,}"), TimeElapsedColumn()
        ) as bar:
            task = bar.add_task("starting", total=total)

            def advance(label: str, n: int) -> None:
                bar.update(task, description=label, advance=n)

            w = generate(size, options["seed"], slug, advance)
            bar.update(task, completed=total)
        for label, n in w.counts.items():
            self.stdout.write(f"{label:>16}: {n:,}")
        self.stdout.write(f"workspace {slug} (id {w.workspace.pk}) in {time.monotonic() - started:.1f} s")
