"""`manage.py create_workspace <slug> --name "<name>" --currency USD --owner-email <email> --owner-password <pw>`"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.people.services import workspace_create


class Command(BaseCommand):
    help = "Create a workspace and its owner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-password", default=None)
        parser.add_argument("--owner-name", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            workspace = workspace_create(
                slug=opts["slug"],
                name=opts["name"],
                currency=opts["currency"],
                owner_email=opts["owner_email"],
                owner_password=opts["owner_password"],
                owner_name=opts["owner_name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"Workspace {workspace.slug} created (id {workspace.pk}), owner {opts['owner_email']}.")
