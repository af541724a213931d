"""A plain table (CSV or XLSX): kommunkod or kommun, nyckeltal, år, värde, ..."""

from __future__ import annotations

from operator import itemgetter

from django.utils.translation import gettext as _

from indicators.importers.cells import COLUMNS, canonical_column
from indicators.importers.rows import ReadResult, RowError, SourceRow, read_sheet_or_report


def read_table(data: bytes, *, fmt: str) -> ReadResult:
    """A plain table: kommunkod or kommun, nyckeltal, år, värde, and optionally status,
    källa, kommentar and revision."""
    result = ReadResult()
    sheet = read_sheet_or_report(result, data, fmt=fmt)
    if sheet is None:
        return result
    _header_line, header = sheet[0]
    columns = [canonical_column(cell) for cell in header]
    missing = []
    if "organisation_code" not in columns and "organisation_name" not in columns:
        missing.append("kommunkod")
    missing += [COLUMNS[c][0] for c in ("indicator", "year", "value") if c not in columns]
    if missing:
        result.errors.append(
            RowError(
                None,
                _(
                    "Filen saknar kolumnen %(columns)s. Första raden ska vara rubriker, till "
                    "exempel kommunkod, nyckeltal, år, värde."
                )
                % {"columns": ", ".join(missing)},
            )
        )
        return result
    # The cells under known headers, by position: a row as long as the header (the usual case)
    # is picked by one itemgetter; a shorter one keeps the cells it has.
    kept = [(index, column) for index, column in enumerate(columns) if column is not None]
    names = [column for _index, column in kept]
    pick = itemgetter(*(index for index, _column in kept))
    width = max(index for index, _column in kept) + 1
    append = result.rows.append
    for line, cells in sheet[1:]:
        if len(cells) >= width and len(kept) > 1:
            values = dict(zip(names, pick(cells), strict=True))
        else:
            values = {column: cells[index] for index, column in kept if index < len(cells)}
        append(SourceRow(line=line, values=values))
    return result
