"""Large CSV files streamed row by row (StreamingHttpResponse), for exports that would not fit
in a worker's time limit if built whole first (all values of the register as XLSX took 12.8 s).

Domain-free: any iterable of rows; the admin's streamed export (indicators/admin_export.py)
feeds it django-import-export resource rows. The dialect, byte-order mark and formula-safe cell
rule are common.spreadsheets', so a streamed file reads like every other file the site writes;
cells go through safe_cell (not csv_cell) because the resource has already rendered them.
"""

from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

from common.spreadsheets import CSV_BOM, CSV_CONTENT_TYPE, csv_writer, safe_cell

# Rows per chunk sent to the client: small enough to start at once, large enough that the
# per-chunk overhead does not matter.
ROWS_PER_CHUNK = 500


class _Line:
    """A file-like object whose write() returns the line, so csv.writer builds strings."""

    def write(self, line: str) -> str:
        return line


def csv_lines(*, headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The CSV the site's other downloads write (semicolons, CRLF, a BOM for Excel), in chunks
    of ROWS_PER_CHUNK rows."""
    writer = csv_writer(_Line())
    yield CSV_BOM + writer.writerow([safe_cell(h) for h in headers])
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([safe_cell(cell) for cell in row]))
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
        content_type=CSV_CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
