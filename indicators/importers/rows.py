"""What a reader hands on: rows with their numbers, problems with theirs (as data)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from common.import_formats import decode_text, sniff_delimiter
from indicators.importers.cells import RowProblem
from indicators.models import Indicator

# --- Reading files ---------------------------------------------------------------------------


@dataclass
class SourceRow:
    """One row of a file, as written, with the number a person would look for."""

    line: int
    values: dict[str, Any]


@dataclass
class ReadResult:
    rows: list[SourceRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What the row numbers count: rows of a sheet, or entries of a JSON list.
    place: str = "rad"
    indicator: Indicator | None = None  # fixed for the whole file (Miljöbarometern)


def where(place: str, line: int) -> str:
    return (_("Post %(line)s") if place == "post" else _("Rad %(line)s")) % {"line": line}


@dataclass(frozen=True)
class RowError:
    """What is wrong, and where: the row (or JSON entry) number as data, None for the file."""

    line: int | None
    message: str
    place: str = "rad"

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"{where(self.place, self.line)}: {self.message}"


def read_sheet(data: bytes, *, fmt: str) -> list[tuple[int, list[Any]]]:
    """(line number, cells) for every non-empty row of a CSV text or the first XLSX sheet."""
    if fmt == "xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise RowProblem(_("Filen kan inte läsas som en Excel-fil (xlsx).")) from exc
        sheet = book.worksheets[0]
        rows = [
            (number, list(cells))
            for number, cells in enumerate(sheet.iter_rows(values_only=True), 1)
            if any(cell not in (None, "") for cell in cells)
        ]
        book.close()
        return rows
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise RowProblem(
            _("Filen kan inte läsas som text: spara den som CSV i UTF-8 och försök igen.")
        ) from exc
    delimiter = sniff_delimiter(text)
    # newline="" lets the csv module see every line ending as written: \r\n, \n or the old
    # Mac \r, which a translating StringIO would leave inside fields.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A row counts when some cell holds more than spaces: joined, the row says so at once.
        return [(number, cells) for number, cells in enumerate(reader, 1) if "".join(cells).strip()]
    except csv.Error as exc:
        raise RowProblem(
            _("Filen kan inte läsas som CSV (rad %(line)s): kontrollera citattecknen.")
            % {"line": reader.line_num}
        ) from exc


def read_sheet_or_report(
    result: ReadResult, data: bytes, *, fmt: str
) -> list[tuple[int, list[Any]]] | None:
    """The sheet's rows, as read_sheet gives them; or None, with why on the result's errors,
    when the file cannot be read or has no rows."""
    try:
        sheet = read_sheet(data, fmt=fmt)
    except RowProblem as exc:
        result.errors.append(RowError(None, str(exc)))
        return None
    if not sheet:
        result.errors.append(RowError(None, _("Filen är tom.")))
        return None
    return sheet
