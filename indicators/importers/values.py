"""From read rows to ValueInput, checked, and into the one write service in one call."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

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
    values = row.values
    problems: list[str] = []
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
        organisation_id = None
        problems.append(str(exc))
    if indicator is None:
        indicator = _read(
            problems, lookups.indicator, values.get("indicator"), revision=values.get("revision")
        )
    year = _read(problems, parse_year, values.get("year"))
    numerator, denominator = _read(problems, _parse_inputs, values) or (None, None)
    value = _read(problems, parse_value, values.get("value"))
    if value is None and numerator is None and denominator is None and not problems:
        return None, [], _("inget värde")
    status = _read(problems, parse_status, values.get("status"))
    if problems:
        if indicator is not None and year is not None and value is not None:
            # Name everything wrong with the row at once, not only its first problem.
            for messages in validation.value_errors(
                indicator=indicator, year=year, value=value
            ).values():
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
            numerator=numerator,
            denominator=denominator,
            **_row_notes(values),
        ),
        [],
        None,
    )


def _read(problems: list[str], parse: Callable, *args, **kwargs):
    """parse(*args, **kwargs), or None with its problem added to `problems`."""
    try:
        return parse(*args, **kwargs)
    except RowProblem as exc:
        problems.append(str(exc))
        return None


def _parse_inputs(values: dict) -> tuple[Decimal | None, Decimal | None]:
    return parse_value(values.get("numerator")), parse_value(values.get("denominator"))


def _row_notes(values: dict) -> dict[str, str | None]:
    return {
        # Text the site neutralised for spreadsheets ("'=…") reads back as it was typed.
        "source_note": text_from_cell(cell_text(values.get("source")))[:300],
        # A file without a comment column (the open downloads, Kolada) leaves comments be.
        "comment": (
            text_from_cell(str(values.get("comment") or "").strip())
            if "comment" in values
            else None
        ),
    }


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
