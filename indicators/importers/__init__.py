"""File formats -> rows -> ValueInput -> the one write service, `values_upsert`.

Every way values come in from a file (the admin's import, `manage.py import_values` with a
plain table, a Miljöbarometern table or Kolada's JSON) reads through here, so a municipality's
name, a decimal comma or an unknown code is understood, or refused with the same Swedish
message and the row number, whichever door the file came through. Nothing is written unless
the whole file is clean: `values_import` hands all rows to `values_upsert` in one call.

- cells: column names and one cell's text, year, status or number
- lookups: organisations and indicators by what a file calls them
- rows: what a reader hands on (SourceRow, ReadResult, RowError with its row number as data)
- table, miljobarometern, kolada: one reader per format; formats: which reads which
- values: rows -> ValueInput -> values_upsert, with the report and preview
- runs: the ImportRun record
"""

from indicators.importers.cells import (
    COLUMNS,
    STATUS_WORDS,
    RowProblem,
    canonical_column,
    cell_text,
    header_key,
    name_key,
    parse_status,
    parse_value,
    parse_year,
)
from indicators.importers.formats import FORMATS, read_file
from indicators.importers.kolada import read_kolada, read_mapping
from indicators.importers.lookups import AGGREGATE_WORDS, Lookups
from indicators.importers.miljobarometern import read_miljobarometern, same_unit, unit_key
from indicators.importers.rows import ReadResult, RowError, SourceRow, read_sheet, where
from indicators.importers.runs import import_run_record
from indicators.importers.table import read_table
from indicators.importers.values import Change, ImportReport, row_to_input, values_import

__all__ = [
    "AGGREGATE_WORDS",
    "COLUMNS",
    "FORMATS",
    "STATUS_WORDS",
    "Change",
    "ImportReport",
    "Lookups",
    "ReadResult",
    "RowError",
    "RowProblem",
    "SourceRow",
    "canonical_column",
    "cell_text",
    "header_key",
    "import_run_record",
    "name_key",
    "parse_status",
    "parse_value",
    "parse_year",
    "read_file",
    "read_kolada",
    "read_mapping",
    "read_miljobarometern",
    "read_sheet",
    "read_table",
    "row_to_input",
    "same_unit",
    "unit_key",
    "values_import",
    "where",
]
