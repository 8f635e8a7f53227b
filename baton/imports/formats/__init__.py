"""The importable formats and how a file's format is found.

Each format module registers itself in `base.FORMATS` when imported; the imports below (one per line, so each reader
is added or removed with its own line) fill the registry. `detect` asks each registered format whether a file's
header cells are its own, the tools' readers first and the generic CSV last.
"""

from __future__ import annotations

from baton.imports.formats import csv_mapped  # noqa: F401
from baton.imports.formats.base import FORMATS, Format, FormatError, Upload
from baton.imports.formats.text import header_cells

GENERIC = "csv"


def get(name: str) -> Format | None:
    """The registered format called `name` (None when there is none)."""
    return FORMATS.get(name)


def names() -> list[str]:
    """Every registered format's name, the generic CSV last."""
    return sorted(FORMATS, key=lambda n: (n == GENERIC, n))


def expected() -> str:
    """What a file must look like, for the refusal of an unknown file: each format's `expects`, in words."""
    return "; ".join(f"{FORMATS[n].label}: {FORMATS[n].expects}" for n in names())


def detect(upload: Upload) -> Format:
    """The format whose `detect` recognises the upload's header cells (the tools' first, the generic CSV last).
    An unrecognised file raises `FormatError` naming what was expected."""
    cells = header_cells(upload)
    for name in names():
        fmt = FORMATS[name]
        if fmt.detect(cells):
            return fmt
    raise FormatError(f"Unknown file format. Expected one of: {expected()}.")
