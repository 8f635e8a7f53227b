"""`manage.py import_time FILE --source toggl --workspace studio [--run] [--as EMAIL] [--mapping JSON]`: the dry run's
summary (and its first refused rows), then with --run the import itself with a progress bar. The same services as
the web and the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from baton.core.access import Actor
from baton.core.models import Membership, Workspace
from baton.imports import formats, services

SHOWN = 20  # refused rows printed; all of them: GET /imports/{id}/errors.csv or the result page


class Command(BaseCommand):
    help = "Import time entries from another tool's export (a dry run unless --run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", choices=formats.names(), help="The tool; detected from the header if left out.")
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--run", action="store_true", help="Import for real after the dry run.")
        parser.add_argument("--as", dest="as_email", help="Act as this owner or admin (default: Baton itself).")
        parser.add_argument("--mapping", help='For --source csv: {"Baton field": "column"} as JSON.')

    def _actor(self, slug: str, email: str | None) -> Actor:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"No workspace {slug!r}.")
        if not email:
            return Actor.system(workspace)
        membership = (
            Membership.objects.select_related("user", "workspace", "person")
            .filter(workspace=workspace, user__email__iexact=email, is_active=True)
            .first()
        )
        if membership is None:
            raise CommandError(f"{email} is not a member of {slug}.")
        return Actor.for_membership(membership)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["workspace"], options.get("as_email"))
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        mapping = json.loads(options["mapping"]) if options.get("mapping") else None
        try:
            with path.open("rb") as handle:
                run = services.import_create(
                    actor=actor, upload=handle, source=options.get("source"), mapping=mapping, file_name=path.name
                )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(
            f"Import {run.pk} ({run.source}): {run.rows} rows: {run.created} to create, {run.matched} already "
            f"imported, {run.refused} refused."
        )
        for kind in ("people", "clients", "projects", "tasks"):
            items = run.plan.get(kind, [])
            new = sum(1 for i in items if i.get("match_id") is None)
            self.stdout.write(f"  {kind}: {len(items) - new} matched, {new} new")
        for error in run.errors[:SHOWN]:
            self.stdout.write(f"  row {error['row']}, {error['column']}: {error['message']}")
        if run.refused > SHOWN:
            self.stdout.write(f"  … and {run.refused - SHOWN} more refused rows.")
        if not options["run"]:
            self.stdout.write("A dry run: nothing was written. Add --run to import.")
            return
        services.import_run(actor=actor, run=run, enqueue=False)
        columns = (TextColumn("Importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=None, transient=False) as progress:
            task = progress.add_task("import", total=run.rows or 1)
            run = services.import_execute(run.pk, on_progress=lambda done, total: progress.update(task, completed=done))
        if run.status != "done":
            raise CommandError(f"The import stopped: {run.failure} Run it again to resume (import {run.pk}).")
        self.stdout.write(
            f"Done: {run.created} entries created, {run.matched} already imported, {run.refused} refused."
        )
