"""The importable formats and how a file's format is found (see base.py for the row interface).

Each format module registers itself in `base.FORMATS` when imported; the imports below (one per line, so each reader
is added or removed with its own line) fill the registry. `detect(upload, source=None)` (sniff.py) picks the format
from the headers, the tools' readers first and the generic mapped CSV last, or checks that the named one fits, and
raises `FormatError` naming what is wrong; `FORMATS[name].read(upload)` streams the rows.
"""

from __future__ import annotations

from baton.imports.formats import clockify as clockify
from baton.imports.formats import csv_mapped as csv_mapped
from baton.imports.formats import harvest as harvest
from baton.imports.formats import kimai as kimai
from baton.imports.formats import solidtime as solidtime
from baton.imports.formats import toggl as toggl
from baton.imports.formats.base import FORMATS as FORMATS
from baton.imports.formats.base import Format as Format
from baton.imports.formats.base import FormatError as FormatError
from baton.imports.formats.base import RowError as RowError
from baton.imports.formats.base import SourceRow as SourceRow
from baton.imports.formats.base import Upload as Upload
from baton.imports.formats.sniff import detect as detect
from baton.imports.formats.sniff import expected as expected
from baton.imports.formats.sniff import header_cells as header_cells
from baton.imports.formats.sniff import open_upload as open_upload

GENERIC = "csv"


def get(name: str) -> Format | None:
    """The registered format called `name` (None when there is none)."""
    return FORMATS.get(name)


def names() -> list[str]:
    """Every registered format's name, the generic CSV last."""
    return sorted(FORMATS, key=lambda n: (n == GENERIC, n))
