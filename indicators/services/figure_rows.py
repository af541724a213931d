"""Writing the maintained averages' rows (indicators.services.figures): adding deltas under
the database's row lock, and inserting a rebuild's rows in bulk. SQL shared by PostgreSQL and
SQLite (both know INSERT ... ON CONFLICT and UPDATE ... FROM)."""

from decimal import Decimal

from django.db import connection

from indicators.models import FigureAverage

# (area kind, area code, organisation kind, indicator id, year)
AverageKey = tuple[str, str, str, int, int]


def averages_insert(averages: dict[AverageKey, tuple[Decimal, int]]) -> None:
    """Write new average rows with executemany: a full rebuild writes tens of thousands (every
    organisation's similar rows), where building model instances cost most of the time."""
    table = connection.ops.quote_name(FigureAverage._meta.db_table)
    columns = "area_kind, area_code, organisation_kind, indicator_id, year, value_sum, value_count"
    rows = [
        (str(area_kind), area_code, kind, indicator_id, year, total, count)
        for (area_kind, area_code, kind, indicator_id, year), (total, count) in averages.items()
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                rows[start : start + 5000],
            )


def averages_add(deltas: dict[AverageKey, list]) -> None:
    """Add each delta (sum, count) to its row, creating it, then drop rows left without values.

    The database adds under its row lock, so concurrent writers' deltas all arrive. A delta
    that adds values may create its row (INSERT ... ON CONFLICT DO UPDATE); one that does not
    adds to a row that exists (UPDATE ... FROM): PostgreSQL checks a proposed row's CHECK
    constraints (a count is never negative) before it looks for the conflict.
    """
    deltas = {key: delta for key, delta in deltas.items() if delta[0] or delta[1]}
    if not deltas:
        return
    table = connection.ops.quote_name(FigureAverage._meta.db_table)
    key_columns = "area_kind, area_code, organisation_kind, indicator_id, year"
    growing = [(key, delta) for key, delta in deltas.items() if delta[1] > 0]
    other = [(key, delta) for key, delta in deltas.items() if delta[1] <= 0]
    with connection.cursor() as cursor:
        for start in range(0, len(growing), 1000):
            batch = growing[start : start + 1000]
            cursor.execute(
                f"INSERT INTO {table} ({key_columns}, value_sum, value_count) "
                f"VALUES {_placeholders(len(batch))} "
                f"ON CONFLICT ({key_columns}) "
                f"DO UPDATE SET value_sum = {table}.value_sum + EXCLUDED.value_sum, "
                f"value_count = {table}.value_count + EXCLUDED.value_count",
                _params(batch),
            )
        for start in range(0, len(other), 1000):
            batch = other[start : start + 1000]
            matches = " AND ".join(f"{table}.{name} = d.{name}" for name in key_columns.split(", "))
            cursor.execute(
                f"WITH d ({key_columns}, value_sum, value_count) AS "
                f"(VALUES {_placeholders(len(batch))}) "
                f"UPDATE {table} SET value_sum = {table}.value_sum + d.value_sum, "
                f"value_count = {table}.value_count + d.value_count FROM d WHERE {matches}",
                _params(batch),
            )
    if all(delta[1] >= 0 for delta in deltas.values()):
        return  # no count went down, so no row can have been left at zero
    FigureAverage.objects.filter(
        indicator_id__in={key[3] for key in deltas},
        year__in={key[4] for key in deltas},
        value_count=0,
    ).delete()


def _placeholders(rows: int) -> str:
    return ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * rows)


def _params(batch: list) -> list:
    params = []
    for key, (total, count) in batch:
        params.extend([str(part) for part in key[:3]] + [key[3], key[4], total, count])
    return params
