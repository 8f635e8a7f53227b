"""README's table of environment variables, written from what `baton/settings.py` reads (`settings.ENVIRONMENT`,
filled by its `env`, `env_bool` and `env_int`), so the table cannot drift from the code: `manage.py env_reference`
writes it between the markers, and a test fails when README's differs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

START = "<!-- env-reference:start (written by `manage.py env_reference` from baton/settings.py; do not edit) -->"
END = "<!-- env-reference:end -->"
README = Path(settings.BASE_DIR) / "README.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(variables: Iterable[Any] | None = None) -> str:
    """The Markdown table: one row per variable, in the order settings read them."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for var in variables if variables is not None else settings.ENVIRONMENT.values():
        rows.append(f"| `{var.name}` | {_cell(var.default)} | {_cell(var.meaning)} |")
    return "\n".join(rows)


def with_table(text: str, generated: str | None = None) -> str:
    """`text` (README) with the table between the markers replaced by the generated one."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README has no env-reference markers ({START} ... {END}).")
    body = table() if generated is None else generated
    return text[: start + len(START)] + "\n" + body + "\n" + text[end:]


def undocumented() -> list[str]:
    """Variables settings read without a meaning: the reference would be silent about them."""
    return [var.name for var in settings.ENVIRONMENT.values() if not var.meaning.strip()]
