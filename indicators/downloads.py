"""CSV and XLSX downloads of a member's and an indicator's values, with units and sources.

The rows come from the same selector as the open API (selectors.values_open_data), so a file
and the API always agree. The CSV is written the way a Swedish Excel opens it directly
(semicolons, decimal commas, UTF-8 with a byte-order mark) and reads back through the import.
"""

from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from common.spreadsheets import (
    CONTENT_TYPES,
    Sheet,
    csv_bytes,
    spreadsheet_response,
    xlsx_bytes,
)
from indicators.models import IndicatorValue
from indicators.selectors import (
    indicator_by_code,
    organisation_averages,
    values_open_data,
    yearly_averages,
)
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
# The indicator download adds the year's SEKOM average beside each value (the import ignores
# the column, so the file still reads back).
AVERAGE_COLUMN = ("SEKOM-snitt", "sekom_average")
# A national-source figure's averages over everyone of the kind (members or not), each with how
# many values it is over; empty for member-reported figures (models.FigureArea).
SWEDEN_COLUMNS = [("Sverige-snitt", "sweden_average"), ("antal i Sverige", "sweden_n")]
# A member's download carries the averages its page compares it with.
MEMBER_AVERAGE_COLUMNS = [
    AVERAGE_COLUMN,
    ("antal medlemmar", "sekom_n"),
    ("läns-snitt", "county_average"),
    ("antal i länet", "county_n"),
    *SWEDEN_COLUMNS,
    ("liknande kommuner-snitt", "similar_average"),
    ("antal liknande", "similar_n"),
]
STATUS = {s.value: str(s.label) for s in IndicatorValue.Status}


def _cells(row: dict, columns: list[tuple[str, str]]) -> list:
    return [STATUS.get(row[key], row[key]) if key == "status" else row[key] for _h, key in columns]


def values_csv(rows: list[dict], *, columns: list[tuple[str, str]] = COLUMNS) -> bytes:
    return csv_bytes(
        (_cells(row, columns) for row in rows), header=[header for header, _key in columns]
    )


def values_xlsx(
    rows: list[dict],
    *,
    title: str,
    columns: list[tuple[str, str]] = COLUMNS,
    averages: list[list] | None = None,
    national: bool = False,
) -> bytes:
    seen = set()
    described = []
    for row in rows:
        key = (row["revision"], row["indicator"])
        if key not in seen:
            seen.add(key)
            described.append(
                [
                    row["indicator"],
                    row["revision"],
                    row["indicator_name"],
                    row["unit"],
                    row["source"],
                ]
            )
    sheets = [
        Sheet(
            title="Värden",
            header=[header for header, _key in columns],
            rows=[_cells(row, columns) for row in rows],
        ),
    ]
    if averages is not None:
        sheets.append(
            Sheet(
                title="SEKOM-snitt",
                header=["år", "SEKOM-snitt", "antal medlemmar med värde"]
                + (["Sverige-snitt", "antal i Sverige med värde"] if national else []),
                rows=averages,
            )
        )
    sheets.append(
        Sheet(
            title="Om filen",
            preamble=[[title], ["Källa: Sveriges Ekokommuner, gröna nyckeltal."], []],
            header=["nyckeltal", "revision", "namn", "enhet", "datakälla"],
            rows=described,
        )
    )
    return xlsx_bytes(sheets)


def _file_response(content: bytes, *, fmt: str, name: str) -> HttpResponse:
    return spreadsheet_response(content, filename=f"{name}.{fmt}")


def _average(value: float | None, decimals: int) -> Decimal | None:
    # One decimal more than the figure is shown with: an average of whole numbers is rarely one.
    return None if value is None else round(Decimal(repr(value)), decimals + 1)


@require_safe
def member_data(request, code: str, fmt: str):
    """Every value of one member, all indicators and years: /kommun/<code>/data.csv|.xlsx."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    organisation = get_object_or_404(Municipality, code=code)
    _count, rows = values_open_data(organisation_id=organisation.pk)
    averages = organisation_averages(organisation=organisation)
    for row in rows:
        decimals, years = averages.get((row["revision"], row["indicator"]), (0, {}))
        cells = years.get(row["year"], {})
        for key in ("sekom", "county", "sweden", "similar"):
            count = cells.get(f"{key}_n") or None
            row[f"{key}_average"] = _average(cells.get(key), decimals) if count else None
            row[f"{key}_n"] = count
    columns = [*COLUMNS, *MEMBER_AVERAGE_COLUMNS]
    title = f"Gröna nyckeltal för {organisation.name} ({organisation.code})"
    content = (
        values_csv(rows, columns=columns)
        if fmt == "csv"
        else values_xlsx(rows, title=title, columns=columns)
    )
    return _file_response(
        content, fmt=fmt, name=f"grona-nyckeltal-{organisation.code}-{slugify(organisation.name)}"
    )


@require_safe
def indicator_data(request, code: str, fmt: str, revision: str | None = None):
    """Every member's values of one indicator: /nyckeltal/[<revision>/]<code>/data.csv|.xlsx,
    with the SEKOM average of each year."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    indicator = indicator_by_code(code=code, revision=revision or None)
    if indicator is None:
        raise Http404("Nyckeltalet finns inte.")
    _count, rows = values_open_data(indicator_id=indicator.pk, by_name=True)
    by_year = yearly_averages(indicator_ids=[indicator.pk]).get(indicator.pk, {})
    average = {
        year: _average(figures["sekom"], indicator.decimals) for year, figures in by_year.items()
    }
    national = indicator.reported_by == indicator.ReportedBy.NATIONAL
    for row in rows:
        row["sekom_average"] = average.get(row["year"])
        sweden = by_year.get(row["year"], {})
        row["sweden_average"] = _average(sweden.get("sweden"), indicator.decimals)
        row["sweden_n"] = sweden.get("sweden_n") or None
    columns = [*COLUMNS, AVERAGE_COLUMN, *(SWEDEN_COLUMNS if national else [])]
    if fmt == "csv":
        content = values_csv(rows, columns=columns)
    else:
        content = values_xlsx(
            rows,
            title=f"{indicator.code} {indicator.name} ({indicator.unit}), revision "
            f"{indicator.revision.code}",
            columns=columns,
            averages=[
                [year, average[year], by_year[year]["sekom_n"]]
                + (
                    [
                        _average(by_year[year]["sweden"], indicator.decimals),
                        by_year[year]["sweden_n"],
                    ]
                    if national
                    else []
                )
                for year in sorted(by_year)
            ],
            national=national,
        )
    return _file_response(
        content,
        fmt=fmt,
        name=f"grona-nyckeltal-{slugify(indicator.code)}-{indicator.revision.code}",
    )
