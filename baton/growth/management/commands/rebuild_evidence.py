"""`manage.py rebuild_evidence [--workspace slug] [--since YYYY-MM-DD]`: replay the event log through the evidence
rules. Idempotent: each (rule, event) yields one evidence row however often it runs."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from baton.core.models import Workspace
from baton.growth.services import evidence_rebuild


class Command(BaseCommand):
    help = "Replay the event log through the growth evidence rules (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="Workspace slug (default: every workspace).")
        parser.add_argument("--since", help="Only events on or after this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options.get("since"):
            day = parse_date(options["since"])
            if day is None:
                raise SystemExit("--since takes a date, YYYY-MM-DD.")
            since = timezone.make_aware(datetime.combine(day, time.min))
        workspaces = Workspace.objects.all()
        if options.get("workspace"):
            workspaces = workspaces.filter(slug=options["workspace"])
        for workspace in workspaces.order_by("id"):
            count = evidence_rebuild(workspace=workspace, since=since)
            self.stdout.write(f"{workspace.slug}: {count} evidence rows from events.")
