"""File formats -> rows -> ValueInput -> the one write service, `values_upsert`.

Every way values come in from a file (the admin's import, `manage.py import_values` with a
plain table, a Miljöbarometern table or Kolada's JSON) reads through here, so a municipality's
name, a decimal comma or an unknown code is understood, or refused with the same Swedish
message and the row number, whichever door the file came through. Nothing is written unless
the whole file is clean: `values_import` hands all rows to `values_upsert` in one call.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from common.import_formats import decode_text, sniff_delimiter
from common.numbers import NumberFormatError, decimal_places, parse_decimal
from common.spreadsheets import text_from_cell
from indicators.models import ImportRun, Indicator, IndicatorValue, Revision
from indicators.services import (
    VALUE_FIELDS,
    ValueInput,
    ValuesInvalid,
    values_check,
    values_upsert,
)
from indicators.validation import value_errors
from members.models import County, Municipality

FORMATS = ("csv", "xlsx", "miljobarometern", "kolada")


class RowProblem(ValueError):
    """A cell that cannot be read; the message is Swedish and names what was written."""


# --- Column names ----------------------------------------------------------------------------

# Canonical column -> the headers people and other tools use for it. The admin's export writes
# the first name of each, so an exported file reads back unchanged.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation_code": ("kommunkod", "kod", "organisationskod", "länskod", "municipality_code"),
    "organisation_name": ("kommun", "organisation", "kommunnamn", "region", "municipality"),
    "indicator": ("nyckeltal", "nyckeltalskod", "indikator", "indicator", "kpi"),
    "revision": ("revision",),
    "year": ("år", "ar", "year", "period"),
    "value": ("värde", "varde", "value"),
    "status": ("status",),
    "source": ("källa", "källa för värdet", "kalla", "source", "source_note"),
    "comment": ("kommentar", "comment"),
    "numerator": ("täljare", "taljare", "numerator"),
    "denominator": ("nämnare", "namnare", "denominator"),
}
_ALIASES = {alias: canonical for canonical, names in COLUMNS.items() for alias in names}


def header_key(text: Any) -> str:
    """A header as written ("  Kommunkod\ufeff ", "Värde") -> its comparable form."""
    cleaned = unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "")
    return " ".join(cleaned.split()).casefold().rstrip(":")


def canonical_column(header: Any) -> str | None:
    return _ALIASES.get(header_key(header))


def name_key(text: str) -> str:
    """Names compare without case, accents in decomposed form or extra spaces."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


# --- Reading cells ---------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\ufeff", "").split())


_YEAR = re.compile(r"^(\d{4})(-\d{2}(-\d{2})?)?$")


def parse_year(value: Any) -> int:
    if isinstance(value, datetime.date):
        return value.year
    text = cell_text(value)
    match = _YEAR.match(text)
    if not match:
        if not text:
            raise RowProblem(_("Året saknas."))
        raise RowProblem(_("”%(text)s” är inget årtal.") % {"text": text})
    return int(match.group(1))


STATUS_WORDS = {
    "": IndicatorValue.Status.FINAL,
    "slutligt": IndicatorValue.Status.FINAL,
    "slutlig": IndicatorValue.Status.FINAL,
    "final": IndicatorValue.Status.FINAL,
    "preliminärt": IndicatorValue.Status.PRELIMINARY,
    "preliminär": IndicatorValue.Status.PRELIMINARY,
    "prel": IndicatorValue.Status.PRELIMINARY,
    "prel.": IndicatorValue.Status.PRELIMINARY,
    "preliminary": IndicatorValue.Status.PRELIMINARY,
}


def parse_status(value: Any) -> str:
    text = name_key(cell_text(value))
    try:
        return STATUS_WORDS[text]
    except KeyError:
        raise RowProblem(
            _("Okänd status ”%(text)s”: skriv slutligt eller preliminärt.")
            % {"text": cell_text(value)}
        ) from None


def parse_value(value: Any) -> Decimal | None:
    try:
        return parse_decimal(value.strip() if isinstance(value, str) else value)
    except NumberFormatError as exc:
        raise RowProblem(str(exc)) from None


# --- Looking up organisations and indicators ---------------------------------------------------


class Lookups:
    """Organisations and indicators, read once per file (two queries), looked up per row."""

    def __init__(self, *, revision: str | None = None):
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.names: dict[int, str] = {}
        for pk, code, name, kind in Municipality.objects.values_list("pk", "code", "name", "kind"):
            self.by_code[code] = pk
            self.names[pk] = name
            self.by_name[name_key(name)] = pk
            if kind == Municipality.Kind.MUNICIPALITY:
                # "Vaggeryds kommun", "Borås kommun", "Stockholms stad".
                genitive = name if name.endswith(("s", "x", "z")) else f"{name}s"
                for form in (f"{genitive} kommun", f"{name} kommun", f"{genitive} stad"):
                    self.by_name.setdefault(name_key(form), pk)
        self.county_names = {name_key(n) for n in County.objects.values_list("name", flat=True)}
        self.indicators: dict[tuple[str, str], Indicator] = {}
        self.revisions: set[str] = set()
        # Only the catalogue: a member's own figure has no revision and no code in a file.
        for indicator in Indicator.objects.common().select_related("revision"):
            self.revisions.add(indicator.revision.code)
            self.indicators[(indicator.revision.code, name_key(indicator.code))] = indicator
        if revision is None:
            current = Revision.objects.filter(is_current=True).values_list("code", flat=True)
            revision = next(iter(current), None)
        elif revision not in self.revisions:
            raise RowProblem(_("Okänd revision ”%(text)s”.") % {"text": revision})
        self.default_revision = revision

    def organisation(self, *, code: Any = None, name: Any = None) -> int:
        """A municipality or region by its code (kommunkod, länskod) or by its name."""
        text = cell_text(code)
        if text and not text.isdigit():
            # The code column holds a name ("Vaggeryd"): read it as one.
            code, name, text = None, text, ""
        if text:
            pk = self._by_code(text)
            if pk is None:
                raise RowProblem(_("Okänd kommunkod ”%(text)s”.") % {"text": text})
            return pk
        text = cell_text(name)
        if not text:
            raise RowProblem(_("Kommunkod eller kommunens namn saknas."))
        pk = self.by_name.get(name_key(text))
        if pk is None:
            if text.isdigit():
                pk = self._by_code(text)
            if pk is None:
                raise RowProblem(_("Okänd kommun eller region ”%(text)s”.") % {"text": text})
        return pk

    def _by_code(self, text: str) -> int | None:
        if not text.isdigit():
            return None
        if len(text) <= 2:  # a region by its county code, "6" or "06"
            return self.by_code.get(text.zfill(2))
        if len(text) == 3:  # a spreadsheet dropped the leading zero of "0665"
            text = text.zfill(4)
        if text.startswith("00") and len(text) == 4 and text not in self.by_code:
            return self.by_code.get(text[2:])  # Kolada pads region ids to four digits
        return self.by_code.get(text)

    def indicator(self, code: Any, *, revision: Any = None) -> Indicator:
        revision_code = cell_text(revision) or self.default_revision
        if revision_code not in self.revisions:
            raise RowProblem(_("Okänd revision ”%(text)s”.") % {"text": revision_code})
        text = cell_text(code)
        if not text:
            raise RowProblem(_("Nyckeltalets kod saknas."))
        indicator = self.indicators.get((revision_code, name_key(text)))
        if indicator is None:
            raise RowProblem(
                _("Okänt nyckeltal ”%(code)s” i revision %(revision)s.")
                % {"code": text, "revision": revision_code}
            )
        return indicator

    def aggregate_reason(self, name: str) -> str | None:
        """Why a row names a group rather than one organisation, or None."""
        key = name_key(name)
        if key in self.county_names or any(word in key for word in AGGREGATE_WORDS):
            return _("sammanställning för flera organisationer (”%(name)s”), inte en kommun") % {
                "name": cell_text(name)
            }
        return None


AGGREGATE_WORDS = (
    "ekokommuner",
    "sekom",
    "riket",
    "sverige",
    "hela landet",
    "alla kommuner",
    "samtliga",
    "medel",
    "genomsnitt",
    "median",
    "totalt",
    "summa",
)


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
        return [
            (number, cells)
            for number, cells in enumerate(reader, 1)
            if any(c.strip() for c in cells)
        ]
    except csv.Error as exc:
        raise RowProblem(
            _("Filen kan inte läsas som CSV (rad %(line)s): kontrollera citattecknen.")
            % {"line": reader.line_num}
        ) from exc


def read_table(data: bytes, *, fmt: str) -> ReadResult:
    """A plain table: kommunkod or kommun, nyckeltal, år, värde, and optionally status,
    källa, kommentar and revision."""
    result = ReadResult()
    try:
        sheet = read_sheet(data, fmt=fmt)
    except RowProblem as exc:
        result.errors.append(RowError(None, str(exc)))
        return result
    if not sheet:
        result.errors.append(RowError(None, _("Filen är tom.")))
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
    for line, cells in sheet[1:]:
        values = {
            column: cell for column, cell in zip(columns, cells, strict=False) if column is not None
        }
        result.rows.append(SourceRow(line=line, values=values))
    return result


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
    try:
        sheet = read_sheet(data, fmt=fmt)
    except RowProblem as exc:
        result.errors.append(RowError(None, str(exc)))
        return result
    if not sheet:
        result.errors.append(RowError(None, _("Filen är tom.")))
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


def read_file(
    data: bytes,
    *,
    fmt: str,
    indicator: Indicator | None = None,
    mapping: dict[str, str] | None = None,
    sheet_format: str = "csv",
) -> ReadResult:
    if fmt in ("csv", "xlsx"):
        return read_table(data, fmt=fmt)
    if fmt == "miljobarometern":
        return read_miljobarometern(data, indicator=indicator, fmt=sheet_format)
    if fmt == "kolada":
        return read_kolada(data, mapping=mapping or {})
    raise ValueError(fmt)


# --- From rows to values, and into the write service ------------------------------------------


@dataclass
class Change:
    """One row of the preview: what a value is now and what the file makes it."""

    line: int
    organisation: str
    indicator: str
    year: int
    old: Decimal | None
    new: Decimal
    decimals: int
    kind: str  # "new", "changed" or "unchanged"


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    place: str = "rad"
    timings: dict[str, float] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)  # filled in for a preview

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> list[str]:
        """The problems as people read them: "Rad 5: ...", sorted by row."""
        return [str(problem) for problem in self.problems]

    def skipped_by_reason(self) -> list[tuple[str, int, list[int]]]:
        """(reason, how many, the first row numbers) for the summary."""
        counts = Counter(reason for _line, reason in self.skipped)
        lines: dict[str, list[int]] = {}
        for line, reason in self.skipped:
            lines.setdefault(reason, []).append(line)
        return [(reason, n, lines[reason][:5]) for reason, n in counts.most_common()]


def row_to_input(
    row: SourceRow,
    lookups: Lookups,
    *,
    indicator: Indicator | None = None,
    round_values: bool = False,
) -> tuple[ValueInput | None, list[str], str | None]:
    """(the value, [problems], reason to skip) for one row."""
    values = row.values
    problems = []
    organisation_id = year = value = status = None
    numerator = denominator = None
    code_text = cell_text(values.get("organisation_code"))
    name = cell_text(values.get("organisation_name")) or ("" if code_text.isdigit() else code_text)
    try:
        organisation_id = lookups.organisation(code=values.get("organisation_code"), name=name)
    except RowProblem as exc:
        # Not an organisation but a group of them (Sveriges Ekokommuner, a county, Kolada's
        # G… groups): reported and skipped, not an error.
        reason = lookups.aggregate_reason(name) if name else None
        if reason and not code_text.isdigit():
            return None, [], reason
        problems.append(str(exc))
    if indicator is None:
        try:
            indicator = lookups.indicator(values.get("indicator"), revision=values.get("revision"))
        except RowProblem as exc:
            problems.append(str(exc))
    try:
        year = parse_year(values.get("year"))
    except RowProblem as exc:
        problems.append(str(exc))
    try:
        numerator = parse_value(values.get("numerator"))
        denominator = parse_value(values.get("denominator"))
    except RowProblem as exc:
        problems.append(str(exc))
    try:
        value = parse_value(values.get("value"))
        if value is None and numerator is None and denominator is None and not problems:
            return None, [], _("inget värde")
    except RowProblem as exc:
        problems.append(str(exc))
    try:
        status = parse_status(values.get("status"))
    except RowProblem as exc:
        problems.append(str(exc))
    if problems:
        if indicator is not None and year is not None and value is not None:
            # Name everything wrong with the row at once, not only its first problem.
            for messages in value_errors(indicator=indicator, year=year, value=value).values():
                problems.extend(messages)
        return None, problems, None
    if round_values and value is not None:
        value = value.quantize(Decimal(1).scaleb(-indicator.decimals), rounding=ROUND_HALF_UP)
    return (
        ValueInput(
            organisation_id=organisation_id,
            indicator=indicator,
            year=year,
            value=value,
            status=status,
            # Text the site neutralised for spreadsheets ("'=…") reads back as it was typed.
            source_note=text_from_cell(cell_text(values.get("source")))[:300],
            # A file without a comment column (the open downloads, Kolada) leaves comments be.
            comment=(
                text_from_cell(str(values.get("comment") or "").strip())
                if "comment" in values
                else None
            ),
            numerator=numerator,
            denominator=denominator,
        ),
        [],
        None,
    )


def values_import(
    *,
    read: ReadResult,
    user=None,
    change_reason: str = "",
    dry_run: bool = False,
    revision: str | None = None,
    round_values: bool = False,
    round_hint: str = "",
    preview: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row of a file and, when all are clean, write them in one call.

    `preview` also lists each row's old and new value (`report.changes`); `round_hint` is added
    to a value refused for its decimals (how to ask for rounding at this door).
    """
    started = time.perf_counter()
    report = ImportReport(
        read=len(read.rows) + len(read.skipped),
        skipped=list(read.skipped),
        problems=list(read.errors),
        warnings=list(read.warnings),
        dry_run=dry_run,
        place=read.place,
    )
    if report.problems:
        return report
    try:
        lookups = Lookups(revision=revision)
    except RowProblem as exc:
        report.problems.append(RowError(None, str(exc)))
        return report
    inputs: list[ValueInput] = []
    lines: list[int] = []
    for count, row in enumerate(read.rows, 1):
        value, problems, skip = row_to_input(
            row, lookups, indicator=read.indicator, round_values=round_values
        )
        if skip:
            report.skipped.append((row.line, skip))
        elif problems:
            report.problems.extend(RowError(row.line, p, read.place) for p in problems)
        else:
            inputs.append(value)
            lines.append(row.line)
        if progress and count % 2000 == 0:
            progress(2000)
    if progress:
        progress(len(read.rows) % 2000)
    report.timings["read"] = time.perf_counter() - started

    started = time.perf_counter()
    try:
        with transaction.atomic():
            if report.problems:
                # Check the readable rows too, so that one run names every problem.
                values_check(rows=inputs)
            else:
                if preview:
                    report.changes = _changes(values_check(rows=inputs), lines, lookups)
                result = values_upsert(rows=inputs, user=user, change_reason=change_reason)
                report.created, report.updated, report.unchanged = (
                    result.created,
                    result.updated,
                    result.unchanged,
                )
                if dry_run:
                    transaction.set_rollback(True)
    except ValuesInvalid as invalid:
        report.problems.extend(_row_errors(invalid, inputs, lines, read.place, round_hint))
        report.problems.sort(key=lambda problem: problem.line or 0)
    report.timings["write"] = time.perf_counter() - started
    if report.problems:
        report.created = report.updated = report.unchanged = 0
        report.changes = []
    return report


def _changes(rows: list[ValueInput], lines: list[int], lookups: Lookups) -> list[Change]:
    """Each row against what is stored (one query), for the preview."""
    stored = {
        (v.organisation_id, v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(
            organisation_id__in={r.organisation_id for r in rows},
            indicator_id__in={r.indicator.pk for r in rows},
            year__in={r.year for r in rows},
        )
    }
    changes = []
    for row, line in zip(rows, lines, strict=True):
        current = stored.get((row.organisation_id, row.indicator.pk, row.year))
        if current is None:
            kind = "new"
        elif all(getattr(current, name) == getattr(row, name) for name in VALUE_FIELDS):
            kind = "unchanged"
        else:
            kind = "changed"
        changes.append(
            Change(
                line=line,
                organisation=lookups.names[row.organisation_id],
                indicator=f"{row.indicator.code} ({row.indicator.revision.code})",
                year=row.year,
                old=current.value if current else None,
                new=row.value,
                decimals=row.indicator.decimals,
                kind=kind,
            )
        )
    return changes


def _row_errors(
    invalid: ValuesInvalid, inputs: list[ValueInput], lines: list[int], place: str, hint: str
) -> Iterable[RowError]:
    for index, errors in invalid.problems.items():
        row = inputs[index]
        too_precise = row.value is not None and decimal_places(row.value) > row.indicator.decimals
        for name, messages in errors.items():
            for message in messages:
                if hint and too_precise and name == "value":
                    message = f"{message} {hint}"
                yield RowError(lines[index], message, place)
    for index, first in invalid.duplicates.items():
        yield RowError(
            lines[index],
            (
                _("samma kommun, nyckeltal och år som rad %(line)s.")
                if place == "rad"
                else _("samma kommun, nyckeltal och år som post %(line)s.")
            )
            % {"line": lines[first]},
            place,
        )


# --- The record of each import -----------------------------------------------------------------


def import_run_record(
    *, report: ImportReport, user=None, door: str, fmt: str, file_name: str
) -> ImportRun:
    """Keep what an import did (or why it failed) for the office: one ImportRun row."""
    messages = [*report.errors, *(f"{_('Varning')}: {w}" for w in report.warnings)]
    messages += [
        f"{_('Hoppade över')} {count}: {reason}"
        for reason, count, _lines in report.skipped_by_reason()
    ]
    return ImportRun.objects.create(
        user=user if getattr(user, "pk", None) else None,
        door=door,
        format=fmt,
        file_name=file_name[:255],
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=len(report.skipped),
        succeeded=report.ok,
        messages=messages[:500],
    )
