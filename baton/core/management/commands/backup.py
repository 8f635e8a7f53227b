"""`manage.py backup FILE`: the database, every uploaded file and the secret key in one archive (baton/core/backup.py).

SQLite is copied with sqlite3's backup API, a consistent snapshot even while Baton runs. PostgreSQL is dumped with
`pg_dump --format=custom` (it must be on PATH, of the server's major version or newer), not with Django's dumpdata:
pg_dump is one consistent snapshot that keeps every table, constraint, index and sequence position exactly and
streams a large database, where dumpdata goes through the ORM in memory and leaves the sequences behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.core import backup


class Command(BaseCommand):
    help = (
        "Write the database, the uploaded files (MEDIA_ROOT) and the secret key to one .tar.gz archive, readable by "
        "its owner only. Keep it as secret as the key it holds. Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write the archive, e.g. baton-2026-12-06.tar.gz.")

    def handle(self, *args: Any, **opts: Any) -> None:
        target = Path(opts["file"])
        try:
            manifest = backup.create(target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = sum(1 for entry in manifest["files"] if entry["path"].startswith(f"{backup.MEDIA_DIR}/"))
        size = target.stat().st_size
        self.stdout.write(
            f"Backed up the {manifest['engine']} database, {media} uploaded file{'' if media == 1 else 's'} and the "
            f"secret key to {target} ({size / 1024 / 1024:.1f} MB)."
        )
