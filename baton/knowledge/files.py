"""What an uploaded file really is: its type from its first bytes (and, for Office documents, its zip directory),
never only from the name or the Content-Type the uploader declared.

Allowed: PDF, PNG, JPEG, GIF, WebP, plain text, CSV, and Word/Excel/PowerPoint (OOXML zip containers).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

PDF, PNG, JPEG, GIF, WEBP = "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"
TEXT, CSV = "text/plain", "text/csv"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    GIF: (".gif",),
    WEBP: (".webp",),
    TEXT: (".txt", ".text", ".md", ""),
    CSV: (".csv",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
}
# Declared types that say nothing about the content, or are a known alias of what we detect.
_VAGUE = {"", "application/octet-stream", "binary/octet-stream"}
_ALIASES = {
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "application/x-pdf": PDF,
    "text/comma-separated-values": CSV,
    "application/csv": CSV,
    "text/markdown": TEXT,
    "text/x-markdown": TEXT,
    "application/vnd.ms-excel": CSV,  # what several browsers declare for .csv
}
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_TEXT_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class Sniffed:
    content_type: str | None
    problem: str = ""


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(sample) - 3:
            return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control <= len(sample) // 100


def _ooxml_kind(stream: IO[bytes]) -> str | None:
    """DOCX/XLSX/PPTX by the parts in the zip's directory (nothing is decompressed)."""
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def detect(stream: IO[bytes], filename: str) -> str | None:
    """The allowed content type of the file's bytes, or None when it is none of them."""
    stream.seek(0)
    head = stream.read(_TEXT_SAMPLE)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(stream)
        stream.seek(0)
        return kind
    if head and _looks_like_text(head):
        return CSV if PurePosixPath(filename).suffix.lower() == ".csv" else TEXT
    return None


def check(stream: IO[bytes], filename: str, declared: str | None) -> Sniffed:
    """Detect the type and check it against the declared type and the file name's extension."""
    detected = detect(stream, filename)
    allowed = "PDF, PNG, JPEG, GIF, WebP, plain text, CSV, Word, Excel or PowerPoint"
    if detected is None:
        return Sniffed(None, f"This kind of file is not accepted; upload {allowed}.")
    declared_type = (declared or "").split(";")[0].strip().lower()
    declared_type = _ALIASES.get(declared_type, declared_type)
    text_family = {TEXT, CSV}
    if declared_type not in _VAGUE and declared_type != detected:
        zip_declared = declared_type in {"application/zip", "application/x-zip-compressed"}
        if not (zip_declared and detected in (DOCX, XLSX, PPTX)) and not (
            declared_type in text_family and detected in text_family
        ):
            return Sniffed(None, f"The file's content is {detected}, not the declared {declared_type}.")
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in ALLOWED_TYPES[detected]:
        return Sniffed(None, f"The file's content is {detected}; its name ends in {suffix or 'nothing'}.")
    return Sniffed(detected)
