"""The pages' queries read a number of rows that does not grow with other members' values.

Every query a page issues is run again under EXPLAIN (ANALYZE, FORMAT JSON) and the rows its
scans read are counted (rows returned plus rows removed by filters, times loops). The register
then grows (every other member's own figures get 25 years of values each, and the older
revision's values come in) and the pages are measured again: no query may read more rows than
before (the planner may pick another index and read fewer). Sequential scans are switched off
while explaining, as the planner would choose the indexes at full size (a query that has no
index to use still scans, and is caught), and so are nested loops, whose per-row lookups vary
with the plan chosen rather than with the data.

PostgreSQL only: SQLite has no EXPLAIN ANALYZE with row counts.
"""

import random
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from indicators.selectors import current_indicators
from indicators.services.figures import figures_rebuild
from members.models import Membership, Municipality

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="counts rows read with PostgreSQL's EXPLAIN (ANALYZE, FORMAT JSON)",
    ),
]

YEARS = range(2000, 2025)
OTHERS = ["0680", "0682", "0683", "0684", "0685", "0686", "0687", "1730", "0180", "1480"]
OWN_FIGURES_PER_MEMBER = 12


def _scans(plan: dict) -> list[str]:
    """Each scan as "node on relation (index): rows read", to say where rows went."""
    found = []
    if "Scan" in plan["Node Type"]:
        found.append(
            f"{plan['Node Type']} {plan.get('Relation Name', '')} {plan.get('Index Name', '')}: "
            f"{_rows_read(plan | {'Plans': []})}"
        )
    for child in plan.get("Plans", []):
        found.extend(_scans(child))
    return found


def _rows_read(plan: dict) -> int:
    """Rows the scans of a plan read: returned plus filtered away, times loops."""
    total = 0
    if "Scan" in plan["Node Type"]:
        per_loop = (
            plan.get("Actual Rows", 0)
            + plan.get("Rows Removed by Filter", 0)
            + plan.get("Rows Removed by Index Recheck", 0)
        )
        total += per_loop * plan.get("Actual Loops", 1)
    for child in plan.get("Plans", []):
        total += _rows_read(child)
    return total


def _page_costs(client, url: str) -> list[tuple[str, int]]:
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    costs = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Hash joins read the small reference tables whole (the same at both sizes); nested
        # loops would count one lookup per outer row, which changes with the plan, not the data.
        cursor.execute("SET LOCAL enable_nestloop = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                import json

                plan = json.loads(plan)
            costs.append((sql[:160], _rows_read(plan[0]["Plan"]), _scans(plan[0]["Plan"])))
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL enable_nestloop = on")
    return costs


@pytest.fixture
def register():
    """0665 and ten other current members, every current figure for 25 years; the others
    have own figures too, still without values."""
    rng = random.Random(16)
    organisations = list(Municipality.objects.filter(code__in=["0665", *OTHERS]))
    assert len(organisations) == 11
    Membership.objects.bulk_create(
        Membership(organisation=o, status="active", applied_on="2000-01-01", joined_on="2000-03-01")
        for o in organisations
    )
    figures = [i for i in current_indicators() if i.applies_to != Indicator.AppliesTo.REGION]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            organisation=o,
            indicator=figure,
            year=year,
            value=Decimal(rng.randint(0, 9000)) / 100,
        )
        for o in organisations
        for figure in figures
        for year in YEARS
    )
    figures_rebuild()
    others = [o for o in organisations if o.code != "0665"]
    # The other members' own figures are defined at both sizes; only their values grow.
    _own_figures(others)
    return others


def _own_figures(others: list[Municipality]) -> list[Indicator]:
    return Indicator.objects.bulk_create(
        Indicator(
            owner=o,
            revision=None,
            code=f"E.{n}",
            name=f"Eget {n} {o.code}",
            unit="st",
            direction="higher",
            display_order=n,
        )
        for o in others
        for n in range(1, OWN_FIGURES_PER_MEMBER + 1)
    )


def _grow(others: list[Municipality]) -> int:
    """Every other member's own figures get values in every year, and the older revision's
    values come in: the register more than doubles, 0665's page shows the same."""
    rng = random.Random(17)
    own = Indicator.objects.own().exclude(owner__code="0665")
    older = list(Indicator.objects.filter(revision__code="2012", children__isnull=True))
    values = [
        IndicatorValue(
            organisation_id=figure.owner_id, indicator=figure, year=year, value=rng.randint(0, 99)
        )
        for figure in own
        for year in YEARS
    ] + [
        IndicatorValue(organisation=o, indicator=figure, year=year, value=rng.randint(0, 99))
        for o in others
        for figure in older
        for year in range(1990, 2013)
    ]
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    figures_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(values)


def test_the_pages_read_no_more_rows_when_other_members_values_grow(client, register):
    figure = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    pages = [
        reverse("member_detail", args=["0665"]),
        reverse("member_report", args=["0665", 2024]),
        reverse("indicator_detail", args=[figure.code]),
        reverse("compare") + f"?nyckeltal={figure.code}&medlem=0665&medlem=0680",
        reverse("home"),
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    before = {url: _page_costs(client, url) for url in pages}
    values_before = IndicatorValue.objects.count()
    added = _grow(register)
    assert added > values_before  # the register more than doubles
    after = {url: _page_costs(client, url) for url in pages}
    for url in pages:
        assert len(after[url]) == len(before[url]), url
        for (sql, rows_before, _), (_sql, rows_after, scans) in zip(
            before[url], after[url], strict=True
        ):
            # Never more; the planner may pick another index at the larger size and read less.
            assert rows_after <= rows_before, (
                f"{url}: {sql}: {rows_before} -> {rows_after} rows ({'; '.join(scans)})"
            )
