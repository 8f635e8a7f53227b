"""Reading an import's stored file again: its rows in batches, and the refused rows' report (a CSV kept beside it)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Generator, Iterator
from typing import IO, Any

from django.core.files.base import File

from baton.imports import formats
from baton.imports.formats.base import FormatError, RowError, SourceRow, Upload
from baton.imports.formats.sniff import csv_rows, header_cells
from baton.imports.models import MAX_STORED_ERRORS, ImportRun

# --- Reading the stored file -----------------------------------------------------------------------------------


def rows(run: ImportRun, stream: IO[bytes]) -> Iterator[SourceRow | RowError]:
    fmt = formats.get(run.source)
    if fmt is None:
        raise FormatError(f"Unknown source {run.source!r}.", column="source")
    upload = Upload(name=run.file_name, stream=stream)
    options: dict[str, Any] = {}
    if run.source == formats.GENERIC:
        options["mapping"] = run.column_mapping or None
    return fmt.read(upload, **options)


def open_file(run: ImportRun) -> IO[bytes]:
    run.file.open("rb")
    return run.file.file  # type: ignore[return-value]


def batches(items: Iterator[SourceRow | RowError], size: int) -> Iterator[list[SourceRow | RowError]]:
    batch: list[SourceRow | RowError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


ERROR_HEADER = ["row", "column", "reason"]


class ErrorSink:
    """The refused rows of a pass, as CSV in a temporary file (kept as the run's `error_file` at the end), and the
    first 1,000 for the run's `errors`."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile("w+b")
        self.text = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
        self.writer = csv.writer(self.text)
        self.writer.writerow(ERROR_HEADER)
        self.first: list[dict[str, Any]] = []
        self.count = 0

    def add(self, errors: list[RowError]) -> None:
        for e in errors:
            self.writer.writerow([e.row, e.column, e.message])
            if len(self.first) < MAX_STORED_ERRORS:
                self.first.append({"row": e.row, "column": e.column, "message": e.message})
        self.count += len(errors)

    def keep(self, run: ImportRun) -> None:
        self.text.flush()
        self.file.seek(0)
        if run.error_file:
            run.error_file.delete(save=False)
        run.error_file.save(f"{run.sha256[:16]}-errors.csv", File(self.file), save=False)
        self.text.close()


def error_report(run: ImportRun) -> Iterator[list[str]]:
    """The refused rows as CSV rows: row, column, reason, then the row's own cells when the file is a CSV (its header
    after the three)."""
    if not run.error_file:
        yield ERROR_HEADER
        return
    run.error_file.open("rb")
    errors = csv.reader(io.TextIOWrapper(run.error_file.file, encoding="utf-8", newline=""))  # type: ignore[arg-type]
    originals = _original_rows(run)
    header = next(errors)
    cells: list[str] | None = next(originals, None)
    yield [*header, *(cells or [])]
    current, line = 1, cells
    try:
        for error in errors:
            number = int(error[0])
            while current < number and line is not None:
                line = next(originals, None)
                current += 1
            yield [*error, *(line if line is not None and current == number else [])]
    finally:
        run.error_file.close()
        originals.close()


def _original_rows(run: ImportRun) -> Generator[list[str], None, None]:
    """The stored file's rows as cells (nothing for a file that is not text CSV)."""
    stream = open_file(run)
    try:
        upload = Upload(name=run.file_name, stream=stream)
        header_cells(upload)
        if upload.options.get("kind") in ("zip", "xlsx"):
            return
        yield from csv_rows(upload)
    except FormatError:
        return
    finally:
        run.file.close()
