"""Reading an uploaded file as text: the encoding (a byte-order mark, UTF-8, UTF-16 or Latin-1), the separator
(comma, semicolon or tab) and the header row. Shared by the CSV readers."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Generator

import openpyxl

from baton.imports.formats.base import FormatError, Upload

SNIFF_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"  # a ZIP (solidtime's export) or an XLSX workbook (Kimai's): their readers look inside


def encoding_of(upload: Upload) -> str:
    """The file's text encoding, from its first bytes: a BOM (UTF-8 or UTF-16) wins; else UTF-8 if the start decodes
    as UTF-8; else Latin-1 (Windows-1252), which decodes any byte. Kept in `upload.options["encoding"]`."""
    if "encoding" in upload.options:
        return str(upload.options["encoding"])
    upload.stream.seek(0)
    head = upload.stream.read(SNIFF_BYTES)
    upload.stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        found = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        found = "utf-16"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            found = "utf-8"
        except UnicodeDecodeError:
            found = "cp1252"
    upload.options["encoding"] = found
    return found


def open_text(upload: Upload) -> io.TextIOWrapper:
    """The upload as a text stream from its start (newlines left to the csv module, so quoted newlines survive)."""
    upload.stream.seek(0)
    return io.TextIOWrapper(upload.stream, encoding=encoding_of(upload), newline="", errors="strict")


def separator_of(first_line: str) -> str:
    """The separator the header line uses most: comma, semicolon or tab."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def csv_rows(upload: Upload) -> Generator[list[str], None, None]:
    """Every row of the file as cells, the header first. A file that is not text in its encoding raises FormatError."""
    text = open_text(upload)
    try:
        first = text.readline()
        if not first.strip():
            raise FormatError("The file is empty: it has no header row.")
        sep = separator_of(first)
        upload.options["separator"] = sep
        yield next(csv.reader([first.rstrip("\r\n")], delimiter=sep))
        yield from csv.reader(text, delimiter=sep)
    except UnicodeDecodeError as exc:
        raise FormatError(f"The file is not readable as {encoding_of(upload)} text ({exc.reason}).") from exc
    except csv.Error as exc:
        raise FormatError(f"The file is not a readable CSV: {exc}.") from exc
    finally:
        text.detach()


def header_cells(upload: Upload) -> list[str]:
    """The header row's cells, stripped. An XLSX workbook: its first sheet's first row (`options["kind"] = "xlsx"`);
    another ZIP (solidtime's export): ["#zip", every member's name] (`options["kind"] = "zip"`). An empty file raises
    FormatError."""
    upload.stream.seek(0)
    head = upload.stream.read(4)
    upload.stream.seek(0)
    if not head:
        raise FormatError("The file is empty.")
    if head.startswith(ZIP_MAGIC):
        return _zip_header(upload)
    rows = csv_rows(upload)
    try:
        return [cell.strip() for cell in next(rows)]
    finally:
        rows.close()
        upload.stream.seek(0)


def _zip_header(upload: Upload) -> list[str]:
    try:
        with zipfile.ZipFile(upload.stream) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise FormatError("The file looks like a ZIP archive but cannot be opened.") from exc
    finally:
        upload.stream.seek(0)
    if "xl/workbook.xml" not in names:
        upload.options["kind"] = "zip"
        return ["#zip", *names]
    upload.options["kind"] = "xlsx"
    try:
        book = openpyxl.load_workbook(upload.stream, read_only=True, data_only=True)
        try:
            first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FormatError("The workbook cannot be read.") from exc
    finally:
        upload.stream.seek(0)
    return [str(c).strip() if c is not None else "" for c in first]
