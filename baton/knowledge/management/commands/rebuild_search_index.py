"""`manage.py rebuild_search_index [--workspace SLUG]`: rebuild the full-text index from the records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.core.models import Workspace
from baton.knowledge.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (clients, projects, tasks, briefs, decisions, comments) from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="Only this workspace (its slug); default: every workspace.")

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = None
        if opts["workspace"]:
            workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
            if workspace is None:
                raise CommandError(f"No workspace {opts['workspace']!r}.")
        total = search_index_rebuild(workspace=workspace)
        where = f"workspace {workspace.slug}" if workspace else "every workspace"
        self.stdout.write(f"Search index rebuilt for {where}: {total} entries.")
