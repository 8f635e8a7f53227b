"""`manage.py create_api_token <email> --workspace <slug>`: prints the token alone on its last line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.core.access import Actor
from baton.core.models import User, Workspace
from baton.core.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a person of a workspace; the token acts with that person's role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with slug {opts['workspace']!r}.")
        user = User.objects.filter(email__iexact=opts["email"].strip()).first()
        if user is None:
            raise CommandError(f"No user with email {opts['email']!r}.")
        try:
            _, raw = api_token_create(actor=Actor.system(workspace), user=user, name=opts["name"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(raw)
