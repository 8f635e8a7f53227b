"""Recompute the time rollups (timesheets.TimeRollup) of every workspace, or one, from the raw time entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from baton.core.models import Workspace
from baton.timesheets import rollups


class Command(BaseCommand):
    help = (
        "Rebuild the time rollups (minutes and money per project x person x month, and per project x month) from the "
        "time entries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", type=int, help="Only this workspace id.")
        parser.add_argument("--check", action="store_true", help="Only compare; exit 1 when they differ.")

    def handle(self, *args: Any, **options: Any) -> None:
        workspaces = Workspace.objects.order_by("pk")
        if options.get("workspace"):
            workspaces = workspaces.filter(pk=options["workspace"])
        differ = False
        for workspace in workspaces:
            if options.get("check"):
                same = rollups.equal_to_entries(workspace.pk)
                differ = differ or not same
                self.stdout.write(f"{workspace.slug}: {'equal' if same else 'DIFFERENT'}")
            else:
                n = rollups.rebuild(workspace.pk)
                self.stdout.write(f"{workspace.slug}: {n} rollup cells")
        if differ:
            raise SystemExit(1)
