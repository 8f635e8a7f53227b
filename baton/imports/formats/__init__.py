"""The file readers: uploaded bytes → a stream of `SourceRow`/`RowError` (see base.py for the interface).

Entry points: `open_upload(name, stream)` wraps a seekable byte stream; `detect(upload, source=None)` picks the
format from the headers (or checks the named one fits) and raises `FormatError` naming what is wrong;
`FORMATS[name].read(upload)` streams the rows. One import per line: each module registers its format on import.
"""

from baton.imports.formats import clockify as clockify
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
from baton.imports.formats.sniff import header_cells as header_cells
from baton.imports.formats.sniff import open_upload as open_upload
