"""Miljöbarometern's table for one indicator, and the unit spellings it uses."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from indicators.importers.cells import header_key
from indicators.importers.rows import ReadResult, RowError, SourceRow, read_sheet_or_report
from indicators.models import Indicator

# Spellings of one unit: "CO2ekv" and "CO2-ekvivalenter" are CO2e, "CO₂" is CO2, "per
# invånare" is "/inv". CO2 alone stays CO2: carbon dioxide is not all greenhouse gases.
_UNIT_SPELLINGS = (
    (re.compile(r"co2-?(ekvivalenter|ekvivalent|ekv\.?|eq\.?|e)"), "co2e"),
    (re.compile(r"(/|per)(invånare|invanare|inv\.?)"), "/inv"),
    (re.compile(r"(/|per)(personer|person|pers\.?)"), "/person"),
    (re.compile(r"procent"), "%"),
)


def unit_key(text: Any) -> str:
    """A unit as written ("ton CO₂-ekv per invånare") -> its comparable form ("tonco2e/inv")."""
    key = "".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()
    for pattern, replacement in _UNIT_SPELLINGS:
        key = pattern.sub(replacement, key)
    return key


def same_unit(first: Any, second: Any) -> bool:
    return unit_key(first) == unit_key(second)


_UNIT_IN_HEADER = re.compile(r"^värde\s*(\((?P<unit>.*)\))?$")


def read_miljobarometern(data: bytes, *, indicator: Indicator, fmt: str = "csv") -> ReadResult:
    """Miljöbarometern's table for one indicator: Rad-id, Mätområde, Datum, Värde (<unit>).

    Rows for groups (Sveriges Ekokommuner, a county, the country) are reported and skipped.
    """
    result = ReadResult(indicator=indicator)
    sheet = read_sheet_or_report(result, data, fmt=fmt)
    if sheet is None:
        return result
    header = [header_key(cell) for cell in sheet[0][1]]
    value_column = next((i for i, h in enumerate(header) if _UNIT_IN_HEADER.match(h or "")), None)
    wanted = {"mätområde": None, "datum": None}
    for name in wanted:
        wanted[name] = header.index(name) if name in header else None
    missing = [name for name, index in wanted.items() if index is None]
    if value_column is None:
        missing.append("värde (enhet)")
    if missing:
        result.errors.append(
            RowError(
                None,
                _(
                    "Filen ser inte ut som en tabell från Miljöbarometern: kolumnen "
                    "%(columns)s saknas."
                )
                % {"columns": ", ".join(missing)},
            )
        )
        return result
    unit = _UNIT_IN_HEADER.match(header[value_column]).group("unit")
    if unit and not same_unit(unit, indicator.unit):
        result.warnings.append(
            _(
                "Filens enhet är ”%(file)s” men %(code)s mäts i ”%(unit)s”. Kontrollera att "
                "det är rätt nyckeltal."
            )
            % {"file": unit.strip(), "code": indicator.code, "unit": indicator.unit}
        )
    for line, cells in sheet[1:]:
        cells = list(cells) + [None] * (len(header) - len(cells))
        result.rows.append(
            SourceRow(
                line=line,
                values={
                    "organisation_name": cells[wanted["mätområde"]],
                    "year": cells[wanted["datum"]],
                    "value": cells[value_column],
                },
            )
        )
    return result
