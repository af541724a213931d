"""Writes for the key figures: the catalogue and the one write path for values."""

import datetime
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.figures_maintain import figures_indicators_rebuild, figures_values_changed
from indicators.models import (
    Indicator,
    IndicatorValue,
    ReminderSent,
    Revision,
    StatusBand,
    Target,
)
from indicators.selectors import can_write, reminder_figure_set, reminders_last_sent
from indicators.validation import (
    share_agrees,
    share_errors,
    share_of,
    value_errors,
    year_error,
)
from members.models import FIRST_YEAR, Municipality
from members.services import site_data_changed


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@transaction.atomic
def catalogue_load(*, path: Path) -> dict[str, int]:
    """Load the indicator catalogue (all revisions) from JSON; safe to run again."""
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = {"revisions": 0, "indicators": 0, "bands": 0, "targets": 0}
    by_revision: dict[str, dict[str, Indicator]] = {}
    # Current revision last, so that the partial unique constraint never sees two.
    Revision.objects.filter(is_current=True).exclude(
        code__in=[r["code"] for r in data["revisions"] if r["is_current"]]
    ).update(is_current=False)
    for rev in data["revisions"]:
        revision, _ = Revision.objects.update_or_create(
            code=rev["code"],
            defaults={
                "name": rev["name"],
                "adopted_on": rev.get("adopted_on"),
                "is_current": rev["is_current"],
            },
        )
        counts["revisions"] += 1
        indicators = by_revision.setdefault(revision.code, {})
        for item in rev["indicators"]:
            indicator, _ = Indicator.objects.update_or_create(
                revision=revision,
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "name_en": item["name_en"],
                    "description": item.get("description", ""),
                    "unit": item["unit"],
                    "unit_en": item.get("unit_en", ""),
                    "direction": item["direction"],
                    "decimals": item["decimals"],
                    "min_value": _decimal(item.get("min_value")),
                    "max_value": _decimal(item.get("max_value")),
                    "source": item["source"],
                    "source_en": item.get("source_en", ""),
                    "reported_by": item["reported_by"],
                    "display_order": item["display_order"],
                    "applies_to": item.get("applies_to", Indicator.AppliesTo.ALL),
                    "numerator_label": item.get("numerator_label", ""),
                    "denominator_label": item.get("denominator_label", ""),
                    "input_scale": Decimal(item.get("input_scale", "1")),
                },
            )
            indicators[indicator.code] = indicator
            counts["indicators"] += 1
            indicator.bands.all().delete()
            StatusBand.objects.bulk_create(
                StatusBand(
                    indicator=indicator,
                    order=band["order"],
                    label=band["label"],
                    lower=_decimal(band["lower"]),
                    upper=_decimal(band["upper"]),
                )
                for band in item.get("bands", [])
            )
            counts["bands"] += len(item.get("bands", []))
            for target in item.get("targets", []):
                Target.objects.update_or_create(
                    organisation=None,
                    indicator=indicator,
                    year=target["year"],
                    defaults={"value": Decimal(target["value"]), "note": target.get("note", "")},
                )
                counts["targets"] += 1

    # Links need every indicator in place first.
    revisions = data["revisions"]
    for position, rev in enumerate(revisions):
        indicators = by_revision[rev["code"]]
        earlier = by_revision[revisions[position - 1]["code"]] if position else {}
        for item in rev["indicators"]:
            indicator = indicators[item["code"]]
            indicator.parent = indicators.get(item["parent"]) if item.get("parent") else None
            indicator.continues = earlier.get(item["continues"]) if item.get("continues") else None
            indicator.save(update_fields=["parent", "continues"])
    # The kinds a figure applies to decide which values count in its averages.
    figures_indicators_rebuild(
        indicator_ids=[i.pk for indicators in by_revision.values() for i in indicators.values()]
    )
    return counts


ValueKey = tuple[int, int, int]  # (organisation_id, indicator_id, year)


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


def values_validate(*, rows: list[ValueInput]) -> dict[int, dict[str, list[str]]]:
    """Check every row against its indicator; {row index: {field: [messages]}}."""
    problems = {}
    for index, row in enumerate(rows):
        errors = share_errors(
            indicator=row.indicator,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
        )
        if not errors and row.value is None:
            errors = {"value": [_("%(label)s: värdet saknas.") % {"label": row.indicator.label}]}
        if not errors:
            errors = value_errors(indicator=row.indicator, year=row.year, value=row.value)
        owner_id = row.indicator.owner_id
        if owner_id is not None and owner_id != row.organisation_id:
            # An own figure holds only its owner's values (adopters have their own copy).
            errors.setdefault("indicator", []).append(
                _("%(label)s är ett eget nyckeltal för en annan organisation.")
                % {"label": row.indicator.label}
            )
        if errors:
            problems[index] = errors
    return problems


def values_duplicates(*, rows: list[ValueInput]) -> dict[int, int]:
    """{row index: index of the earlier row} for rows whose organisation, indicator and year
    already appeared."""
    seen: dict[tuple[int, int, int], int] = {}
    duplicates = {}
    for index, row in enumerate(rows):
        first = seen.setdefault((row.organisation_id, row.indicator.pk, row.year), index)
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
    plain = [
        index
        for index, row in enumerate(rows)
        if row.indicator.has_inputs
        and row.numerator is None
        and row.denominator is None
        and row.value is not None
    ]
    stored: dict[ValueKey, tuple[Decimal, Decimal]] = {}
    if plain:
        wanted = [rows[i] for i in plain]
        stored = {
            (organisation_id, indicator_id, year): (numerator, denominator)
            for organisation_id, indicator_id, year, numerator, denominator in (
                IndicatorValue.objects.filter(
                    organisation_id__in={r.organisation_id for r in wanted},
                    indicator_id__in={r.indicator.pk for r in wanted},
                    year__in={r.year for r in wanted},
                    numerator__isnull=False,
                    denominator__gt=0,
                ).values_list("organisation_id", "indicator_id", "year", "numerator", "denominator")
            )
        }
    kept_comments = _stored_comments([row for row in rows if row.comment is None])
    resolved = []
    for row in rows:
        indicator = row.indicator
        if row.comment is None:
            key = (row.organisation_id, indicator.pk, row.year)
            row = replace(row, comment=kept_comments.get(key, ""))
        if (
            indicator.has_inputs
            and row.numerator is not None
            and row.denominator is not None
            and row.denominator > 0
        ):
            computed = share_of(
                indicator=indicator, numerator=row.numerator, denominator=row.denominator
            )
            if row.value is None or share_agrees(
                indicator=indicator, value=row.value, computed=computed
            ):
                row = replace(row, value=computed)
        elif stored and row.numerator is None and row.denominator is None:
            numbers = stored.get((row.organisation_id, indicator.pk, row.year))
            if numbers and row.value is not None:
                computed = share_of(
                    indicator=indicator, numerator=numbers[0], denominator=numbers[1]
                )
                if computed == row.value:
                    row = replace(row, numerator=numbers[0], denominator=numbers[1])
        resolved.append(row)
    return resolved


def _stored_comments(rows: list[ValueInput]) -> dict[ValueKey, str]:
    if not rows:
        return {}
    return {
        (organisation_id, indicator_id, year): comment
        for organisation_id, indicator_id, year, comment in IndicatorValue.objects.filter(
            organisation_id__in={r.organisation_id for r in rows},
            indicator_id__in={r.indicator.pk for r in rows},
            year__in={r.year for r in rows},
        )
        .exclude(comment="")
        .values_list("organisation_id", "indicator_id", "year", "comment")
    }


def values_check(*, rows: list[ValueInput]) -> list[ValueInput]:
    """The rows as they will be stored (`values_resolve`); raises ValuesInvalid when any row
    breaks its indicator's rules or repeats a key."""
    rows = values_resolve(rows=rows)
    problems = values_validate(rows=rows)
    duplicates = values_duplicates(rows=rows)
    if problems or duplicates:
        raise ValuesInvalid(problems=problems, duplicates=duplicates)
    return rows


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    keys: list[ValueKey] = field(default_factory=list, repr=False)
    _values: list[IndicatorValue] | None = field(default=None, repr=False)

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    @property
    def values(self) -> list[IndicatorValue]:
        """The saved values in the order of the rows (read on first use after a bulk write)."""
        if self._values is None:
            self._values = _values_by_keys(self.keys)
        return self._values


def _values_by_keys(keys: list[ValueKey]) -> list[IndicatorValue]:
    if not keys:
        return []
    found = {
        (v.organisation_id, v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(
            organisation_id__in={k[0] for k in keys},
            indicator_id__in={k[1] for k in keys},
            year__in={k[2] for k in keys},
        )
    }
    return [found[key] for key in keys]


VALUE_FIELDS = ("value", "status", "source_note", "comment", "numerator", "denominator")


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
    rows = values_check(rows=rows)
    change_reason = change_reason[:100]  # the history's column is that wide
    keys = [(r.organisation_id, r.indicator.pk, r.year) for r in rows]
    if not rows:
        return UpsertResult(keys=keys, _values=[])
    if connection.vendor == "postgresql":
        # COPY into a staging table and one INSERT ... ON CONFLICT DO UPDATE that also writes
        # the history: the database does the matching, so 150 000 rows take seconds.
        result = _upsert_postgresql(rows=rows, user=user, change_reason=change_reason)
        result.keys = keys
    else:
        result = _upsert_orm(
            rows=rows, keys=keys, user=user, change_reason=change_reason, batch_size=batch_size
        )
    if result.created or result.updated:
        site_data_changed()  # cached public pages and figures are rebuilt on next view
    return result


def _history_user(user):
    # Like simple-history's own bulk path: fall back to the request's user (middleware).
    return user or IndicatorValue.history.model.get_default_history_user(None)


def _upsert_orm(*, rows, keys, user, change_reason, batch_size) -> UpsertResult:
    existing = {
        (v.organisation_id, v.indicator_id, v.year): v
        # Ordered by the key columns only: no joins (FOR UPDATE refuses outer joins, and own
        # figures' indicators have no revision) and one lock order for every writer.
        for v in IndicatorValue.objects.select_for_update()
        .filter(
            organisation_id__in={r.organisation_id for r in rows},
            indicator_id__in={r.indicator.pk for r in rows},
            year__in={r.year for r in rows},
        )
        .order_by("organisation_id", "indicator_id", "year")
    }
    result = UpsertResult(keys=keys, _values=[])
    created, updated = [], []
    for row, key in zip(rows, keys, strict=True):
        current = existing.get(key)
        if current is not None and all(
            getattr(current, name) == getattr(row, name) for name in VALUE_FIELDS
        ):
            result.unchanged += 1
            result._values.append(current)
            continue
        value = IndicatorValue(
            pk=current.pk if current else None,
            organisation_id=row.organisation_id,
            indicator=row.indicator,
            year=row.year,
            entered_by=user,
            **{name: getattr(row, name) for name in VALUE_FIELDS},
        )
        (updated if current else created).append(value)
        result._values.append(value)

    if created:
        IndicatorValue.objects.bulk_create(created, batch_size=batch_size)
    if updated:
        # INSERT ... ON CONFLICT DO UPDATE: one statement per batch, unlike bulk_update's CASEs.
        IndicatorValue.objects.bulk_create(
            updated,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["organisation", "indicator", "year"],
            update_fields=[*VALUE_FIELDS, "entered_by", "entered_at"],
        )
    history = IndicatorValue.history
    for objs, is_update in ((created, False), (updated, True)):
        if objs:
            history.bulk_history_create(
                objs,
                update=is_update,
                default_user=_history_user(user),
                default_change_reason=change_reason,
                batch_size=batch_size,
            )
    result.created, result.updated = len(created), len(updated)
    figures_values_changed(
        changes=[
            (v.organisation_id, v.indicator_id, v.year, _stored_number(existing, v), v.value)
            for v in created + updated
        ]
    )
    return result


def _stored_number(existing: dict, value: IndicatorValue) -> Decimal | None:
    before = existing.get((value.organisation_id, value.indicator_id, value.year))
    return before.value if before is not None else None


# --- Reporting -------------------------------------------------------------------------------


@transaction.atomic
def values_save_year(
    *, user, organisation: Municipality, year: int, rows: list[ValueInput]
) -> UpsertResult:
    """Save one member's reporting page for one year, all or nothing.

    Only a user who may write the organisation's figures gets here (PermissionDenied
    otherwise), and only figures the member reports itself, for that member and that year.
    """
    if not can_write(user=user, organisation=organisation):
        raise PermissionDenied(_("Du får inte ändra den här organisationens värden."))
    problem = year_error(year)
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
    return values_upsert(rows=rows, user=user, change_reason=_("Rapporterat i formuläret"))


@transaction.atomic
def value_delete(*, value: IndicatorValue, user) -> None:
    """Delete a value: staff only. The history keeps it, with who deleted it."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
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


# The backends that only print or keep mail: with them nothing leaves the machine.
DEVELOPMENT_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def mail_backend_is_real(connection=None) -> bool:
    """True when mail handed to the backend goes out (SMTP or a mail service's backend)."""
    backend = type(connection or get_connection())
    return f"{backend.__module__}.{backend.__name__}" not in DEVELOPMENT_MAIL_BACKENDS


@dataclass
class RemindersOutcome:
    sent: int  # messages handed to the backend
    delivered: bool  # the backend is a real one (see mail_backend_is_real)
    skipped: list[dict]  # reminders sent recently enough, with "last_sent"


def reminders_send(
    *, reminders: list[dict], year: int, force: bool = False, interval_days: int | None = None
) -> RemindersOutcome:
    """E-mail each member's reporters the figures still missing for `year` and remember it.

    One message per member, to all its recipients, so they see who else was asked. A reminder
    for the same member, year and missing figures that went out within `interval_days`
    (settings.REMINDER_INTERVAL_DAYS) is not sent again unless `force`.
    """
    if interval_days is None:
        interval_days = settings.REMINDER_INTERVAL_DAYS
    last_sent = reminders_last_sent(reminders=reminders, year=year)
    since = timezone.now() - datetime.timedelta(days=interval_days)
    messages, sent_for, skipped = [], [], []
    for reminder in reminders:
        addresses = [r["email"] for r in reminder["recipients"] if r["email"]]
        if not addresses:
            continue
        previous = last_sent.get((reminder["code"], reminder_figure_set(reminder)))
        if previous is not None and previous >= since and not force:
            skipped.append({**reminder, "last_sent": previous})
            continue
        body = render_to_string(
            "indicators/reporting/reminder_email.txt",
            {
                "reminder": reminder,
                "year": year,
                "url": f"{settings.SITE_URL}{reverse('reporting_year', args=[year])}"
                f"?org={reminder['code']}",
            },
        )
        messages.append(
            EmailMessage(
                subject=_("Gröna nyckeltal %(year)s: %(count)s värden saknas för %(name)s")
                % {"year": year, "count": len(reminder["missing"]), "name": reminder["name"]},
                body=body,
                to=addresses,
            )
        )
        sent_for.append((reminder, addresses))
    connection = get_connection()
    delivered = mail_backend_is_real(connection)
    if messages:
        with connection:
            connection.send_messages(messages)
        organisations = dict(
            Municipality.objects.filter(
                code__in=[reminder["code"] for reminder, _addresses in sent_for]
            ).values_list("code", "pk")
        )
        with transaction.atomic():
            ReminderSent.objects.bulk_create(
                ReminderSent(
                    organisation_id=organisations[reminder["code"]],
                    year=year,
                    figure_set=reminder_figure_set(reminder),
                    recipients=", ".join(addresses),
                    delivered=delivered,
                )
                for reminder, addresses in sent_for
            )
    return RemindersOutcome(sent=len(messages), delivered=delivered, skipped=skipped)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One field in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


def _copy_rows(cursor, table: str, columns: list[str], lines: Iterable[str]) -> None:
    buffer = io.StringIO()
    buffer.writelines(lines)
    buffer.seek(0)
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    raw = cursor.cursor
    if hasattr(raw, "copy_expert"):  # psycopg2
        raw.copy_expert(sql, buffer)
    else:  # psycopg 3
        with raw.copy(sql) as copy:
            copy.write(buffer.getvalue())


def _upsert_postgresql(*, rows, user, change_reason) -> UpsertResult:
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    stage = "indicators_value_stage"
    stage_columns = ["organisation_id", "indicator_id", "year", *VALUE_FIELDS]
    now = timezone.now()
    user_id = user.pk if user is not None else None
    history_user = _history_user(user)
    assignments = ", ".join(
        f"{name} = EXCLUDED.{name}" for name in [*VALUE_FIELDS, "entered_by_id", "entered_at"]
    )
    current = ", ".join(f"t.{name}" for name in VALUE_FIELDS)
    incoming = ", ".join(f"EXCLUDED.{name}" for name in VALUE_FIELDS)
    upsert = f"""
        INSERT INTO {table} AS t ({", ".join(stage_columns)}, entered_by_id, entered_at)
        SELECT {", ".join(stage_columns)}, %(user_id)s, %(now)s FROM {stage}
        ON CONFLICT (organisation_id, indicator_id, year) DO UPDATE SET {assignments}
        WHERE ({current}) IS DISTINCT FROM ({incoming})
        RETURNING t.*, (t.xmax = 0) AS inserted_now
    """
    # The numbers stored before, locked, for the maintained figures' deltas.
    before_sql = f"""
        SELECT t.organisation_id, t.indicator_id, t.year, t.value FROM {table} t
        JOIN {stage} s ON s.organisation_id = t.organisation_id
            AND s.indicator_id = t.indicator_id AND s.year = t.year
        ORDER BY t.organisation_id, t.indicator_id, t.year
        FOR UPDATE OF t
    """
    history_sql = ""
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        history_model = IndicatorValue.history.model
        tracked = [f.attname for f in history_model.tracked_fields]
        history_sql = f"""
            , history AS (
                INSERT INTO {connection.ops.quote_name(history_model._meta.db_table)}
                    ({", ".join(tracked)}, history_date, history_change_reason, history_type,
                     history_user_id)
                SELECT {", ".join(tracked)}, %(now)s, %(reason)s,
                       CASE WHEN inserted_now THEN '+' ELSE '~' END, %(history_user_id)s
                FROM upserted
            )
        """
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} AS "
            f"SELECT {', '.join(stage_columns)} FROM {table} WITH NO DATA"
        )
        _copy_rows(
            cursor,
            stage,
            stage_columns,
            (
                "\t".join(
                    (
                        str(row.organisation_id),
                        str(row.indicator.pk),
                        str(row.year),
                        str(row.value),
                        _copy_text(row.status),
                        _copy_text(row.source_note),
                        _copy_text(row.comment),
                        _copy_text(row.numerator),
                        _copy_text(row.denominator),
                    )
                )
                + "\n"
                for row in rows
            ),
        )
        cursor.execute(before_sql)
        before = {(o, i, y): v for o, i, y, v in cursor.fetchall()}
        cursor.execute(
            f"""
            WITH upserted AS ({upsert}) {history_sql}
            SELECT organisation_id, indicator_id, year, value, inserted_now FROM upserted
            """,
            {
                "user_id": user_id,
                "now": now,
                "reason": change_reason,
                "history_user_id": history_user.pk if history_user is not None else None,
            },
        )
        written = cursor.fetchall()
        cursor.execute(f"DROP TABLE {stage}")
    created = sum(1 for row in written if row[4])
    updated = len(written) - created
    figures_values_changed(
        changes=[(o, i, y, before.get((o, i, y)), v) for o, i, y, v, _inserted in written]
    )
    return UpsertResult(created=created, updated=updated, unchanged=len(rows) - created - updated)


# --- Own key figures (egna nyckeltal) ------------------------------------------------------
# A member's own figures are Indicators with an `owner` and no revision: they take values,
# history, targets, charts and verdicts through the same code as the common figures, and the
# common figures' queries leave them out (IndicatorQuerySet.common()).

OWN_CODE_PREFIX = "E."
# Fields an adoption copies: the whole definition, so values mean the same at every adopter.
DEFINITION_FIELDS = (
    "name",
    "description",
    "unit",
    "direction",
    "decimals",
    "min_value",
    "max_value",
    "source",
    "kolada_kpi",
)
TARGET_LAST_YEAR = 2100


def _require_write(*, user, organisation: Municipality) -> None:
    if not can_write(user=user, organisation=organisation):
        raise PermissionDenied(
            _("Du får inte ändra %(name)s nyckeltal.") % {"name": organisation.name}
        )


def _next_own_position(*, organisation: Municipality) -> int:
    """The next free number in the member's list (E.1, E.2, ...), retired ones included.

    The member's row is locked first, so two figures defined at once never get the same code.
    """
    Municipality.objects.select_for_update().filter(pk=organisation.pk).first()
    numbers = Indicator.objects.filter(owner=organisation).values_list("display_order", flat=True)
    return max(numbers, default=0) + 1


def _name_taken(*, organisation: Municipality, name: str) -> Indicator | None:
    # Compared in Python: SQLite's lower() and LIKE only fold ASCII (Å, Ä, Ö stay upper).
    wanted = name.strip().casefold()
    return next(
        (i for i in Indicator.objects.filter(owner=organisation) if i.name.casefold() == wanted),
        None,
    )


def _name_taken_error(*, organisation: Municipality, name: str) -> ValidationError:
    return ValidationError(
        {
            "name": _(
                "%(member)s har redan ett eget nyckeltal som heter ”%(name)s”. Välj ett annat "
                "namn, eller rapportera i det som finns."
            )
            % {"member": organisation.name, "name": name.strip()}
        }
    )


def _target_errors(*, indicator: Indicator, year: int | None, value: Decimal | None) -> dict:
    """A target is checked like a value (range, decimals), but its year may lie ahead."""
    errors: dict[str, list[str]] = {}
    if year is None and value is None:
        return errors
    if year is None:
        errors["target_year"] = [_("Ange vilket år målet gäller.")]
    elif not FIRST_YEAR <= year <= TARGET_LAST_YEAR:
        errors["target_year"] = [
            _("Målåret ska vara mellan %(first)s och %(last)s.")
            % {"first": FIRST_YEAR, "last": TARGET_LAST_YEAR}
        ]
    if value is None:
        errors["target_value"] = [_("Ange målvärdet.")]
    else:
        # The value rules are the ones every value meets; only the year rule differs.
        messages = value_errors(indicator=indicator, year=FIRST_YEAR, value=value).get("value")
        if messages:
            errors["target_value"] = messages
    return errors


def _target_save(
    *, organisation: Municipality, indicator: Indicator, year: int, value: Decimal, note: str
) -> Target:
    target, _created = Target.objects.update_or_create(
        organisation=organisation,
        indicator=indicator,
        year=year,
        defaults={"value": value, "note": note.strip()},
    )
    return target


@transaction.atomic
def own_indicator_create(
    *,
    user,
    organisation: Municipality,
    name: str,
    unit: str,
    direction: str,
    decimals: int,
    description: str = "",
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    source: str = "",
    kolada_kpi: str = "",
    target_year: int | None = None,
    target_value: Decimal | None = None,
    target_note: str = "",
) -> Indicator:
    """Define a key figure of the member's own, optionally with the member's target.

    Checked like a catalogue indicator (the model's rules and constraints); a name the member
    already uses is refused. Raises ValidationError with messages per field, writing nothing.
    """
    _require_write(user=user, organisation=organisation)
    if _name_taken(organisation=organisation, name=name):
        raise _name_taken_error(organisation=organisation, name=name)
    position = _next_own_position(organisation=organisation)
    indicator = Indicator(
        owner=organisation,
        revision=None,
        code=f"{OWN_CODE_PREFIX}{position}",
        display_order=position,
        name=name.strip(),
        description=description.strip(),
        unit=unit.strip(),
        direction=direction,
        decimals=decimals,
        min_value=min_value,
        max_value=max_value,
        source=source.strip(),
        kolada_kpi=kolada_kpi.strip().upper(),
        reported_by=Indicator.ReportedBy.MEMBER,
    )
    errors: dict[str, list[str]] = {}
    try:
        indicator.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    errors |= _target_errors(indicator=indicator, year=target_year, value=target_value)
    if errors:
        raise ValidationError(errors)
    indicator.save()
    if target_year is not None:
        _target_save(
            organisation=organisation,
            indicator=indicator,
            year=target_year,
            value=target_value,
            note=target_note,
        )
    return indicator


def own_indicator_family(*, indicator: Indicator) -> list[Indicator]:
    """The figure it all started from and every adoption of it, adoptions of adoptions too."""
    root = indicator
    seen = {root.pk}
    while root.adopted_from_id and root.adopted_from_id not in seen:
        root = Indicator.objects.select_related("owner").get(pk=root.adopted_from_id)
        seen.add(root.pk)
    children: dict[int, list[Indicator]] = {}
    adoptions = Indicator.objects.own().filter(adopted_from__isnull=False).select_related("owner")
    for candidate in adoptions:
        children.setdefault(candidate.adopted_from_id, []).append(candidate)
    family, queue = [root], [root]
    while queue:
        for child in children.get(queue.pop().pk, []):
            if child not in family:
                family.append(child)
                queue.append(child)
    return family


@transaction.atomic
def own_indicator_adopt(*, user, indicator: Indicator, organisation: Municipality) -> Indicator:
    """Copy another member's own figure to `organisation`'s list, linked to where it came from.

    The copy starts without values or targets: the adopter reports its own.
    """
    _require_write(user=user, organisation=organisation)
    if not indicator.is_own:
        raise ValidationError(_("Bara egna nyckeltal kan användas av fler; det här är gemensamt."))
    if indicator.is_retired:
        raise ValidationError(
            _("%(label)s är avslutat och kan inte användas av fler.") % {"label": indicator.label}
        )
    if indicator.owner_id == organisation.pk:
        raise ValidationError(_("Nyckeltalet är redan ert eget."))
    already = next(
        (
            member
            for member in own_indicator_family(indicator=indicator)
            if member.owner_id == organisation.pk
        ),
        None,
    )
    if already is not None:
        raise ValidationError(
            _("%(member)s följer redan det här nyckeltalet som %(label)s.")
            % {"member": organisation.name, "label": already.label}
        )
    if _name_taken(organisation=organisation, name=indicator.name):
        raise _name_taken_error(organisation=organisation, name=indicator.name)
    position = _next_own_position(organisation=organisation)
    copy = Indicator(
        owner=organisation,
        revision=None,
        code=f"{OWN_CODE_PREFIX}{position}",
        display_order=position,
        adopted_from=indicator,
        reported_by=Indicator.ReportedBy.MEMBER,
        **{name: getattr(indicator, name) for name in DEFINITION_FIELDS},
    )
    copy.full_clean()
    copy.save()
    return copy


@transaction.atomic
def own_indicator_retire(*, user, indicator: Indicator, on=None) -> Indicator:
    """Stop reporting an own figure: it leaves the form; its values and history stay."""
    if not indicator.is_own:
        raise ValidationError(_("Bara egna nyckeltal kan avslutas här."))
    _require_write(user=user, organisation=indicator.owner)
    if indicator.retired_on is None:
        indicator.retired_on = on or datetime.date.today()
        indicator.save(update_fields=["retired_on"])
    return indicator


@transaction.atomic
def target_set(
    *,
    user,
    organisation: Municipality,
    indicator: Indicator,
    year: int | None,
    value: Decimal | None,
    note: str = "",
) -> Target:
    """Set the member's own target for one figure and year (a new value replaces the old)."""
    _require_write(user=user, organisation=organisation)
    if indicator.is_own and indicator.owner_id != organisation.pk:
        raise PermissionDenied(_("Målet kan bara sättas av den som äger nyckeltalet."))
    errors = _target_errors(indicator=indicator, year=year, value=value)
    if year is None and value is None:
        errors = {"target_value": [_("Ange målår och målvärde.")]}
    if errors:
        raise ValidationError(errors)
    return _target_save(
        organisation=organisation, indicator=indicator, year=year, value=value, note=note
    )


def _move_values(*, source_ids: list[int], target: Indicator, user, reason: str) -> int:
    """Re-point values (and their history) to `target`, unchanged; record the move."""
    moved = list(IndicatorValue.objects.filter(indicator_id__in=source_ids))
    if not moved:
        return 0
    IndicatorValue.history.filter(indicator_id__in=source_ids).update(indicator_id=target.pk)
    IndicatorValue.objects.filter(indicator_id__in=source_ids).update(indicator=target)
    for value in moved:
        value.indicator = target
    IndicatorValue.history.bulk_history_create(
        moved, update=True, default_user=user, default_change_reason=reason
    )
    return len(moved)


def _move_targets(*, source_ids: list[int], target: Indicator) -> int:
    return Target.objects.filter(indicator_id__in=source_ids).update(indicator=target)


@transaction.atomic
def own_indicator_promote(
    *, user, indicator: Indicator, code: str, reported_from: int | None, name: str = ""
) -> Indicator:
    """Staff: make an own figure (and every adoption of it) a figure of the common catalogue.

    The figure it started from becomes an indicator of the current revision with `code`; every
    adopter's values, history and targets move to it unchanged and the adopters' copies go.
    Members must report it from `reported_from` on: no reporting duty is created backwards
    (the completeness overview, the year form and the reminders respect it). One transaction:
    all of it happens, or nothing does.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied(_("Bara kansliet kan göra ett nyckeltal gemensamt."))
    if not indicator.is_own:
        raise ValidationError(_("Nyckeltalet hör redan till katalogen."))
    code = code.strip()
    revision = Revision.objects.current()
    if not code:
        raise ValidationError({"code": _("Ange en kod i katalogen, t.ex. GN.12.")})
    next_year = timezone.localdate().year + 1
    if reported_from is None or not FIRST_YEAR <= reported_from <= next_year:
        raise ValidationError(
            {
                "reported_from": _(
                    "Ange från vilket år medlemmarna ska rapportera nyckeltalet "
                    "(%(first)s–%(last)s)."
                )
                % {"first": FIRST_YEAR, "last": next_year}
            }
        )
    if Indicator.objects.filter(revision=revision, code__iexact=code).exists():
        raise ValidationError(
            {
                "code": _("Koden %(code)s finns redan i revisionen %(revision)s.")
                % {"code": code, "revision": revision.code}
            }
        )
    family = own_indicator_family(indicator=indicator)
    adoptions = family[1:]
    # A fresh copy: the caller's object stays as it was if anything below fails.
    root = Indicator.objects.get(pk=family[0].pk)
    owners = [member.owner_id for member in family]
    if len(set(owners)) != len(owners):
        raise ValidationError(_("En organisation har nyckeltalet två gånger; rätta det först."))
    adoption_ids = [member.pk for member in adoptions]
    last_position = (
        Indicator.objects.filter(revision=revision).aggregate(last=Max("display_order"))["last"]
        or 0
    )

    root.owner = None
    root.revision = revision
    root.code = code
    root.display_order = last_position + 1
    root.adopted_from = None
    root.retired_on = None
    root.reported_from = reported_from
    if name.strip():
        root.name = name.strip()
    root.full_clean()
    # The adopters' copies point at each other; unlink them before anything moves.
    Indicator.objects.filter(pk__in=adoption_ids).update(adopted_from=None)
    root.save()
    reason = _("Flyttat när nyckeltalet blev gemensamt (%(code)s)") % {"code": code}
    _move_values(source_ids=adoption_ids, target=root, user=user, reason=reason)
    _move_targets(source_ids=adoption_ids, target=root)
    Indicator.objects.filter(pk__in=adoption_ids).delete()
    # Its values now count in the catalogue's averages and examples.
    figures_indicators_rebuild(indicator_ids=[root.pk])
    site_data_changed()
    return root
