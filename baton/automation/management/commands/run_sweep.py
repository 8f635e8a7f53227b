"""Run a periodic sweep now, by hand: `manage.py run_sweep tasks_overdue [--workspace demo]`, or `--list` them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.core.models import Workspace
from baton.core.sweeps import registered_sweeps, run_sweep


class Command(BaseCommand):
    help = "Run one periodic sweep now (what the worker runs on its schedule); --list shows them all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="The sweep to run, e.g. tasks_overdue.")
        parser.add_argument("--workspace", help="Only this workspace (its slug).")
        parser.add_argument("--list", action="store_true", help="List the registered sweeps.")

    def handle(self, *args: Any, **options: Any) -> None:
        sweeps = registered_sweeps()
        if options["list"] or not options["name"]:
            for sweep in sweeps.values():
                self.stdout.write(f"{sweep.name:24} {sweep.app:14} {sweep.description}")
            return
        if options["name"] not in sweeps:
            raise CommandError(f"No sweep named {options['name']!r}; see --list.")
        workspaces = None
        if options["workspace"]:
            workspaces = list(Workspace.objects.filter(slug=options["workspace"]))
            if not workspaces:
                raise CommandError(f"No workspace {options['workspace']!r}.")
        results = run_sweep(options["name"], workspaces=workspaces)
        total = sum(results.values())
        self.stdout.write(f"{options['name']}: {total} event(s) emitted in {len(results)} workspace(s).")
