"""The values' history keeps the indexes its readers use and no others (ValueHistory).

A national load writes 150 000 history rows, each paying for every index; simple-history would
index every copied foreign key and the date. Each index here serves a reader, named beside it.
"""

import pytest
from django.db import connection

from indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, list[str]]:
    table = IndicatorValue.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: details["columns"]
        for name, details in constraints.items()
        if details["index"] or details["primary_key"]
    }


def test_every_history_index_serves_a_reader():
    columns = sorted(tuple(cols) for cols in _indexes().values())
    assert columns == sorted(
        [
            ("history_id",),  # the primary key
            ("id",),  # the admin's history of one value
            ("indicator_id", "organisation_id", "year"),  # a value's history; promoting a figure
            ("history_date",),  # the office's deleted values (partial: deletions only)
            ("history_user_id",),  # deleting a user (partial: rows that name one)
        ]
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_a_values_history_is_read_by_its_key_index_on_postgresql():
    history = IndicatorValue.history.filter(organisation_id=1, indicator_id=2, year=2020)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small test table: force the choice
        plan = history.explain()
    assert "value_history_key" in plan
