"""`manage.py load_demo [--seed N] [--if-empty]`: create the demo agency, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from baton.core.models import Workspace
from baton.devdata.demo import agency as demo


class Command(BaseCommand):
    help = "Create the demo agency (people, clients, contacts) from a fixed random seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--slug", default=demo.DEMO_SLUG)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any workspace exists.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["if_empty"] and Workspace.objects.exists():
            self.stdout.write("A workspace exists already; demo not loaded.")
            return
        if Workspace.objects.filter(slug=opts["slug"]).exists():
            raise CommandError(f"Workspace {opts['slug']!r} exists already.")
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
            tasks: dict[str, Any] = {}

            def step(label: str, done: int, total: int) -> None:
                if label not in tasks:
                    tasks[label] = bar.add_task(f"Creating {label}", total=total)
                bar.update(tasks[label], completed=done)

            workspace = demo.generate(seed=opts["seed"], slug=opts["slug"], progress=step)
        self.stdout.write(f"Demo agency {workspace.name!r} loaded (workspace {workspace.slug}).")
        self.stdout.write(f"Log in with any of these, password {demo.DEMO_PASSWORD!r}:")
        for role, email in demo.DEMO_LOGINS:
            self.stdout.write(f"  {role:<16} {email.replace(demo.DEMO_SLUG + '.', opts['slug'] + '.')}")
