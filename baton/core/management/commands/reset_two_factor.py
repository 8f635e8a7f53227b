"""`manage.py reset_two_factor <email> --workspace <slug>`: remove a person's authenticator app and recovery codes
(both lost); they sign in with the password alone, or set it up again where a workspace requires it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.core.access import Actor
from baton.core.models import User, Workspace
from baton.core.twofactor import two_factor_reset


class Command(BaseCommand):
    help = "Remove a person's two-factor app and recovery codes (when both are lost)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--workspace", required=True, help="A workspace the person belongs to (for the event log).")

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with slug {opts['workspace']!r}.")
        user = User.objects.filter(email__iexact=opts["email"].strip()).first()
        if user is None:
            raise CommandError(f"No user with email {opts['email']!r}.")
        try:
            removed = two_factor_reset(actor=Actor.system(workspace), user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Two-factor sign-in reset for {user.email} ({removed} device(s) removed).")
