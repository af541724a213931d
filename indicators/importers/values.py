"""From read rows to ValueInput, checked, and into the one write service in one call."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from common.collector import collector_paused
from common.numbers import decimal_places
from common.spreadsheets import text_from_cell
from indicators import validation
from indicators.importers.cells import RowProblem, cell_text, parse_status, parse_value, parse_year
from indicators.importers.lookups import Lookups
from indicators.importers.rows import ReadResult, RowError, SourceRow
from indicators.models import Indicator
from indicators.services import (
    VALUE_FIELDS,
    ValueInput,
    ValuesInvalid,
    value_input_from,
    values_check,
    values_stored,
    values_upsert,
)

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
    return RowReader(lookups, indicator=indicator, round_values=round_values).read(row)


class RowReader:
    """row_to_input for the rows of one file: each distinct cell is read once.

    A file of 150 000 rows holds a few hundred organisation codes, a few figures, thirty years
    and some thousand numbers, so reading each cell once (and looking it up once) is most of a
    file's reading saved. What a cell reads as depends on the cell alone (and the file's
    lookups), so every row gets the answer, or the Swedish message, it would get by itself.
    """

    def __init__(self, lookups: Lookups, *, indicator: Indicator | None, round_values: bool):
        self.lookups = lookups
        self.indicator = indicator
        self.round_values = round_values
        self._organisations: dict = {}
        self._indicators: dict = {}
        self._years: dict = {}
        self._numbers: dict = {}
        self._statuses: dict = {}
        self._sources: dict = {}
        self._comments: dict = {}
        self._rounded: dict = {}

    def read(self, row: SourceRow) -> tuple[ValueInput | None, list[str], str | None]:
        """(the value, [problems], reason to skip) for one row."""
        values = row.values
        get = values.get
        problems: list[str] = []
        code, name = get("organisation_code"), get("organisation_name")
        organisation_id, problem, skip = _once(
            self._organisations,
            (code.__class__, code, name.__class__, name),
            self._organisation,
            code,
            name,
        )
        if skip:
            return None, [], skip
        if problem:
            problems.append(problem)
        indicator = self.indicator
        if indicator is None:
            code, revision = get("indicator"), get("revision")
            indicator, problem = _once(
                self._indicators,
                (code.__class__, code, revision.__class__, revision),
                self._indicator,
                code,
                revision,
            )
            if problem:
                problems.append(problem)
        cell = get("year")
        year, problem = _once(self._years, (cell.__class__, cell), _checked, parse_year, cell)
        if problem:
            problems.append(problem)
        numerator = denominator = None
        first, second = get("numerator"), get("denominator")
        if first is not None or second is not None:  # most files have neither column
            number, problem = self._number(first)
            if problem:
                problems.append(problem)
            else:
                second, problem = self._number(second)
                if problem:
                    problems.append(problem)
                else:
                    numerator, denominator = number, second
        value, problem = self._number(get("value"))
        if problem:
            problems.append(problem)
        if value is None and numerator is None and denominator is None and not problems:
            return None, [], _("inget värde")
        cell = get("status")
        status, problem = _once(
            self._statuses, (cell.__class__, cell), _checked, parse_status, cell
        )
        if problem:
            problems.append(problem)
        if problems:
            if indicator is not None and year is not None and value is not None:
                # Name everything wrong with the row at once, not only its first problem.
                for messages in validation.value_errors(
                    indicator=indicator, year=year, value=value
                ).values():
                    problems.extend(messages)
            return None, problems, None
        if self.round_values and value is not None:
            value = _once(
                self._rounded, (value, indicator.decimals), _rounded, value, indicator.decimals
            )
        cell = get("source")
        source_note = _once(self._sources, (cell.__class__, cell), _source_note, cell)
        if "comment" in values:
            cell = values["comment"]
            comment = _once(self._comments, (cell.__class__, cell), _comment, cell)
        else:
            # A file without a comment column (the open downloads, Kolada) leaves comments be.
            comment = None
        return (
            value_input_from(
                {
                    "organisation_id": organisation_id,
                    "indicator": indicator,
                    "year": year,
                    "value": value,
                    "status": status,
                    "source_note": source_note,
                    "comment": comment,
                    "numerator": numerator,
                    "denominator": denominator,
                    "source_kpi": "",
                    "fetched_on": None,
                }
            ),
            [],
            None,
        )

    def _number(self, cell) -> tuple[Decimal | None, str | None]:
        return _once(self._numbers, (cell.__class__, cell), _checked, parse_value, cell)

    def _organisation(self, code, name) -> tuple[int | None, str | None, str | None]:
        """(organisation id, problem, reason to skip the row)."""
        lookups = self.lookups
        code_text = cell_text(code)
        name = cell_text(name) or ("" if code_text.isdigit() else code_text)
        try:
            return lookups.organisation(code=code, name=name), None, None
        except RowProblem as exc:
            # Not an organisation but a group of them (Sveriges Ekokommuner, a county, Kolada's
            # G… groups): reported and skipped, not an error.
            reason = lookups.aggregate_reason(name) if name else None
            if reason and not code_text.isdigit():
                return None, None, reason
            return None, str(exc), None

    def _indicator(self, code, revision) -> tuple[Indicator | None, str | None]:
        return _checked(self.lookups.indicator, code, revision=revision)


def _once(cache: dict, key, read: Callable, *args, **kwargs):
    """read(*args, **kwargs), remembered under `key` (read every time when a cell cannot be a
    key, such as a list in a JSON file)."""
    try:
        return cache[key]
    except KeyError:
        found = cache[key] = read(*args, **kwargs)
        return found
    except TypeError:
        return read(*args, **kwargs)


def _checked(parse: Callable, *args, **kwargs) -> tuple:
    """(parse(*args, **kwargs), None), or (None, its problem)."""
    try:
        return parse(*args, **kwargs), None
    except RowProblem as exc:
        return None, str(exc)


def _rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _source_note(cell) -> str:
    # Text the site neutralised for spreadsheets ("'=…") reads back as it was typed.
    return text_from_cell(cell_text(cell))[:300]


def _comment(cell) -> str:
    return text_from_cell(str(cell or "").strip())


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
    with collector_paused():  # 150 000 rows are a million small objects, none of them cyclic
        return _values_import(
            read=read,
            user=user,
            change_reason=change_reason,
            dry_run=dry_run,
            revision=revision,
            round_values=round_values,
            round_hint=round_hint,
            preview=preview,
            progress=progress,
        )


def _values_import(
    *,
    read: ReadResult,
    user,
    change_reason: str,
    dry_run: bool,
    revision: str | None,
    round_values: bool,
    round_hint: str,
    preview: bool,
    progress: Callable[[int], None] | None,
) -> ImportReport:
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
    inputs, lines = _read_inputs(
        read=read, lookups=lookups, report=report, round_values=round_values, progress=progress
    )
    report.timings["read"] = time.perf_counter() - started

    started = time.perf_counter()
    try:
        _write(
            inputs=inputs,
            lines=lines,
            lookups=lookups,
            report=report,
            user=user,
            change_reason=change_reason,
            preview=preview,
        )
    except ValuesInvalid as invalid:
        report.problems.extend(_row_errors(invalid, inputs, lines, read.place, round_hint))
        report.problems.sort(key=lambda problem: problem.line or 0)
    report.timings["write"] = time.perf_counter() - started
    if report.problems:
        report.created = report.updated = report.unchanged = 0
        report.changes = []
    return report


def _read_inputs(
    *,
    read: ReadResult,
    lookups: Lookups,
    report: ImportReport,
    round_values: bool,
    progress: Callable[[int], None] | None,
) -> tuple[list[ValueInput], list[int]]:
    """The rows as ValueInput with their row numbers; skips and problems go to `report`."""
    inputs: list[ValueInput] = []
    lines: list[int] = []
    reader = RowReader(lookups, indicator=read.indicator, round_values=round_values)
    for count, row in enumerate(read.rows, 1):
        value, problems, skip = reader.read(row)
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
    return inputs, lines


def _write(
    *,
    inputs: list[ValueInput],
    lines: list[int],
    lookups: Lookups,
    report: ImportReport,
    user,
    change_reason: str,
    preview: bool,
) -> None:
    """Write the rows in one call (rolled back for a dry run); raises ValuesInvalid."""
    with transaction.atomic():
        if report.problems:
            # Check the readable rows too, so that one run names every problem.
            values_check(rows=inputs)
            return
        if preview:
            report.changes = _changes(values_check(rows=inputs), lines, lookups)
        result = values_upsert(rows=inputs, user=user, change_reason=change_reason)
        report.created, report.updated, report.unchanged = (
            result.created,
            result.updated,
            result.unchanged,
        )
        if report.dry_run:
            transaction.set_rollback(True)


def _changes(rows: list[ValueInput], lines: list[int], lookups: Lookups) -> list[Change]:
    """Each row against what is stored (one query), for the preview."""
    stored = values_stored(rows=rows)
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
