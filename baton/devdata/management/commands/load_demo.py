"""`manage.py load_demo [--seed N] [--if-empty]`: create the demo agency, with a progress bar.

The demo's e-mails (status updates to the clients' contacts, notifications) go to an in-memory outbox, never to the
console or a real mail server: the addresses are made up. The automation jobs of the demo's events run in this
process while it loads (Huey's immediate mode, as under pytest), so the demo arrives with its notifications and rule
runs done, and a worker started next finds no lost job to recover. INFO lines (Huey's one per job, a demo handoff
trigger with nobody to notify) are muted while it loads; warnings and errors are logged as always.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core import mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from baton.core.models import Workspace
from baton.devdata.demo import agency as demo
from baton.devdata.demo import history


@contextmanager
def _quiet_and_immediate() -> Iterator[list[Any]]:
    """E-mails kept in memory (the list of messages is yielded) and automation jobs run in-process, for the load."""
    immediate, outbox = HUEY.immediate, getattr(mail, "outbox", None)
    logs = [logging.getLogger("huey"), logging.getLogger("baton")]  # INFO: "Executing ..." for each of the jobs
    levels = [log.level for log in logs]
    HUEY.immediate = True
    for log in logs:
        log.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            yield mail.outbox
    finally:
        HUEY.immediate = immediate
        for log, level in zip(logs, levels, strict=True):
            log.setLevel(level)
        if outbox is not None:
            mail.outbox = outbox


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
        with (
            _quiet_and_immediate() as outbox,
            Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True) as bar,
        ):
            tasks: dict[str, Any] = {}

            def step(label: str, done: int, total: int) -> None:
                if label not in tasks:
                    tasks[label] = bar.add_task(f"Creating {label}", total=total)
                bar.update(tasks[label], completed=done)

            workspace = demo.generate(seed=opts["seed"], slug=opts["slug"], progress=step)
        history.date_notifications(workspace.pk, timezone.localdate())  # raised as it committed: dated like events
        self.stdout.write(
            f"Demo agency {workspace.name!r} loaded (workspace {workspace.slug}); "
            f"its {len(outbox)} e-mail(s) to made-up addresses were not sent."
        )
        self.stdout.write(f"Log in with any of these, password {demo.DEMO_PASSWORD!r}:")
        for role, email in demo.DEMO_LOGINS:
            self.stdout.write(f"  {role:<16} {email.replace(demo.DEMO_SLUG + '.', opts['slug'] + '.')}")
