"""Opening an upload: what it is (CSV text, XLSX, a ZIP), its encoding and separator, its header, and which format.

Everything streams: only a leading sample (64 KB) is read whole, to find the encoding and the CSV dialect; rows then
come one at a time through `csv.reader` over a `TextIOWrapper`, or openpyxl's read-only sheet, so a 100 MB file keeps
memory flat. What is found is written into `upload.options` (`kind`, `encoding`, `delimiter`) so a later reader, or
the dry-run report, can say how the file was read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

import charset_normalizer
import openpyxl

from baton.imports.formats.base import FORMATS, Format, FormatError, Upload

SAMPLE_BYTES = 64 * 1024
DIALECT_SAMPLE = 16 * 1024
DELIMITERS = ",;\t"
csv.field_size_limit(16 * 1024 * 1024)  # a long note in one cell is fine; a runaway quote still ends


def norm(header: object) -> str:
    """A header as compared: no BOM, no surrounding space, case-folded."""
    return str(header or "").replace("\ufeff", "").strip().casefold()


class HeaderRule:
    """What identifies a format: groups of header names, each group one required column in its spellings (e.g. a
    column's translations). Callable as `Format.detect`; `missing()` names what a near-miss file lacks."""

    def __init__(self, *required: str | Sequence[str]) -> None:
        self.required: list[tuple[str, ...]] = [(r,) if isinstance(r, str) else tuple(r) for r in required]
        self._sets = [frozenset(norm(name) for name in group) for group in self.required]

    def missing(self, headers: Sequence[object]) -> list[str]:
        have = {norm(h) for h in headers}
        return [group[0] for group, names in zip(self.required, self._sets, strict=True) if not (names & have)]

    def score(self, headers: Sequence[object]) -> float:
        return 1 - len(self.missing(headers)) / len(self.required)

    def __call__(self, headers: list[str]) -> bool:
        return not self.missing(headers)

    def describe(self) -> str:
        return ", ".join(group[0] for group in self.required)


# --- what the bytes are ----------------------------------------------------------------------------------------------


def head(upload: Upload, size: int = SAMPLE_BYTES) -> bytes:
    upload.stream.seek(0)
    data = upload.stream.read(size)
    upload.stream.seek(0)
    return data


def kind(upload: Upload) -> str:
    """`xlsx`, `zip` or `text` by magic bytes; an empty file is refused here."""
    if "kind" in upload.options:
        return str(upload.options["kind"])
    start = head(upload, 4)
    if not start:
        raise FormatError("The file is empty.")
    found = "text"
    if start == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(upload.stream) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            raise FormatError("The file looks like a ZIP archive but cannot be opened.") from None
        found = "xlsx" if "xl/workbook.xml" in names else "zip"
        upload.stream.seek(0)
    upload.options["kind"] = found
    return found


def encoding(upload: Upload) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else what charset-normalizer finds for a NUL-bearing sample
    (UTF-16 without BOM), else cp1252 (Latin-1 when a byte is undefined in cp1252)."""
    if "encoding" in upload.options:
        return str(upload.options["encoding"])
    sample = head(upload)
    if not sample:
        raise FormatError("The file is empty.")
    if sample.startswith(codecs.BOM_UTF8):
        found = "utf-8-sig"
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        found = "utf-16"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
            found = "utf-8"
        except UnicodeDecodeError:
            found = ""
        if not found or b"\x00" in sample:
            best = charset_normalizer.from_bytes(sample).best()
            guess = best.encoding if best is not None else ""
            if guess.startswith("utf_16") or guess.startswith("utf_32"):
                found = guess
            elif not found:
                try:
                    sample.decode("cp1252")
                    found = "cp1252"
                except UnicodeDecodeError:
                    found = "latin-1"
    upload.options["encoding"] = found
    return found


@contextmanager
def text_stream(upload: Upload) -> Iterator[IO[str]]:
    """The upload as text (universal newlines left to csv), decoded lazily; the byte stream is left open."""
    enc = encoding(upload)
    upload.stream.seek(0)
    wrapper = io.TextIOWrapper(upload.stream, encoding=enc, newline="")  # type: ignore[arg-type]
    try:
        yield wrapper
    finally:
        wrapper.detach()


def delimiter(upload: Upload) -> str:
    """Comma, semicolon or tab: `csv.Sniffer` on a leading sample (cut at a line end), checked against the header;
    when the sniffer cannot tell, the separator the header line holds most of."""
    if "delimiter" in upload.options:
        return str(upload.options["delimiter"])
    with text_stream(upload) as text:
        try:
            sample = text.read(DIALECT_SAMPLE)
        except UnicodeDecodeError:
            raise FormatError(f"The file cannot be read as {encoding(upload)} text.") from None
    if not sample.strip():
        raise FormatError("The file is empty.")
    cut = sample.rfind("\n")
    if cut > 0:
        sample = sample[:cut]
    first_line = sample.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    found = max(DELIMITERS, key=lambda d: counts[d])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        if counts.get(sniffed, 0) >= max(1, counts[found] // 2):
            found = sniffed
    except csv.Error:
        pass
    upload.options["delimiter"] = found
    return found


# --- rows ------------------------------------------------------------------------------------------------------------


def xlsx_cell_text(value: Any) -> str:
    """An XLSX cell as a CSV would have written it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def iter_table(upload: Upload, *, raw: bool = False) -> Iterator[list[Any]]:
    """Every row of the upload's first table, header first: CSV rows as lists of text, XLSX rows as text too, or as
    openpyxl's values (dates, times, numbers) with `raw`."""
    found = kind(upload)
    if found == "xlsx":
        yield from _xlsx_rows(upload, raw=raw)
    elif found == "zip":
        raise FormatError("A ZIP archive is only read as a solidtime export.")
    else:
        yield from csv_rows(upload)


def csv_rows(upload: Upload) -> Iterator[list[str]]:
    sep = delimiter(upload)
    with text_stream(upload) as text:
        reader = csv.reader(text, delimiter=sep, quotechar='"', doublequote=True, strict=False)
        try:
            yield from reader
        except UnicodeDecodeError:
            raise FormatError(
                f"The file cannot be read as {encoding(upload)} text near line {reader.line_num}."
            ) from None
        except csv.Error as error:
            raise FormatError(f"The file is not valid CSV near line {reader.line_num}: {error}.") from None


def _xlsx_rows(upload: Upload, *, raw: bool) -> Iterator[list[Any]]:
    upload.stream.seek(0)
    try:
        book = openpyxl.load_workbook(upload.stream, read_only=True, data_only=True)
    except Exception as error:
        raise FormatError(f"The spreadsheet cannot be opened: {error}.") from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row) if raw else [xlsx_cell_text(v) for v in row]
    finally:
        book.close()


def zip_names(upload: Upload) -> list[str]:
    upload.stream.seek(0)
    with zipfile.ZipFile(upload.stream) as archive:
        return [name.rsplit("/", 1)[-1] for name in archive.namelist() if not name.endswith("/")]


def header_cells(upload: Upload) -> list[str]:
    """The header row's cells (the first row with a value), or for a ZIP the names of the files it holds."""
    found = kind(upload)
    if found == "zip":
        return zip_names(upload)
    rows = iter_table(upload)
    try:
        for row in rows:
            if any(str(c).strip() for c in row):
                return [str(c).replace("\ufeff", "").strip() for c in row]
    finally:
        rows.close()  # type: ignore[attr-defined]
    raise FormatError("The file is empty.")


def require_rows(upload: Upload) -> None:
    """Refuse a table with a header and nothing under it."""
    if kind(upload) == "zip":
        return
    rows = iter_table(upload)
    try:
        seen_header = False
        for row in rows:
            if not any(str(c).strip() for c in row if c is not None):
                continue
            if seen_header:
                return
            seen_header = True
    finally:
        rows.close()  # type: ignore[attr-defined]
    raise FormatError("The file has a header row but no entries under it.")


# --- which format ----------------------------------------------------------------------------------------------------


def _missing(fmt: Format, headers: list[str]) -> list[str]:
    rule = fmt.detect
    if isinstance(rule, HeaderRule):
        return rule.missing(headers)
    return [] if rule(headers) else ["file"]


def expected() -> str:
    return "; ".join(f"{fmt.label} ({fmt.expects})" for fmt in FORMATS.values() if fmt.expects)


def detect(upload: Upload, source: str | None = None) -> Format:
    """The format of the upload, from its headers. With `source`, check the headers fit that format. Raises
    FormatError naming the missing column, or, for a file like none of them, what each format expects."""
    headers = header_cells(upload)
    if source:
        fmt = FORMATS.get(source)
        if fmt is None:
            raise FormatError(f'Unknown source "{source}"; expected one of {", ".join(FORMATS)}.', column="source")
        missing = _missing(fmt, headers)
        if missing:
            if missing == ["file"]:
                raise FormatError(f"This is not a {fmt.label}: expected {fmt.expects}.")
            raise FormatError(f'This is not a {fmt.label}: the column "{missing[0]}" is missing.', column=missing[0])
        require_rows(upload)
        upload.options["source"] = fmt.name
        return fmt
    # Formats known by their headers first; a catch-all (the mapped CSV, whose detect accepts any table) last.
    ordered = sorted(FORMATS.values(), key=lambda fmt: not isinstance(fmt.detect, HeaderRule))
    for fmt in ordered:
        if fmt.detect(headers):
            require_rows(upload)
            upload.options["source"] = fmt.name
            return fmt
    near = [(fmt.detect.score(headers), fmt) for fmt in FORMATS.values() if isinstance(fmt.detect, HeaderRule)]
    if near:
        score, fmt = max(near, key=lambda pair: pair[0])
        if score >= 0.5:
            column = _missing(fmt, headers)[0]
            raise FormatError(f'This looks like a {fmt.label}, but the column "{column}" is missing.', column=column)
    raise FormatError(f"Unknown file. Expected one of: {expected()}.")


def open_upload(name: str, stream: IO[bytes], **options: Any) -> Upload:
    """An Upload over a seekable byte stream (a file opened "rb", an UploadedFile, BytesIO)."""
    return Upload(name=name, stream=stream, options=dict(options))
