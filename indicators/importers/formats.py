"""Which reader reads which format."""

from __future__ import annotations

from common.collector import collector_paused
from indicators.importers.kolada import read_kolada
from indicators.importers.miljobarometern import read_miljobarometern
from indicators.importers.rows import ReadResult
from indicators.importers.table import read_table
from indicators.models import Indicator

FORMATS = ("csv", "xlsx", "miljobarometern", "kolada")


def read_file(
    data: bytes,
    *,
    fmt: str,
    indicator: Indicator | None = None,
    mapping: dict[str, str] | None = None,
    sheet_format: str = "csv",
) -> ReadResult:
    with collector_paused():  # a large file's rows and cells are many small objects
        return _read(data, fmt=fmt, indicator=indicator, mapping=mapping, sheet_format=sheet_format)


def _read(data: bytes, *, fmt: str, indicator, mapping, sheet_format: str) -> ReadResult:
    if fmt in ("csv", "xlsx"):
        return read_table(data, fmt=fmt)
    if fmt == "miljobarometern":
        return read_miljobarometern(data, indicator=indicator, fmt=sheet_format)
    if fmt == "kolada":
        return read_kolada(data, mapping=mapping or {})
    raise ValueError(fmt)
