"""Kolada's JSON, and the mapping file from its KPI ids to the catalogue's codes."""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _

from common.import_formats import decode_text
from indicators.importers.cells import cell_text
from indicators.importers.rows import ReadResult, RowError, SourceRow


def read_kolada(data: bytes, *, mapping: dict[str, str]) -> ReadResult:
    """Kolada's JSON: {"values": [{"kpi", "municipality", "period", "values": [{"gender",
    "value", ...}]}]}; the total (gender T) is used, and `mapping` turns KPI ids into indicator
    codes."""
    result = ReadResult(place="post")
    try:
        document = json.loads(decode_text(data))
    except ValueError:
        result.errors.append(RowError(None, _("Filen är inte Koladas JSON-format.")))
        return result
    entries = document.get("values") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        result.errors.append(
            RowError(None, _("Filen är inte Koladas JSON-format: listan ”values” saknas."))
        )
        return result
    mapping = {kpi.strip().upper(): code for kpi, code in mapping.items()}
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            result.errors.append(RowError(number, _("posten är inte ett objekt."), "post"))
            continue
        kpi = cell_text(entry.get("kpi")).upper()
        if kpi not in mapping:
            result.skipped.append(
                (number, _("KPI %(kpi)s är inte kopplad till något nyckeltal") % {"kpi": kpi})
            )
            continue
        municipality = cell_text(entry.get("municipality"))
        if municipality in ("0000", "0") or municipality.upper().startswith("G"):
            result.skipped.append(
                (
                    number,
                    _("sammanställning för flera organisationer (”%(name)s”), inte en kommun")
                    % {"name": municipality},
                )
            )
            continue
        totals = [
            item
            for item in entry.get("values") or []
            if isinstance(item, dict) and cell_text(item.get("gender")).upper() == "T"
        ]
        if not totals or totals[0].get("value") is None:
            result.skipped.append((number, _("inget värde för totalen (kön T)")))
            continue
        result.rows.append(
            SourceRow(
                line=number,
                values={
                    "organisation_code": municipality,
                    "indicator": mapping[kpi],
                    "year": entry.get("period"),
                    "value": totals[0]["value"],
                },
            )
        )
    return result


def read_mapping(text: str) -> dict[str, str]:
    """A Kolada mapping file: JSON {"N00401": "GN.1a"} or lines "N00401;GN.1a"."""
    text = text.strip()
    if text.startswith("{"):
        return {str(k): str(v) for k, v in json.loads(text).items()}
    mapping = {}
    for line in text.splitlines():
        parts = [p.strip() for p in re.split(r"[;,=\t]", line) if p.strip()]
        if len(parts) == 2 and not parts[0].casefold().startswith("kpi"):
            mapping[parts[0]] = parts[1]
    return mapping
