"""Figures maintained on write: SEKOM and county sums and counts, and each member's latest value.

Pages need figures across members (the SEKOM average, the county average, how many reported,
the latest values behind strong examples and "Lär av"). Computing them from all values on every
view makes a page's cost grow with the whole register, so they live in tables of their own
(`FigureAverage`, `FigureLatest`), kept here:

- the value write services (`values_upsert` on both paths, `value_delete`, moving values on a
  promotion) call `figures_values_changed` with each value's old and new number, in their
  transaction: sums and counts are *added to* (never overwritten), so two members saving at
  once cannot lose each other's change;
- the membership services call `members.hooks.current_members_changed` (registered to
  `figures_members_changed` in `IndicatorsConfig.ready`) when an organisation joins or leaves;
- a change to which values count for a figure (its kinds, its owner) calls
  `figures_indicators_rebuild`;
- `manage.py rebuild_figures` (`figures_rebuild`) recomputes everything from the values.

A value counts when its figure is in the common catalogue (no owner), applies to its
organisation's kind, and the organisation is a current (active) member: the rule the pages
have always applied (preliminary values count; each revision's figures have their own rows).
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q

from indicators import analysis
from indicators.models import (
    FigureArea,
    FigureAverage,
    FigureLatest,
    Indicator,
    IndicatorValue,
)
from indicators.services.figures_sql import latest_refresh_postgresql
from members.models import Membership, Municipality

# (organisation id, indicator id, year, number before or None, number after or None)
ValueChange = tuple[int, int, int, Decimal | None, Decimal | None]
# (area kind, area code, organisation kind, indicator id, year)
AverageKey = tuple[str, str, str, int, int]


def counting_values():
    """The values that enter the maintained figures (see the module's docstring)."""
    return IndicatorValue.objects.filter(
        Q(indicator__applies_to=Indicator.AppliesTo.ALL)
        | Q(indicator__applies_to=F("organisation__kind")),
        indicator__owner__isnull=True,
        organisation__memberships__status=Membership.Status.ACTIVE,
    )


def _counting_organisations(organisation_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{organisation id: (kind, county code)} of those that are current members: one query."""
    return {
        pk: (kind, county)
        for pk, kind, county in Municipality.objects.filter(
            pk__in=set(organisation_ids), memberships__status=Membership.Status.ACTIVE
        ).values_list("pk", "kind", "county__code")
    }


def _common_indicators(indicator_ids: Iterable[int]) -> dict[int, str]:
    """{indicator id: applies_to} of the catalogue's figures among these: one query."""
    return dict(
        Indicator.objects.common().filter(pk__in=set(indicator_ids)).values_list("pk", "applies_to")
    )


def _average_keys(*, kind: str, county: str, indicator_id: int, year: int) -> list[AverageKey]:
    return [
        (FigureArea.SEKOM, "", kind, indicator_id, year),
        (FigureArea.COUNTY, county, kind, indicator_id, year),
    ]


def figures_values_changed(
    *, changes: Iterable[ValueChange], indicators: dict[int, Indicator] | None = None
) -> None:
    """Keep the figures right after values were created, changed or deleted (same transaction).

    Each change carries the number before (None: there was no value) and after (None: the value
    is gone). Sums and counts of the value's SEKOM and county rows are adjusted; the latest
    value of each touched (figure, member) is read again from that member's values.
    `indicators` ({id: Indicator}), when the caller holds the changed figures already, saves
    reading which of them are the catalogue's and whom they apply to.
    """
    changes = list(changes)
    if not changes:
        return
    members = _counting_organisations(change[0] for change in changes)
    if not members:
        return
    wanted = {change[1] for change in changes if change[0] in members}
    if indicators is not None and wanted <= indicators.keys():
        figures = {
            pk: indicators[pk].applies_to for pk in wanted if indicators[pk].owner_id is None
        }
    else:
        figures = _common_indicators(wanted)
    deltas: dict[AverageKey, list] = defaultdict(lambda: [Decimal(0), 0])
    touched: set[tuple[int, int]] = set()
    for organisation_id, indicator_id, year, old, new in changes:
        member = members.get(organisation_id)
        applies_to = figures.get(indicator_id)
        if member is None or applies_to is None:
            continue
        kind, county = member
        if applies_to not in (Indicator.AppliesTo.ALL, kind):
            continue
        touched.add((indicator_id, organisation_id))
        if old == new:
            continue  # e.g. only the comment or the status changed: sums stay
        for key in _average_keys(kind=kind, county=county, indicator_id=indicator_id, year=year):
            delta = deltas[key]
            delta[0] += (new or 0) - (old or 0)
            delta[1] += (new is not None) - (old is not None)
    _averages_add(deltas)
    _latest_refresh(pairs=touched)


def figures_members_changed(*, joined: Iterable[int] = (), left: Iterable[int] = ()) -> None:
    """Organisations became current members (`joined`) or stopped being ones (`left`).

    Called through members.hooks inside the membership service's transaction, after the
    membership's status changed: a joining member's counting values are added, a leaving
    member's subtracted (read as if it still were a member), and its latest values follow.
    """
    joined, left = set(joined), set(left)
    for organisation_ids, sign in ((joined, 1), (left, -1)):
        if not organisation_ids:
            continue
        rows = (
            IndicatorValue.objects.filter(
                Q(indicator__applies_to=Indicator.AppliesTo.ALL)
                | Q(indicator__applies_to=F("organisation__kind")),
                organisation_id__in=organisation_ids,
                indicator__owner__isnull=True,
            )
            .values_list(
                "organisation__kind", "organisation__county__code", "indicator_id", "year", "value"
            )
            .order_by()
        )
        deltas: dict[AverageKey, list] = defaultdict(lambda: [Decimal(0), 0])
        for kind, county, indicator_id, year, value in rows:
            for key in _average_keys(
                kind=kind, county=county, indicator_id=indicator_id, year=year
            ):
                deltas[key][0] += sign * value
                deltas[key][1] += sign
        _averages_add(deltas)
    if left:
        FigureLatest.objects.filter(organisation_id__in=left).delete()
    if joined:
        pairs = set(
            counting_values()
            .filter(organisation_id__in=joined)
            .values_list("indicator_id", "organisation_id")
            .distinct()
            .order_by()
        )
        _latest_refresh(pairs=pairs)


def figures_indicators_rebuild(*, indicator_ids: Iterable[int]) -> None:
    """Recompute these figures' rows from their values: after a change to which of their values
    count (the kinds a figure applies to, an own figure promoted into the catalogue)."""
    figures_rebuild(indicator_ids=list(indicator_ids))


def figures_rebuild(*, indicator_ids: list[int] | None = None) -> dict[str, int]:
    """Recompute the maintained figures (of `indicator_ids`, or all) from the values.

    Returns how many average and latest rows there are now.
    """
    averages, latest = figures_from_values(indicator_ids=indicator_ids)
    stale_averages = FigureAverage.objects.all()
    stale_latest = FigureLatest.objects.all()
    if indicator_ids is not None:
        stale_averages = stale_averages.filter(indicator_id__in=indicator_ids)
        stale_latest = stale_latest.filter(indicator_id__in=indicator_ids)
    stale_averages.delete()
    stale_latest.delete()
    FigureAverage.objects.bulk_create(
        [
            FigureAverage(
                area_kind=area_kind,
                area_code=area_code,
                organisation_kind=kind,
                indicator_id=indicator_id,
                year=year,
                value_sum=total,
                value_count=count,
            )
            for (area_kind, area_code, kind, indicator_id, year), (total, count) in averages.items()
        ],
        batch_size=2000,
    )
    FigureLatest.objects.bulk_create(
        [FigureLatest(indicator_id=i, organisation_id=o, **row) for (i, o), row in latest.items()],
        batch_size=2000,
    )
    return {"averages": len(averages), "latest": len(latest)}


def figures_from_values(
    *, indicator_ids: list[int] | None = None
) -> tuple[dict[AverageKey, tuple[Decimal, int]], dict[tuple[int, int], dict]]:
    """The maintained figures computed from scratch (one pass over the counting values):
    ({average key: (sum, count)}, {(indicator id, organisation id): latest row fields})."""
    values = counting_values()
    if indicator_ids is not None:
        values = values.filter(indicator_id__in=indicator_ids)
    rows = values.values_list(
        "indicator_id",
        "organisation_id",
        "organisation__kind",
        "organisation__county__code",
        "year",
        "value",
        "status",
    ).order_by("indicator_id", "organisation_id", "year")
    averages: dict[AverageKey, list] = defaultdict(lambda: [Decimal(0), 0])
    by_pair: dict[tuple[int, int], dict[int, tuple[Decimal, str]]] = defaultdict(dict)
    kinds: dict[int, str] = {}
    for indicator_id, organisation_id, kind, county, year, value, status in rows.iterator(
        chunk_size=5000
    ):
        for key in _average_keys(kind=kind, county=county, indicator_id=indicator_id, year=year):
            averages[key][0] += value
            averages[key][1] += 1
        by_pair[(indicator_id, organisation_id)][year] = (value, status)
        kinds[organisation_id] = kind
    latest = {pair: _latest_row(years, kind=kinds[pair[1]]) for pair, years in by_pair.items()}
    return {key: (total, count) for key, (total, count) in averages.items()}, latest


# What a latest row holds besides its key (written over when the pair's row exists).
LATEST_COLUMNS = ["organisation_kind", "year", "value", "status", "earlier_value"]


def _latest_row(years: dict[int, tuple[Decimal, str]], *, kind: str) -> dict:
    year = max(years)
    value, status = years[year]
    earlier = years.get(year - analysis.IMPROVEMENT_SPAN)
    return {
        "organisation_kind": kind,
        "year": year,
        "value": value,
        "status": status,
        "earlier_value": earlier[0] if earlier else None,
    }


def _latest_refresh(*, pairs: set[tuple[int, int]]) -> None:
    """Read again the latest value of each (indicator id, organisation id) from its values."""
    if not pairs:
        return
    if connection.vendor == "postgresql" and len(pairs) > LATEST_IN_SQL_FROM:
        latest_refresh_postgresql(pairs=pairs)
        return
    by_indicator: dict[int, set[int]] = defaultdict(set)
    for indicator_id, organisation_id in pairs:
        by_indicator[indicator_id].add(organisation_id)
    # One condition per figure (few) rather than per pair (an import's thousands); pairs in the
    # product that were not touched are recomputed to what they already were.
    where = Q()
    for indicator_id, organisation_ids in by_indicator.items():
        where |= Q(indicator_id=indicator_id, organisation_id__in=organisation_ids)
    found: dict[tuple[int, int], dict[int, tuple[Decimal, str]]] = defaultdict(dict)
    kinds: dict[int, str] = {}
    for indicator_id, organisation_id, kind, year, value, status in (
        counting_values()
        .filter(where)
        .values_list(
            "indicator_id", "organisation_id", "organisation__kind", "year", "value", "status"
        )
        .order_by()
    ):
        found[(indicator_id, organisation_id)][year] = (value, status)
        kinds[organisation_id] = kind
    # Pairs left without values lose their row; the others are written over in place (one
    # statement, not a delete and an insert).
    gone = Q()
    for indicator_id, organisation_ids in by_indicator.items():
        missing = {o for o in organisation_ids if (indicator_id, o) not in found}
        if missing:
            gone |= Q(indicator_id=indicator_id, organisation_id__in=missing)
    if gone:
        FigureLatest.objects.filter(gone).delete()
    FigureLatest.objects.bulk_create(
        [
            FigureLatest(indicator_id=i, organisation_id=o, **_latest_row(years, kind=kinds[o]))
            for (i, o), years in found.items()
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["indicator", "organisation"],
        update_fields=LATEST_COLUMNS,
    )


# From this many pairs (an import) PostgreSQL computes the latest values itself: reading every
# year of 5 000 pairs into Python costs more than the rest of the import's figures.
LATEST_IN_SQL_FROM = 200


def _averages_add(deltas: dict[AverageKey, list]) -> None:
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
    if not other or all(delta[1] == 0 for _key, delta in other):
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
