"""A bulk write checks each member and figure it refers to once (indicators/services/references).

PostgreSQL's foreign keys check every written row; a bulk write instead locks each referenced
row once, refuses a write to a missing one before writing, and turns the row-by-row checks off
for its one statement only. Connections that may not do so keep the database's checks. These
tests are PostgreSQL's: SQLite writes through the ORM with its own checks.
"""

import datetime
from decimal import Decimal
from unittest import mock

import psycopg2
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, IndicatorValue
from indicators.services import ValueInput, values_upsert
from indicators.services import references as references_module
from indicators.services.references import constrained_foreign_keys, references_checked_in_bulk
from indicators.services.upsert import INLINE_ROWS
from members.models import Municipality
from tests.members.factories import MunicipalityFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's foreign-key checks and locks"
    ),
]

YEARS = range(1995, 2025)


@pytest.fixture
def energy():
    return Indicator.objects.get(revision__code="2023", code="GN.7")


def _rows(organisation_ids, indicator):
    return [
        ValueInput(
            organisation_id=organisation_id,
            indicator=indicator,
            year=year,
            value=Decimal(f"{year % 50}.5"),
            source_note="Massimport",
        )
        for organisation_id in organisation_ids
        for year in YEARS
    ]


def _bulk_organisations():
    organisations = [MunicipalityFactory() for _ in range(INLINE_ROWS // len(YEARS) + 1)]
    return [organisation.pk for organisation in organisations]


def _replication_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


def test_the_row_checks_are_off_for_the_writing_statement_only(energy):
    user = UserFactory()
    rows = _rows(_bulk_organisations(), energy)
    assert len(rows) > INLINE_ROWS
    with CaptureQueriesContext(connection) as queries:
        result = values_upsert(rows=rows, user=user, change_reason="Massimport")
    assert result.created == len(rows)
    sql = [query["sql"] for query in queries.captured_queries]
    off = sql.index("SET LOCAL session_replication_role = replica")
    on = sql.index("SET LOCAL session_replication_role = origin")
    (writing,) = sql[off + 1 : on]  # one statement runs without the row checks
    assert "INSERT INTO" in writing
    # Each referenced table was locked once, before the checks went off.
    locks = [s for s in sql[:off] if s.endswith("FOR KEY SHARE")]
    assert len(locks) == 4  # members, figures, the user who entered, the user in the history
    assert _replication_role() == "origin"
    assert IndicatorValue.objects.filter(organisation_id__in={r.organisation_id for r in rows})
    assert IndicatorValue.history.filter(history_user=user).count() == len(rows)


def test_a_bulk_write_to_a_missing_organisation_is_refused_before_anything_is_written(energy):
    organisations = _bulk_organisations()
    gone = MunicipalityFactory()
    gone_id = gone.pk
    gone.delete()
    rows = _rows([*organisations, gone_id], energy)
    values_before = IndicatorValue.objects.count()
    history_before = IndicatorValue.history.count()
    with pytest.raises(IntegrityError, match="members_municipality"), transaction.atomic():
        values_upsert(rows=rows, change_reason="Massimport")
    assert IndicatorValue.objects.count() == values_before
    assert IndicatorValue.history.count() == history_before
    assert _replication_role() == "origin"


def test_a_bulk_write_by_a_user_who_is_gone_is_refused(energy):
    user = UserFactory()
    rows = _rows(_bulk_organisations(), energy)
    user.delete()  # the object keeps its pk: a request's user deleted meanwhile
    user.pk = user.id = 10**9
    with pytest.raises(IntegrityError, match="auth_user"), transaction.atomic():
        values_upsert(rows=rows, user=user, change_reason="Massimport")
    assert not IndicatorValue.objects.filter(organisation_id=rows[0].organisation_id).exists()


def test_without_the_privilege_the_database_checks_every_row_as_before(energy):
    gone = MunicipalityFactory()
    gone_id = gone.pk
    gone.delete()
    rows = _rows([*_bulk_organisations(), gone_id], energy)
    no_privilege = mock.patch.object(
        references_module, "_may_switch_row_checks", return_value=False
    )
    with (
        no_privilege,
        CaptureQueriesContext(connection) as queries,
        pytest.raises(IntegrityError, match="members_municipality"),
        transaction.atomic(),
    ):
        values_upsert(rows=rows, change_reason="Massimport")
        with connection.cursor() as cursor:  # the deferred checks, now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not any("session_replication_role" in q["sql"] for q in queries.captured_queries)


def test_a_foreign_key_nobody_named_the_ids_of_keeps_the_database_checks():
    with connection.cursor() as cursor:
        checked = references_checked_in_bulk(
            cursor=cursor,
            references={
                (IndicatorValue, "organisation_id"): {1},
                (IndicatorValue, "indicator_id"): {1},
                # entered_by_id left out
            },
        )
    assert checked is False
    assert _replication_role() == "origin"


def test_the_values_foreign_keys_are_the_ones_the_bulk_write_names():
    """A new foreign key on values or their history must be added to upsert_postgresql's
    references (or it silently falls back to row-by-row checks): this test says which."""
    keys = {
        (model.__name__, field.attname)
        for model, field in constrained_foreign_keys([IndicatorValue, IndicatorValue.history.model])
    }
    assert keys == {
        ("IndicatorValue", "organisation_id"),
        ("IndicatorValue", "indicator_id"),
        ("IndicatorValue", "entered_by_id"),
        ("HistoricalIndicatorValue", "history_user_id"),
    }


def test_a_referenced_member_cannot_be_deleted_until_the_write_commits(energy):
    """The locks the row checks would take: another session's DELETE of a member the write
    refers to waits (here: times out) instead of leaving values without their member."""
    member = Municipality.objects.municipalities().order_by("code").first()  # committed
    rows = _rows(_bulk_organisations(), energy) + [
        ValueInput(
            organisation_id=member.pk,
            indicator=energy,
            year=year,
            value=Decimal("1.5"),
            fetched_on=datetime.date(2026, 1, 1),
        )
        for year in YEARS
    ]
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )

    def delete_elsewhere():
        try:
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
                cursor.execute("DELETE FROM members_municipality WHERE id = %s", [member.pk])
            return "deleted"
        except psycopg2.errors.LockNotAvailable:
            return "waited"
        except psycopg2.errors.IntegrityError:
            return "refused"
        finally:
            other.rollback()

    try:
        before = delete_elsewhere()
        values_upsert(rows=rows, change_reason="Massimport")
        during = delete_elsewhere()
    finally:
        other.close()
    assert before != "waited"
    assert during == "waited"
