"""The maintained latest values computed by PostgreSQL itself, for an import's many pairs.

indicators.services.figures calls this instead of its Python path when many (figure, member)
pairs were touched: reading every year of 5 000 pairs into Python costs more than the rest of an
import's figures. Same rule, same rows (the property test in test_maintained_figures runs both).
"""

from django.db import connection

from indicators import analysis
from indicators.models import FigureLatest, Indicator, IndicatorValue
from members.models import Membership, Municipality


def latest_refresh_postgresql(*, pairs: set[tuple[int, int]]) -> None:
    """_latest_refresh in one statement: the same rule (counting values, the newest year, the
    value IMPROVEMENT_SPAN years before), rows of pairs left without values deleted."""
    q = connection.ops.quote_name
    values = q(IndicatorValue._meta.db_table)
    indicators = q(Indicator._meta.db_table)
    organisations = q(Municipality._meta.db_table)
    memberships = q(Membership._meta.db_table)
    latest = q(FigureLatest._meta.db_table)
    indicator_ids, organisation_ids = zip(*sorted(pairs), strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH pairs (indicator_id, organisation_id) AS (
                SELECT * FROM unnest(%(indicators)s::bigint[], %(organisations)s::bigint[])
            ), counted AS (
                SELECT v.indicator_id, v.organisation_id, o.kind, v.year, v.value, v.status
                FROM {values} v
                JOIN pairs p ON p.indicator_id = v.indicator_id
                    AND p.organisation_id = v.organisation_id
                JOIN {indicators} i ON i.id = v.indicator_id
                JOIN {organisations} o ON o.id = v.organisation_id
                WHERE i.owner_id IS NULL AND (i.applies_to = %(all)s OR i.applies_to = o.kind)
                    AND EXISTS (SELECT 1 FROM {memberships} m
                                WHERE m.organisation_id = o.id AND m.status = %(active)s)
            ), newest AS (
                SELECT DISTINCT ON (indicator_id, organisation_id) *
                FROM counted ORDER BY indicator_id, organisation_id, year DESC
            ), gone AS (
                DELETE FROM {latest} f USING pairs p
                WHERE f.indicator_id = p.indicator_id AND f.organisation_id = p.organisation_id
                    AND NOT EXISTS (SELECT 1 FROM newest n WHERE n.indicator_id = p.indicator_id
                                    AND n.organisation_id = p.organisation_id)
            )
            INSERT INTO {latest} AS f
                (indicator_id, organisation_id, organisation_kind, year, value, status,
                 earlier_value)
            SELECT n.indicator_id, n.organisation_id, n.kind, n.year, n.value, n.status, e.value
            FROM newest n LEFT JOIN counted e ON e.indicator_id = n.indicator_id
                AND e.organisation_id = n.organisation_id AND e.year = n.year - %(span)s
            ON CONFLICT (indicator_id, organisation_id) DO UPDATE SET
                organisation_kind = EXCLUDED.organisation_kind, year = EXCLUDED.year,
                value = EXCLUDED.value, status = EXCLUDED.status,
                earlier_value = EXCLUDED.earlier_value
            """,
            {
                "indicators": list(indicator_ids),
                "organisations": list(organisation_ids),
                "all": Indicator.AppliesTo.ALL.value,
                "active": Membership.Status.ACTIVE.value,
                "span": analysis.IMPROVEMENT_SPAN,
            },
        )
