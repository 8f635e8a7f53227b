"""`manage.py env_reference`: write README's table of environment variables from baton/settings.py (`--check`: only
say whether README is current, exit 1 when not)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baton.core.env_reference import README, undocumented, with_table


class Command(BaseCommand):
    help = "Write README.md's environment-variable table from baton/settings.py (--check: fail when it differs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Change nothing; exit 1 when README is not current.")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = undocumented()
        if missing:
            raise CommandError(f"Give these variables a meaning in baton/settings.py: {', '.join(missing)}")
        current = README.read_text()
        wanted = with_table(current)
        if options["check"]:
            if wanted != current:
                raise CommandError("README.md's environment table is out of date: run `manage.py env_reference`.")
            self.stdout.write("README.md's environment table is current.")
            return
        if wanted != current:
            README.write_text(wanted)
            self.stdout.write("README.md's environment table rewritten.")
        else:
            self.stdout.write("README.md's environment table is current.")
