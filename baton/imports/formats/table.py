"""The shared loop of every tabular reader: find the header, resolve columns by their spellings, sample the first rows
(to decide the locale), then turn each data row into a SourceRow or a RowError, numbered as a spreadsheet shows it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import Any

from baton.imports.formats.base import FormatError, RowError, SourceRow
from baton.imports.formats.cells import Bad
from baton.imports.formats.sniff import norm

SAMPLE_ROWS = 500
NO_ROWS = "The file has a header row but no entries under it."


class Columns:
    """Where each field's column sits. `spec` maps a field to its header spellings (first = the name used in
    messages); a required field the header lacks raises FormatError naming the column. A field the file lacks points
    at a blank cell appended to every row, so the hot loop indexes without checks."""

    def __init__(self, header: Sequence[Any], spec: Mapping[str, Sequence[str]], required: Sequence[str]) -> None:
        index: dict[str, int] = {}
        for i, cell in enumerate(header):
            index.setdefault(norm(cell), i)
        self.width = len(header)
        self.at: dict[str, int] = {}
        self.name: dict[str, str] = {}
        for key, spellings in spec.items():
            self.name[key] = spellings[0]
            for spelling in spellings:
                found = index.get(norm(spelling))
                if found is not None:
                    self.at[key] = found
                    self.name[key] = str(header[found]).replace("\ufeff", "").strip()
                    break
        for key in required:
            if key not in self.at:
                column = spec[key][0]
                raise FormatError(f'The column "{column}" is missing.', column=column)
        self.blank = self.width  # the appended blank cell

    def has(self, key: str) -> bool:
        return key in self.at

    def i(self, key: str) -> int:
        return self.at.get(key, self.blank)

    def values(self, rows: Sequence[Sequence[Any]], key: str) -> Iterator[str]:
        """The text of one column over sampled rows (for deciding date order and decimal mark)."""
        if key not in self.at:
            return
        i = self.at[key]
        for row in rows:
            if i < len(row) and row[i] is not None and str(row[i]).strip():
                yield str(row[i])


def start(rows: Iterator[list[Any]]) -> tuple[list[Any], int, list[list[Any]], Iterator[list[Any]]]:
    """(header, its row number, a sample of the rows after it, the rest). Leading blank rows are skipped."""
    number = 0
    for row in rows:
        number += 1
        if any(c is not None and str(c).strip() for c in row):
            sample = list(islice(rows, SAMPLE_ROWS))
            return row, number, sample, rows
    raise FormatError("The file is empty.")


def stream(
    first: int,
    sample: list[list[Any]],
    rest: Iterator[list[Any]],
    width: int,
    parse: Callable[[int, list[Any]], SourceRow | None],
) -> Iterator[SourceRow | RowError]:
    """Each data row (numbered from `first`) parsed; a bad cell becomes a RowError and reading goes on. Rows are
    padded to the header's width plus one blank cell (see Columns); `parse` returns None for a row to pass over (a
    totals row). A header with nothing under it is refused."""
    seen = False
    blank: list[Any] = [""]
    for number, row in enumerate(chain(sample, rest), start=first):
        if not row or not any(row):
            continue
        seen = True
        short = width - len(row)
        if short > 0:
            row.extend(blank * short)
        elif short < 0:
            del row[width:]
        row.append("")
        try:
            parsed = parse(number, row)
            if parsed is not None:
                yield parsed
        except Bad as bad:
            yield RowError(number, bad.column, bad.message)
    if not seen:
        raise FormatError(NO_ROWS)
