"""Opening the hand-written files under `files/` as uploads, and building ZIP/XLSX uploads in memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from baton.imports.formats import FORMATS, RowError, SourceRow, Upload, detect, open_upload

FILES = Path(__file__).parent / "files"


def upload_file(relative: str) -> Upload:
    return open_upload(relative, io.BytesIO((FILES / relative).read_bytes()))


def upload_bytes(data: bytes, name: str = "upload.csv") -> Upload:
    return open_upload(name, io.BytesIO(data))


def zip_of(folder: str, *, leave_out: tuple[str, ...] = (), replace: dict[str, str] | None = None) -> Upload:
    """A ZIP built from the CSVs (and meta.json) of a folder under files/, as solidtime writes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((FILES / folder).iterdir()):
            if path.name in leave_out:
                continue
            text = (replace or {}).get(path.name)
            archive.writestr(path.name, text if text is not None else path.read_bytes())
    buffer.seek(0)
    return open_upload(f"{folder}.zip", buffer)


def read_all(upload: Upload, source: str | None = None, **options: object) -> list[SourceRow | RowError]:
    fmt = detect(upload, source)
    return list(FORMATS[fmt.name].read(upload, **options))


def rows_of(items: list[SourceRow | RowError]) -> list[SourceRow]:
    return [item for item in items if isinstance(item, SourceRow)]


def errors_of(items: list[SourceRow | RowError]) -> list[RowError]:
    return [item for item in items if isinstance(item, RowError)]
