"""What every importer reads a file into: one `SourceRow` per time entry, or a `RowError` naming row and column.

A format module (harvest, toggl, clockify, kimai, solidtime, csv) registers a `Format`: the headers that identify it
and a `read(upload)` that streams rows. The import service (`baton/imports/services.py`) knows nothing of any tool:
it resolves names to people, clients, projects and tasks, prices the rows and writes them through timesheets'
services. Rows are streamed so a million-row file keeps memory flat.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import IO, Any


@dataclass(frozen=True)
class SourceRow:
    """One time entry as the source file states it, normalised (no parsing left for the service)."""

    row: int  # 1-based line of the data row as a spreadsheet shows it (the header is row 1)
    date: date
    minutes: int
    person_name: str = ""
    person_email: str = ""
    client_name: str = ""
    client_number: str = ""  # Kimai's customer number ("Account"), matched to Client.number
    project_name: str = ""
    project_code: str = ""
    task_name: str = ""
    note: str = ""
    tags: tuple[str, ...] = ()
    billable: bool | None = None  # None: the project's default
    start: time | None = None
    end: time | None = None
    bill_rate: Decimal | None = None  # per hour, in `currency`; None when the file has none
    bill_amount: Decimal | None = None
    cost_rate: Decimal | None = None
    cost_amount: Decimal | None = None
    currency: str = ""  # ISO 4217, empty when the file does not say
    invoiced: bool = False
    approved: bool = False
    source_id: str = ""  # the tool's own id for the entry when the file has one
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def key(self, source: str) -> str:
        """A stable hash of the row, so importing the same file again creates nothing new. The tool's own id wins
        when the file has one; otherwise every field that makes the entry what it is."""
        if self.source_id:
            basis = f"{source}|id|{self.source_id}"
        else:
            basis = "|".join(
                str(v)
                for v in (
                    source,
                    self.date.isoformat(),
                    self.start or "",
                    self.end or "",
                    self.minutes,
                    self.person_email.lower() or self.person_name.lower(),
                    self.client_name,
                    self.project_name,
                    self.task_name,
                    self.note,
                    self.row,
                )
            )
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True)
class RowError:
    """A row the file cannot give: its number, the column (as the file names it) and why, in words."""

    row: int
    column: str
    message: str


class FormatError(ValueError):
    """The whole file cannot be read (unknown format, wrong encoding, empty, missing a required column)."""

    def __init__(self, message: str, *, column: str = "file") -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass(frozen=True)
class Format:
    """An importable format: its name, what identifies it, and its reader."""

    name: str  # harvest | toggl | clockify | kimai | solidtime | csv
    label: str  # "Harvest time report (CSV)"
    expects: str  # what the file must look like, for the refusal message of an unknown file
    detect: Callable[[list[str]], bool]  # given the header cells, is this file ours?
    read: Callable[..., Iterator[SourceRow | RowError]]  # read(upload: Upload, **options)


@dataclass
class Upload:
    """The uploaded file, opened once: its name, its bytes stream (seekable) and, once sniffed, its text form."""

    name: str
    stream: IO[bytes]
    options: dict[str, Any] = field(default_factory=dict)


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt
