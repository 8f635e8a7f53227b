"""`manage.py restore FILE [--force]`: put back what `manage.py backup` archived (baton/core/backup.py).

It refuses an archive of another engine or of a newer Baton, and a target whose database has tables or whose
MEDIA_ROOT has files (unless --force); it checks every file against the manifest's sha256 before touching anything,
then loads the database (the SQLite file, or `pg_restore` into the configured PostgreSQL database), moves the files
into MEDIA_ROOT and writes the secret key to `<BATON_DATA_DIR>/secret_key`. Stop Baton's web and worker processes
first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.core import backup


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive (database, uploaded files, secret key) into an empty database of the "
        "same engine and an empty data directory."
    )
    requires_system_checks: list[str] = []  # nothing may touch the target before the archive is checked

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The archive written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that has tables and write over files already in MEDIA_ROOT.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            restored = backup.restore(Path(opts["file"]), force=opts["force"], say=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = restored.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {manifest['engine']} database, {restored.media_files} uploaded files and the secret key "
                f"from a backup made {manifest['created_at']} (Baton {manifest['baton_version']})."
            )
        )
        if restored.key_warning:
            self.stderr.write(self.style.WARNING(restored.key_warning))
        if restored.pending_migrations:
            self.stdout.write(
                f"This Baton has {len(restored.pending_migrations)} migrations the backup predates: run "
                "`manage.py migrate` before starting it."
            )
