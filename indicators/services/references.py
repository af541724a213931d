"""A bulk write's foreign keys checked once per referenced row, not once per written row.

PostgreSQL checks a foreign key with one lookup (and one FOR KEY SHARE lock) per inserted row,
queued to the end of the transaction: 150 000 values cost 300 000 lookups of the same 290
members and 17 figures, about as long as writing the values themselves. For a bulk write this
module does what those checks do, once per distinct referenced row: it locks the rows the
write refers to FOR KEY SHARE (so that nothing can delete them before the commit, as the
checks' own locks ensure) and refuses the write, before anything is written, when one of them
does not exist. Then it switches the row-by-row checks off for the one statement that writes
(`session_replication_role = replica`, transaction-local) and on again right after it.

Only a connection allowed to set that parameter takes this path: a superuser, or on PostgreSQL
15 and later a role given `GRANT SET ON PARAMETER session_replication_role` (README,
"Production"). Any other connection, and any table with a foreign key this module is not told
the ids of, keeps the database's own checks: the same result, a second slower per 150 000 rows.
"""

from collections.abc import Iterable

from django.db import IntegrityError, connection, models

# (model, column) -> the ids the write puts in that column
References = dict[tuple[type[models.Model], str], set]


def constrained_foreign_keys(
    model_classes: Iterable[type[models.Model]],
) -> list[tuple[type[models.Model], models.ForeignKey]]:
    """Every foreign key of the models that the database enforces."""
    return [
        (model, field)
        for model in model_classes
        for field in model._meta.concrete_fields
        if field.is_relation and field.many_to_one and field.db_constraint
    ]


def references_checked_in_bulk(*, cursor, references: References) -> bool:
    """Lock and check every referenced row once; True when the writing statement may run
    without the database's row-by-row checks (between `row_checks_off` and `row_checks_on`),
    False when they must stay on. Raises IntegrityError, with nothing written, when a
    referenced row is missing."""
    keys = constrained_foreign_keys({model for model, _column in references})
    if any((model, field.attname) not in references for model, field in keys):
        return False  # a foreign key nobody gave the ids of: the database checks it
    if not _may_switch_row_checks(cursor):
        return False
    for model, field in keys:
        wanted = {pk for pk in references[(model, field.attname)] if pk is not None}
        if not wanted:
            continue
        target = field.target_field
        table = connection.ops.quote_name(target.model._meta.db_table)
        column = connection.ops.quote_name(target.column)
        # In key order, like every other writer's locks; KEY SHARE as the checks take it.
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE {column} = ANY(%s) ORDER BY {column} "
            "FOR KEY SHARE",
            [sorted(wanted)],
        )
        missing = wanted - {found for (found,) in cursor.fetchall()}
        if missing:
            raise IntegrityError(
                f'insert or update on table "{model._meta.db_table}" violates foreign key '
                f"constraint on {field.column}: {sorted(missing)[:5]} not present in "
                f'table "{target.model._meta.db_table}"'
            )
    return True


def row_checks_off(*, cursor) -> None:
    """Until `row_checks_on`: no foreign-key checks queued for the rows written. Local to the
    transaction, so a failure (which rolls back) turns them on again too."""
    cursor.execute("SET LOCAL session_replication_role = replica")


def row_checks_on(*, cursor) -> None:
    """The database's own checks on again, for whatever else the transaction writes."""
    cursor.execute("SET LOCAL session_replication_role = origin")


def _may_switch_row_checks(cursor) -> bool:
    if connection.pg_version >= 150000:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    else:  # before PostgreSQL 15 only a superuser may
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    return bool(cursor.fetchone()[0])
