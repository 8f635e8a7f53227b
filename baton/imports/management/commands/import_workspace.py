"""`manage.py import_workspace FILE`: load a workspace export into an empty database (SQLite or PostgreSQL) and
MEDIA_ROOT (baton/imports/workspace_import.py, docs/export-format.md).

Into a database with no tables at all, the command first migrates it to exactly the export's migration state, loads
the export, then migrates it to this Baton's latest state, so an older export moves into a newer Baton with its data
migrations run. A migrated empty database must stand at the export's state already.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.imports import workspace_export as export
from baton.imports import workspace_import


class Command(BaseCommand):
    help = "Load a workspace export (from export_workspace or GET /api/v1/export) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The export's ZIP file.")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        verbose = opts["verbosity"] > 1
        try:
            fresh = workspace_import.has_no_tables()
            if fresh:
                with workspace_import.open_export(path) as archive:
                    manifest = export.read_manifest(archive)
                workspace_import.check_migrations_known(manifest)
                self.stdout.write("The database has no tables: migrating it to the export's state ...")
                for app, name in workspace_import.export_leaves(manifest):
                    call_command("migrate", app, name, verbosity=0, interactive=False)
            result = workspace_import.import_export(path, say=self.stdout.write if verbose else lambda _: None)
        except export.ExportError as exc:
            raise CommandError(str(exc)) from exc
        if fresh:
            call_command("migrate", verbosity=0, interactive=False)
        workspace = result.manifest["workspace"]
        self.stdout.write(
            f"Imported workspace {workspace['slug']}: {len(result.rows)} tables, {sum(result.rows.values())} rows, "
            f"{result.files} files."
            + (
                ""
                if result.manifest.get("includes_credentials")
                else ' The export held no passwords: people set theirs with "Forgot your password?".'
            )
        )
