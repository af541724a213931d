"""The bulk write under values_upsert: one statement set for many rows, with history.

PostgreSQL COPYs the rows into a staging table and lets one INSERT ... ON CONFLICT DO UPDATE
do the matching and write the history; other databases (SQLite for `make run`) take the ORM
path. Both return the same UpsertResult. Only values_upsert calls these, after the rules.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue
from indicators.services.figures import figures_values_changed
from indicators.services.references import references_checked_in_bulk, row_checks_off, row_checks_on
from members.models import Membership

ValueKey = tuple[int, int, int]  # (organisation_id, indicator_id, year)


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


VALUE_FIELDS = (
    "value",
    "status",
    "source_note",
    "source_kpi",
    "comment",
    "numerator",
    "denominator",
)
# Written with a new or changed value but never compared: a re-fetch of the same number on
# another day is unchanged (no history row), and keeps the day it was first fetched.
WRITTEN_FIELDS = ("fetched_on",)


def _history_user(user):
    # Like simple-history's own bulk path: fall back to the request's user (middleware).
    return user or IndicatorValue.history.model.get_default_history_user(None)


def upsert_orm(*, rows, keys, user, change_reason, batch_size) -> UpsertResult:
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
            **{name: getattr(row, name) for name in (*VALUE_FIELDS, *WRITTEN_FIELDS)},
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
            update_fields=[*VALUE_FIELDS, *WRITTEN_FIELDS, "entered_by", "entered_at"],
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
        ],
        indicators=_indicators_of(rows),
    )
    return result


def _stored_number(existing: dict, value: IndicatorValue) -> Decimal | None:
    before = existing.get((value.organisation_id, value.indicator_id, value.year))
    return before.value if before is not None else None


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


def _stage_lines(rows) -> list[str]:
    """The rows as COPY lines, in the order of the staging table's columns. A file repeats its
    few texts (status, source, Kolada id, comment), so each combination is escaped once."""
    texts: dict[tuple, str] = {}
    no_numbers = "\\N\t\\N\t\\N"  # no numerator, no denominator, no fetch date
    lines = []
    append = lines.append
    last = pk = None
    for row in rows:
        indicator = row.indicator
        if indicator is not last:  # a file's rows come figure by figure
            last, pk = indicator, indicator.pk
        key = (row.status, row.source_note, row.source_kpi, row.comment)
        middle = texts.get(key)
        if middle is None:
            middle = texts[key] = "\t".join(_copy_text(text) for text in key)
        numerator, denominator, fetched_on = row.numerator, row.denominator, row.fetched_on
        if numerator is None and denominator is None and fetched_on is None:
            numbers = no_numbers
        else:
            numbers = "\t".join(_copy_text(field) for field in (numerator, denominator, fetched_on))
        # An f-string writes ints, Decimals and dates as str() does.
        append(f"{row.organisation_id}\t{pk}\t{row.year}\t{row.value}\t{middle}\t{numbers}\n")
    return lines


# Up to this many rows (a year's form, a small import) are sent as arrays in the statements
# themselves: no staging table to create, fill and drop (four round trips fewer).
INLINE_ROWS = 500


def _stage_arrays(rows) -> tuple[str, dict]:
    """The rows as a relation built from arrays (unnest), and its parameters."""
    columns = {
        "organisation_id": ("bigint", [row.organisation_id for row in rows]),
        "indicator_id": ("bigint", [row.indicator.pk for row in rows]),
        "year": ("smallint", [row.year for row in rows]),
        **{
            name: (
                _db_type(name),
                [getattr(row, name) for row in rows],
            )
            for name in (*VALUE_FIELDS, *WRITTEN_FIELDS)
        },
    }
    arrays = ", ".join(f"%(s_{name})s::{kind}[]" for name, (kind, _v) in columns.items())
    relation = f"(SELECT * FROM unnest({arrays}) AS u ({', '.join(columns)}))"
    return relation, {f"s_{name}": values for name, (_kind, values) in columns.items()}


def _db_type(name: str) -> str:
    # The array's element type: the column's own type without its length or precision.
    return IndicatorValue._meta.get_field(name).db_type(connection).split("(")[0]


def upsert_postgresql(*, rows, user, change_reason) -> UpsertResult:
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    stage_columns = ["organisation_id", "indicator_id", "year", *VALUE_FIELDS, *WRITTEN_FIELDS]
    now = timezone.now()
    user_id = user.pk if user is not None else None
    history_user = _history_user(user)
    inline = len(rows) <= INLINE_ROWS
    if inline:
        stage, stage_params = _stage_arrays(rows)
    else:
        stage, stage_params = "indicators_value_stage", {}
    upsert = _upsert_sql(table=table, stage=stage, stage_columns=stage_columns)
    history_sql = _history_sql()
    indicators = _indicators_of(rows)
    with connection.cursor() as cursor:
        checked_in_bulk = False
        if not inline:
            # Each member and figure checked once, not once per row (services/references.py).
            checked_in_bulk = references_checked_in_bulk(
                cursor=cursor,
                references={
                    (IndicatorValue, "organisation_id"): {row.organisation_id for row in rows},
                    (IndicatorValue, "indicator_id"): set(indicators),
                    (IndicatorValue, "entered_by_id"): {user_id},
                    (IndicatorValue.history.model, "history_user_id"): {
                        history_user.pk if history_user is not None else None
                    },
                },
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {stage} AS "
                f"SELECT {', '.join(stage_columns)} FROM {table} WITH NO DATA"
            )
            _copy_rows(cursor, stage, stage_columns, _stage_lines(rows))
            # The plan of a statement run once: compiling it (PostgreSQL's JIT, which the
            # estimate for a large stage switches on) costs more than it saves.
            cursor.execute("SET LOCAL jit = off")
        # Only the values that enter the maintained figures come back to Python: current
        # members' values, and every organisation's values of national-source figures (they
        # count in the county's, Sweden's and similar municipalities' averages). An import of
        # former members' own figures returns no rows.
        member = (
            f"(EXISTS (SELECT 1 FROM {connection.ops.quote_name(Membership._meta.db_table)} m "
            "WHERE m.organisation_id = {0}.organisation_id AND m.status = %(active)s) "
            f"OR EXISTS (SELECT 1 FROM {connection.ops.quote_name(Indicator._meta.db_table)} i "
            "WHERE i.id = {0}.indicator_id AND i.reported_by = %(national)s))"
        )
        active = {
            "active": Membership.Status.ACTIVE.value,
            "national": Indicator.ReportedBy.NATIONAL.value,
        }
        # The numbers stored before, for the maintained figures' deltas; every row is locked,
        # in one order for every writer.
        cursor.execute(
            f"""
            SELECT organisation_id, indicator_id, year, value FROM (
                SELECT t.organisation_id, t.indicator_id, t.year, t.value FROM {table} t
                JOIN {stage} s ON s.organisation_id = t.organisation_id
                    AND s.indicator_id = t.indicator_id AND s.year = t.year
                ORDER BY t.organisation_id, t.indicator_id, t.year
                FOR UPDATE OF t
            ) locked WHERE {member.format("locked")}
            """,
            {**stage_params, **active},
        )
        before = {(o, i, y): v for o, i, y, v in cursor.fetchall()}
        if checked_in_bulk:
            row_checks_off(cursor=cursor)
        cursor.execute(
            f"""
            WITH upserted AS ({upsert}) {history_sql},
            counted AS (
                SELECT count(*) AS written, count(*) FILTER (WHERE inserted_now) AS created
                FROM upserted
            )
            SELECT c.written, c.created, u.organisation_id, u.indicator_id, u.year, u.value
            FROM counted c LEFT JOIN upserted u ON {member.format("u")}
            """,
            {
                "user_id": user_id,
                "now": now,
                "reason": change_reason,
                "history_user_id": history_user.pk if history_user is not None else None,
                **stage_params,
                **active,
            },
        )
        written = cursor.fetchall()
        if checked_in_bulk:
            row_checks_on(cursor=cursor)
        if not inline:
            cursor.execute(f"DROP TABLE {stage}")
    count, created = written[0][:2]
    updated = count - created
    figures_values_changed(
        changes=[
            (o, i, y, before.get((o, i, y)), v) for _n, _c, o, i, y, v in written if o is not None
        ],
        indicators=indicators,
    )
    return UpsertResult(created=created, updated=updated, unchanged=len(rows) - created - updated)


def _indicators_of(rows) -> dict:
    """{indicator id: indicator} of the rows: the maintained figures need not read them again."""
    found = {}
    last = None
    for row in rows:
        indicator = row.indicator
        if indicator is not last:  # a file's rows come figure by figure: few pk lookups
            found[indicator.pk] = last = indicator
    return found


def _upsert_sql(*, table: str, stage: str, stage_columns: list[str]) -> str:
    """INSERT ... ON CONFLICT DO UPDATE from the staging table, touching only rows that differ,
    returning each written row and whether it is new."""
    assignments = ", ".join(
        f"{name} = EXCLUDED.{name}"
        for name in [*VALUE_FIELDS, *WRITTEN_FIELDS, "entered_by_id", "entered_at"]
    )
    current = ", ".join(f"t.{name}" for name in VALUE_FIELDS)
    incoming = ", ".join(f"EXCLUDED.{name}" for name in VALUE_FIELDS)
    upsert = f"""
        INSERT INTO {table} AS t ({", ".join(stage_columns)}, entered_by_id, entered_at)
        SELECT {", ".join(stage_columns)}, %(user_id)s, %(now)s FROM {stage} s
        ON CONFLICT (organisation_id, indicator_id, year) DO UPDATE SET {assignments}
        WHERE ({current}) IS DISTINCT FROM ({incoming})
        RETURNING t.*, (t.xmax = 0) AS inserted_now
    """
    return upsert


def _history_sql() -> str:
    """The CTE that writes a history row for each written row (none with history off)."""
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
    return history_sql
