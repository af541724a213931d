"""CSV and XLSX downloads of a member's and an indicator's values, with units and sources.

The rows come from the same selector as the open API (selectors.values_open_data), so a file
and the API always agree. The CSV is written the way a Swedish Excel opens it directly
(semicolons, decimal commas, UTF-8 with a byte-order mark) and reads back through the import.
"""

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from indicators.models import Indicator, IndicatorValue, Revision
from indicators.numbers import format_decimal
from indicators.selectors import values_open_data
from members.models import Municipality

# (column header, key in the selector's rows)
COLUMNS = [
    ("kommunkod", "organisation"),
    ("kommun", "organisation_name"),
    ("län", "county"),
    ("nyckeltal", "indicator"),
    ("revision", "revision"),
    ("nyckeltalets namn", "indicator_name"),
    ("år", "year"),
    ("värde", "value"),
    ("enhet", "unit"),
    ("status", "status"),
    ("datakälla", "source"),
    ("källa för värdet", "source_note"),
]
STATUS = {s.value: str(s.label) for s in IndicatorValue.Status}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _plain(value) -> str:
    """2.4700 -> "2,47": the stored value without padding, with a decimal comma."""
    text = format(value.normalize(), "f")
    return format_decimal(value, len(text.partition(".")[2]), language="sv")


def values_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for header, _key in COLUMNS])
    for row in rows:
        cells = []
        for _header, key in COLUMNS:
            value = row[key]
            if key == "value":
                value = _plain(value).replace("\u202f", "")
            elif key == "status":
                value = STATUS.get(value, value)
            cells.append(value)
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def values_xlsx(rows: list[dict], *, title: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Värden"
    sheet.append([header for header, _key in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                STATUS.get(row[key], row[key]) if key == "status" else row[key]
                for _header, key in COLUMNS
            ]
        )
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Om filen")
    about.append([title])
    about["A1"].font = Font(bold=True)
    about.append(["Källa: Sveriges Ekokommuner, gröna nyckeltal."])
    about.append([])
    about.append(["nyckeltal", "revision", "namn", "enhet", "datakälla"])
    seen = set()
    for row in rows:
        key = (row["revision"], row["indicator"])
        if key not in seen:
            seen.add(key)
            about.append(
                [
                    row["indicator"],
                    row["revision"],
                    row["indicator_name"],
                    row["unit"],
                    row["source"],
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _file_response(rows: list[dict], *, fmt: str, name: str, title: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    content = values_csv(rows) if fmt == "csv" else values_xlsx(rows, title=title)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_safe
def member_data(request, code: str, fmt: str):
    """Every value of one member, all indicators and years: /kommun/<code>/data.csv|.xlsx."""
    organisation = get_object_or_404(Municipality, code=code)
    _count, rows = values_open_data(organisation_id=organisation.pk)
    return _file_response(
        rows,
        fmt=fmt,
        name=f"grona-nyckeltal-{organisation.code}-{slugify(organisation.name)}",
        title=f"Gröna nyckeltal för {organisation.name} ({organisation.code})",
    )


@require_safe
def indicator_data(request, code: str, fmt: str, revision: str | None = None):
    """Every member's values of one indicator: /nyckeltal/[<revision>/]<code>/data.csv|.xlsx."""
    revisions = (
        Revision.objects.filter(code=revision)
        if revision
        else Revision.objects.filter(is_current=True)
    )
    indicator = get_object_or_404(
        Indicator.objects.select_related("revision"), revision__in=revisions, code=code
    )
    _count, rows = values_open_data(indicator_id=indicator.pk, by_name=True)
    return _file_response(
        rows,
        fmt=fmt,
        name=f"grona-nyckeltal-{slugify(indicator.code)}-{indicator.revision.code}",
        title=f"{indicator.code} {indicator.name} ({indicator.unit}), revision "
        f"{indicator.revision.code}",
    )
