"""The one write path for values: rows in, rules checked, stored with history.

Every door (the year form, the admin, both importers, the Kolada sync, the API) hands rows
to values_upsert or values_save_year; deleting goes through value_delete / values_delete.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from common.numbers import decimal_places
from indicators import validation
from indicators.hooks import values_written
from indicators.models import Indicator, IndicatorValue
from indicators.services.figures import figures_values_changed
from indicators.services.upsert import UpsertResult, ValueKey, upsert_orm, upsert_postgresql
from members import access
from members.models import Municipality
from members.services import site_data_changed


@dataclass(frozen=True)
class ValueInput:
    """One value to write, as every write path (form, admin import, bulk import) hands it in."""

    organisation_id: int
    indicator: Indicator
    year: int
    value: Decimal | None  # None only when the two numbers below are given: their share
    status: str = IndicatorValue.Status.FINAL
    source_note: str = ""
    # None: the row does not say (a file without a comment column); the stored comment stays.
    comment: str | None = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    # Provenance of a fetched value (the Kolada sync); empty for what people enter.
    source_kpi: str = ""
    fetched_on: datetime.date | None = None


def value_input_from(fields: dict) -> ValueInput:
    """A ValueInput from a dict that holds every one of its fields, for code that builds many:
    the same object as ValueInput(**fields), at a fifth of the frozen dataclass's __init__ (an
    import builds 150 000, and resolving them copies each once more)."""
    row = object.__new__(ValueInput)
    row.__dict__.update(fields)
    return row


def values_validate(*, rows: list[ValueInput]) -> dict[int, dict[str, list[str]]]:
    """Check every row against its indicator; {row index: {field: [messages]}}.

    The usual row (a value without its two numbers, a year that has begun, within its figure's
    bounds and decimals) is passed by the same test as validation.value_errors' own fast path,
    with each figure's bounds, each year's verdict and each number's decimals worked out once;
    every other row gets validation.stored_value_errors, so the messages are its own.
    """
    problems = {}
    bounds: dict[int, tuple] = {}
    years: dict[int, bool] = {}
    places: dict[Decimal, int] = {}
    for index, row in enumerate(rows):
        indicator = row.indicator
        value = row.value
        if (
            value is not None
            and row.numerator is None
            and row.denominator is None
            and (indicator.owner_id is None or indicator.owner_id == row.organisation_id)
        ):
            try:  # keyed by the object (id()), not its pk: each row meets its own instance
                low, high, decimals = bounds[id(indicator)]
            except KeyError:
                low, high, decimals = bounds[id(indicator)] = (
                    indicator.min_value,
                    indicator.max_value,
                    indicator.decimals,
                )
            year_ok = years.get(row.year)
            if year_ok is None:
                year_ok = years[row.year] = validation.year_error(row.year) is None
            try:
                if (
                    year_ok
                    and (low is None or value >= low)
                    and (high is None or value <= high)
                    and (places[value] if value in places else _places(places, value)) <= decimals
                ):
                    continue
            except (ArithmeticError, TypeError):
                pass  # not an ordinary number: the full check says what it says of it
        errors = validation.stored_value_errors(row=row)
        if errors:
            problems[index] = errors
    return problems


def _places(places: dict[Decimal, int], value: Decimal) -> int:
    # Equal numbers have the same decimals ("2,50" and "2,5" one each), so the cache is exact.
    places[value] = found = decimal_places(value)
    return found


def values_duplicates(*, rows: list[ValueInput]) -> dict[int, int]:
    """{row index: index of the earlier row} for rows whose organisation, indicator and year
    already appeared."""
    return _duplicates(_keys(rows))


def _duplicates(keys: list[ValueKey]) -> dict[int, int]:
    if len(set(keys)) == len(keys):
        return {}  # the usual case, answered by one set
    seen: dict[ValueKey, int] = {}
    duplicates = {}
    for index, key in enumerate(keys):
        first = seen.setdefault(key, index)
        if first != index:
            duplicates[index] = first
    return duplicates


class ValuesInvalid(ValidationError):
    """The rows handed to values_upsert break the rules; nothing was written.

    `problems` maps a row's index to {field: [messages]} and `duplicates` maps a row's index to
    the index of the earlier row with the same organisation, indicator and year, so that an
    importer can name the rows of its file.
    """

    def __init__(self, *, problems: dict[int, dict[str, list[str]]], duplicates: dict[int, int]):
        messages = [m for errors in problems.values() for ms in errors.values() for m in ms]
        if duplicates:
            messages.append(_("Samma organisation, nyckeltal och år förekommer flera gånger."))
        super().__init__(messages)
        self.problems = problems
        self.duplicates = duplicates


def values_resolve(*, rows: list[ValueInput]) -> list[ValueInput]:
    """The rows as they will be stored, by the one rule for a share given as two numbers (and
    a row that says nothing about its comment keeps the stored one).

    A row with both numbers stores their share as its value (validation.share_errors refuses a
    typed value that disagrees). A row with only a value keeps the numbers already stored for
    it as long as they still give that value (a file from Kolada or a re-imported export does
    not erase what a reporter entered), and otherwise stores none: numbers that no longer add up
    to the value are never kept. Whichever door a row comes through, the result is the same.
    """
    return _resolved(rows, _keys(rows))


def _keys(rows: list[ValueInput]) -> list[ValueKey]:
    """Each row's (organisation id, indicator id, year), in the rows' order."""
    return [(row.organisation_id, row.indicator.pk, row.year) for row in rows]


def _resolved(rows: list[ValueInput], keys: list[ValueKey]) -> list[ValueInput]:
    """values_resolve, with the rows' keys at hand."""
    stored = _stored_numbers(rows, keys)
    kept_comments = _stored_comments(
        [key for row, key in zip(rows, keys, strict=True) if row.comment is None]
    )
    resolved = []
    append = resolved.append
    for row, key in zip(rows, keys, strict=True):
        if row.comment is None:
            row = _with_comment(row, kept_comments.get(key, ""))
        if row.numerator is None and row.denominator is None and key not in stored:
            append(row)  # nothing to work out: the row as given (the usual case of a file)
        else:
            append(_row_resolved(row, stored=stored.get(key)))
    return resolved


def _with_comment(row: ValueInput, comment: str) -> ValueInput:
    # Not dataclasses.replace, which costs several microseconds a row: an import has 150 000.
    return value_input_from({**row.__dict__, "comment": comment})


def _row_resolved(row: ValueInput, *, stored: tuple[Decimal, Decimal] | None) -> ValueInput:
    """One row by the share rule; `stored` are the numbers already saved for its key."""
    indicator = row.indicator
    if row.numerator is not None or row.denominator is not None:
        value = validation.share_value(
            indicator=indicator,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
        )
        return replace(row, value=value)
    if stored is not None and row.value is not None:
        computed = validation.share_of(
            indicator=indicator, numerator=stored[0], denominator=stored[1]
        )
        if computed == row.value:
            return replace(row, numerator=stored[0], denominator=stored[1])
    return row


def _stored_numbers(
    rows: list[ValueInput], keys: list[ValueKey]
) -> dict[ValueKey, tuple[Decimal, Decimal]]:
    """The numbers saved for rows that give a share figure's value without them."""
    inputs: dict[int, bool] = {}  # indicator id -> has_inputs, asked once per figure
    wanted = []
    for row, key in zip(rows, keys, strict=True):
        if row.numerator is None and row.denominator is None and row.value is not None:
            has_inputs = inputs.get(key[1])
            if has_inputs is None:
                has_inputs = inputs[key[1]] = row.indicator.has_inputs
            if has_inputs:
                wanted.append(key)
    if not wanted:
        return {}
    return {
        (organisation_id, indicator_id, year): (numerator, denominator)
        for organisation_id, indicator_id, year, numerator, denominator in (
            IndicatorValue.objects.filter(
                organisation_id__in={key[0] for key in wanted},
                indicator_id__in={key[1] for key in wanted},
                year__in={key[2] for key in wanted},
                numerator__isnull=False,
                denominator__gt=0,
            ).values_list("organisation_id", "indicator_id", "year", "numerator", "denominator")
        )
    }


def _stored_comments(keys: list[ValueKey]) -> dict[ValueKey, str]:
    if not keys:
        return {}
    return {
        (organisation_id, indicator_id, year): comment
        for organisation_id, indicator_id, year, comment in IndicatorValue.objects.filter(
            organisation_id__in={key[0] for key in keys},
            indicator_id__in={key[1] for key in keys},
            year__in={key[2] for key in keys},
        )
        .exclude(comment="")
        .values_list("organisation_id", "indicator_id", "year", "comment")
    }


def values_stored(*, rows: list[ValueInput]) -> dict[ValueKey, IndicatorValue]:
    """The values stored for `rows`' keys (one query; a few more than asked for when rows span
    several members, figures and years), by (organisation id, indicator id, year)."""
    return {
        (v.organisation_id, v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(
            organisation_id__in={r.organisation_id for r in rows},
            indicator_id__in={r.indicator.pk for r in rows},
            year__in={r.year for r in rows},
        )
    }


def values_check(*, rows: list[ValueInput]) -> list[ValueInput]:
    """The rows as they will be stored (`values_resolve`); raises ValuesInvalid when any row
    breaks its indicator's rules or repeats a key."""
    rows, _keys = _checked(rows)
    return rows


def _checked(rows: list[ValueInput]) -> tuple[list[ValueInput], list[ValueKey]]:
    """values_check, with the rows' keys (organisation id, indicator id, year) in their order."""
    keys = _keys(rows)  # resolving changes no key
    rows = _resolved(rows, keys)
    problems = values_validate(rows=rows)
    duplicates = _duplicates(keys)
    if problems or duplicates:
        raise ValuesInvalid(problems=problems, duplicates=duplicates)
    return rows, keys


@transaction.atomic
def values_upsert(
    *,
    rows: list[ValueInput],
    user=None,
    change_reason: str = "",
    batch_size: int = 5000,
) -> UpsertResult:
    """Create or update values, all or nothing, and record every change in the history.

    This is the one write path for values: the reporting form, the admin and the importers all
    end here. It writes in bulk, so a form's dozen rows and an import's hundred thousand take the
    same route. Raises ValuesInvalid, a ValidationError (and writes nothing) when any row breaks
    its indicator's rules or the same value appears twice. Rows equal to what is stored are
    left alone and get no history row.
    """
    return _values_write(rows=rows, user=user, change_reason=change_reason, batch_size=batch_size)


def _values_write(*, rows, user, change_reason: str, batch_size: int = 5000) -> UpsertResult:
    """values_upsert's body, for callers already inside a transaction of their own (a nested
    atomic block would cost a savepoint and its release: two round trips)."""
    rows, keys = _checked(rows)
    change_reason = change_reason[:100]  # the history's column is that wide
    if not rows:
        return UpsertResult(keys=keys, _values=[])
    if connection.vendor == "postgresql":
        # COPY into a staging table and one INSERT ... ON CONFLICT DO UPDATE that also writes
        # the history: the database does the matching, so 150 000 rows take seconds.
        result = upsert_postgresql(rows=rows, user=user, change_reason=change_reason)
        result.keys = keys
    else:
        result = upsert_orm(
            rows=rows, keys=keys, user=user, change_reason=change_reason, batch_size=batch_size
        )
    if result.created or result.updated:
        site_data_changed()  # cached public pages and figures are rebuilt on next view
        # Other apps follow reported years (a year that became complete: indicators/hooks.py).
        values_written(
            organisation_years={
                (r.organisation_id, r.year)
                for r in rows
                if r.indicator.reported_by == Indicator.ReportedBy.MEMBER
            }
        )
    return result


@transaction.atomic
def values_save_year(
    *, user, organisation: Municipality, year: int, rows: list[ValueInput]
) -> UpsertResult:
    """Save one member's reporting page for one year, all or nothing.

    Only a user who may write the organisation's figures gets here (PermissionDenied
    otherwise), and only figures the member reports itself, for that member and that year.
    """
    if not access.may_write(user=user, organisation=organisation):
        raise PermissionDenied(_("Du får inte ändra den här organisationens värden."))
    problem = validation.year_error(year)
    if problem:
        raise ValidationError(problem)
    for row in rows:
        if row.organisation_id != organisation.pk or row.year != year:
            raise PermissionDenied(_("Ett värde hör inte till den här sidan."))
        if row.indicator.reported_by != Indicator.ReportedBy.MEMBER:
            raise PermissionDenied(
                _("%(code)s hämtas av kansliet och kan inte ändras här.")
                % {"code": row.indicator.code}
            )
        if row.indicator.is_own and row.indicator.owner_id != organisation.pk:
            raise PermissionDenied(
                _("%(label)s är en annan organisations eget nyckeltal.")
                % {"label": row.indicator.label}
            )
        if row.indicator.is_retired:
            raise ValidationError(
                _("%(label)s är avslutat och tar inte emot nya värden.")
                % {"label": row.indicator.label}
            )
    return _values_write(rows=rows, user=user, change_reason=_("Rapporterat i formuläret"))


@transaction.atomic
def value_delete(*, value: IndicatorValue, user) -> None:
    """Delete a value: staff only. The history keeps it, with who deleted it."""
    if not access.acts_as_office(user=user):
        raise PermissionDenied(_("Bara kansliet kan ta bort värden."))
    value._history_user = user
    key = (value.organisation_id, value.indicator_id, value.year)
    stored = IndicatorValue.objects.filter(pk=value.pk).values_list("value", flat=True).first()
    value.delete()
    if stored is not None:
        figures_values_changed(changes=[(*key, stored, None)])


@transaction.atomic
def values_delete(*, values: Iterable[IndicatorValue], user) -> int:
    """Delete several values, all or none: staff with the bulk-delete permission only. Each
    deletion stays in the history, with who deleted it, and can be restored from there."""
    if not user.has_perm("indicators.bulk_delete_indicatorvalue"):
        raise PermissionDenied(_("Du har inte behörighet att ta bort många värden på en gång."))
    count = 0
    for value in values:
        value_delete(value=value, user=user)
        count += 1
    return count
