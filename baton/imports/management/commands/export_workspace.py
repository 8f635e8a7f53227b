"""`manage.py export_workspace SLUG FILE [--with-credentials]`: the workspace, whole, as a ZIP (docs/export-format.md).

Without `--with-credentials` the export is the one `GET /api/v1/export` gives: no password hashes (people set a new
password after a move), no API tokens, no authenticator or recovery-code secrets, new webhook signing secrets. With
it, a move keeps every login: keep that file as secret as the database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.imports import workspace_export as export


class Command(BaseCommand):
    help = "Write one workspace (every table's rows, its users, its uploaded files) to a ZIP file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The workspace's slug.")
        parser.add_argument("file", help="Where to write the ZIP, e.g. acme-2026-12-06.zip.")
        parser.add_argument(
            "--with-credentials",
            action="store_true",
            help="Include password hashes, API token hashes, authenticator secrets and webhook secrets, so a move "
            "keeps every login. The file is then as secret as the database.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["slug"]).first()
        if workspace is None:
            raise CommandError(f"No workspace has the slug {opts['slug']!r}.")
        target = Path(opts["file"]).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                manifest = export.export_workspace(
                    actor=Actor.system(workspace), out=out, include_credentials=opts["with_credentials"]
                )
            os.replace(partial, target)
        except (OSError, export.ExportError) as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Exported workspace {workspace.slug}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files to {target} ({target.stat().st_size / 1024 / 1024:.1f} MB)"
            + (" with credentials." if opts["with_credentials"] else ".")
        )
        for name in manifest["missing_files"]:
            self.stderr.write(f"Missing upload (its row is exported, the file was not found): {name}")
