"""Large CSV files streamed row by row (StreamingHttpResponse), for exports that would not fit
in a worker's time limit if built whole first (all values of the register as XLSX took 12.8 s).

Domain-free: any iterable of rows; the admin's streamed export (indicators/admin_export.py)
feeds it django-import-export resource rows.
"""

import csv
import re
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# Rows per chunk sent to the client: small enough to start at once, large enough that the
# per-chunk overhead does not matter.
ROWS_PER_CHUNK = 500

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")


def formula_safe(value):
    """A cell no spreadsheet runs as a formula: text beginning with = + - @ tab or carriage
    return gets a leading apostrophe; numbers (also written as text, "-2.5") stay as they are.

    (h5's shared formula-safe writer does the same for the other downloads; the lead keeps one.)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write() returns the line, so csv.writer builds strings."""

    def write(self, line: str) -> str:
        return line


def csv_lines(*, headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The CSV the site's other downloads write (semicolons, CRLF, a BOM for Excel), in chunks
    of ROWS_PER_CHUNK rows."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([formula_safe(h) for h in headers])
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([formula_safe(cell) for cell in row]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_streaming_response(
    *, headers: list[str], rows: Iterable[list], filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (part.encode("utf-8") for part in csv_lines(headers=headers, rows=rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
