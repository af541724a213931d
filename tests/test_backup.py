"""Backup and restore: a dump restored into an empty database holds every value and history row.

The documented procedure (README, "Backup and restore") is pg_dump -Fc / pg_restore on
PostgreSQL; on the embedded SQLite default the same is SQLite's online backup.
"""

import sqlite3
import subprocess
import uuid
from decimal import Decimal

import psycopg2
import pytest
from django.db import connection

from indicators.models import Indicator, IndicatorValue
from indicators.services import ValueInput, values_upsert
from tests.members.factories import MembershipFactory, MunicipalityFactory

TABLES = ["indicators_indicatorvalue", "indicators_historicalindicatorvalue", "members_membership"]


def _counts(cursor) -> dict[str, int]:
    result = {}
    for table in TABLES:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        result[table] = cursor.fetchone()[0]
    return result


def _restore_and_count(tmp_path) -> dict[str, int]:
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        source = params["NAME"]
        target = f"restore_{uuid.uuid4().hex[:8]}"
        dump = tmp_path / "ekokommun.dump"
        common = ["-h", params["HOST"] or "127.0.0.1", "-U", params["USER"] or "postgres"]
        subprocess.run(["pg_dump", *common, "-Fc", "-f", str(dump), source], check=True)
        subprocess.run(["createdb", *common, target], check=True)
        try:
            subprocess.run(
                ["pg_restore", *common, "--no-owner", "-d", target, str(dump)], check=True
            )
            restored = psycopg2.connect(
                host=params["HOST"] or "127.0.0.1", user=params["USER"], dbname=target
            )
            with restored, restored.cursor() as cursor:
                counts = _counts(cursor)
            restored.close()
        finally:
            subprocess.run(["dropdb", *common, "--if-exists", target], check=True)
        return counts
    copy = sqlite3.connect(tmp_path / "ekokommun.sqlite3")
    connection.ensure_connection()
    connection.connection.backup(copy)
    counts = _counts(copy.cursor())
    copy.close()
    return counts


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_an_empty_database_has_every_value_and_history_row(
    tmp_path, reference_data, django_user_model
):
    reporter = django_user_model.objects.create_user("strateg")
    indicators = list(
        Indicator.objects.filter(revision__is_current=True, code__in=["GN.7", "GN.6a"])
    )
    for code in ("0665", "0680"):
        organisation = MembershipFactory(organisation=MunicipalityFactory(code=code)).organisation
        for value in ("40", "45"):  # a create and an update: two history rows each
            values_upsert(
                rows=[
                    ValueInput(
                        organisation_id=organisation.pk,
                        indicator=indicator,
                        year=2023,
                        value=Decimal(value),
                    )
                    for indicator in indicators
                ],
                user=reporter,
            )
    with connection.cursor() as cursor:
        before = _counts(cursor)
    assert before["indicators_indicatorvalue"] == IndicatorValue.objects.count() == 4
    assert before["indicators_historicalindicatorvalue"] == 8

    assert _restore_and_count(tmp_path) == before
