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

A value counts when its figure is in the common catalogue (no owner) and applies to its
organisation's kind (preliminary values count; each revision's figures have their own rows).
Whose values count depends on the area (models.FigureArea): SEKOM counts current (active)
members; the county counts members for a member-reported figure, but every organisation of the
kind for a national-source figure, as Sweden and the similar organisations do (rows for
national-source figures only). Latest values (strong examples, "Lär av") are current members'
only: non-members appear in averages, never as someone to call. A value of organisation X
counts in the SIMILAR row of each organisation whose similar set holds X
(members.models.SimilarOrganisation); `figures_similar_rebuild` follows a new set.
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
    FigurePool,
    Indicator,
    IndicatorValue,
)
from indicators.services.figure_pools import pools_rebuild, pools_refresh
from indicators.services.figure_rows import AverageKey, averages_add, averages_insert
from indicators.services.figures_sql import latest_refresh_postgresql
from members.models import Membership, Municipality, SimilarOrganisation, is_current_member

NATIONAL = Indicator.ReportedBy.NATIONAL

# (organisation id, indicator id, year, number before or None, number after or None)
ValueChange = tuple[int, int, int, Decimal | None, Decimal | None]


def counting_values():
    """The values that enter the maintained figures (see the module's docstring)."""
    return IndicatorValue.objects.filter(
        Q(indicator__applies_to=Indicator.AppliesTo.ALL)
        | Q(indicator__applies_to=F("organisation__kind")),
        indicator__owner__isnull=True,
        organisation__memberships__status=Membership.Status.ACTIVE,
    )


def averaged_values():
    """The values that enter some average: every counting value of a current member, and every
    value of a national-source figure (members or not), each with `is_member` and `national`."""
    return (
        IndicatorValue.objects.filter(
            Q(indicator__applies_to=Indicator.AppliesTo.ALL)
            | Q(indicator__applies_to=F("organisation__kind")),
            indicator__owner__isnull=True,
        )
        .annotate(is_member=is_current_member("organisation"))
        .filter(Q(is_member=True) | Q(indicator__reported_by=Indicator.ReportedBy.NATIONAL))
    )


def _organisations(organisation_ids: Iterable[int]) -> dict[int, tuple[str, str, bool]]:
    """{organisation id: (kind, county code, is a current member)}: one query."""
    return {
        pk: (kind, county, is_member)
        for pk, kind, county, is_member in Municipality.objects.filter(pk__in=set(organisation_ids))
        .with_is_member()
        .values_list("pk", "kind", "county__code", "is_member")
        .order_by()
    }


def _common_indicators(indicator_ids: Iterable[int]) -> dict[int, tuple[str, bool]]:
    """{indicator id: (applies_to, is national-source)} of the catalogue's figures: one query."""
    return {
        pk: (applies_to, reported_by == Indicator.ReportedBy.NATIONAL)
        for pk, applies_to, reported_by in Indicator.objects.common()
        .filter(pk__in=set(indicator_ids))
        .values_list("pk", "applies_to", "reported_by")
    }


def _similar_of(organisation_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """{organisation id: codes of the organisations whose similar set holds it}: one query
    (by the index on `similar`); None reads every set (the rebuild)."""
    rows = SimilarOrganisation.objects.all()
    if organisation_ids is not None:
        rows = rows.filter(similar_id__in=set(organisation_ids))
    found: dict[int, list[str]] = defaultdict(list)
    for similar_id, code in rows.values_list("similar_id", "organisation__code").order_by():
        found[similar_id].append(code)
    return found


def _average_keys(
    *,
    kind: str,
    county: str,
    indicator_id: int,
    year: int,
    member: bool,
    national: bool,
    similar_of: Iterable[str] = (),
) -> list[AverageKey]:
    """The rows one value counts in (see the module's docstring)."""
    keys = []
    if member:
        keys.append((FigureArea.SEKOM, "", kind, indicator_id, year))
    if national:
        keys.append((FigureArea.COUNTY, county, kind, indicator_id, year))
        keys.append((FigureArea.SWEDEN, "", kind, indicator_id, year))
        keys.extend((FigureArea.SIMILAR, code, kind, indicator_id, year) for code in similar_of)
    elif member:
        keys.append((FigureArea.COUNTY, county, kind, indicator_id, year))
    return keys


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
    organisations = _organisations(change[0] for change in changes)
    wanted = {change[1] for change in changes if change[0] in organisations}
    if indicators is not None and wanted <= indicators.keys():
        # The caller's figures: no query to learn which are the catalogue's and national.
        figures = {
            pk: (indicators[pk].applies_to, indicators[pk].reported_by == NATIONAL)
            for pk in wanted
            if indicators[pk].owner_id is None
        }
    else:
        figures = _common_indicators(wanted)
    national_changes = {change[0] for change in changes if figures.get(change[1], ("", 0))[1]}
    similar_of = _similar_of(national_changes) if national_changes else {}
    deltas: dict[AverageKey, list] = defaultdict(lambda: [Decimal(0), 0])
    touched: set[tuple[int, int]] = set()
    # Whom a (member, figure) pair counts for is the same in every year: worked out once per
    # pair (an import's 150 000 changes have a few thousand pairs).
    places: dict[tuple[int, int], tuple[bool, list] | None] = {}
    for organisation_id, indicator_id, year, old, new in changes:
        pair = (organisation_id, indicator_id)
        try:
            place = places[pair]
        except KeyError:
            place = places[pair] = _counted_in(
                organisations.get(organisation_id),
                figures.get(indicator_id),
                indicator_id=indicator_id,
                similar_of=similar_of.get(organisation_id, ()),
            )
        if place is None:
            continue
        member, areas = place
        if member:
            touched.add((indicator_id, organisation_id))
        if old == new:
            continue  # e.g. only the comment or the status changed: sums stay
        change = (new or 0) - (old or 0)
        count = (new is not None) - (old is not None)
        for area_kind, area_code, kind in areas:
            delta = deltas[(area_kind, area_code, kind, indicator_id, year)]
            delta[0] += change
            delta[1] += count
    averages_add(deltas)
    _latest_refresh(pairs=touched)


def _counted_in(
    organisation: tuple[str, str, bool] | None,
    figure: tuple[str, bool] | None,
    *,
    indicator_id: int,
    similar_of: Iterable[str],
) -> tuple[bool, list[tuple[str, str, str]]] | None:
    """(is a current member, the (area kind, area code, kind) of each average row its values
    count in) for one organisation's values of one figure; None when they count nowhere."""
    if organisation is None or figure is None:
        return None
    kind, county, member = organisation
    applies_to, national = figure
    if applies_to not in (Indicator.AppliesTo.ALL, kind) or not (member or national):
        return None
    keys = _average_keys(
        kind=kind,
        county=county,
        indicator_id=indicator_id,
        year=0,
        member=member,
        national=national,
        similar_of=similar_of,
    )
    return member, [key[:3] for key in keys]


def figures_members_changed(*, joined: Iterable[int] = (), left: Iterable[int] = ()) -> None:
    """Organisations became current members (`joined`) or stopped being ones (`left`).

    Called through members.hooks inside the membership service's transaction, after the
    membership's status changed: a joining member's counting values are added, a leaving
    member's subtracted (read as if it still were a member), and its latest values follow.
    Only the rows that count members alone change: SEKOM, and the county of a member-reported
    figure (national-source figures count everyone in the county, Sweden and similar rows).
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
                "organisation__kind",
                "organisation__county__code",
                "indicator_id",
                "indicator__reported_by",
                "year",
                "value",
            )
            .order_by()
        )
        deltas: dict[AverageKey, list] = defaultdict(lambda: [Decimal(0), 0])
        for kind, county, indicator_id, reported_by, year, value in rows:
            national = reported_by == Indicator.ReportedBy.NATIONAL
            place = {"kind": kind, "county": county, "indicator_id": indicator_id, "year": year}
            as_member = _average_keys(**place, member=True, national=national)
            as_other = _average_keys(**place, member=False, national=national)
            for key in set(as_member) - set(as_other):
                deltas[key][0] += sign * value
                deltas[key][1] += sign
        averages_add(deltas)
    if left:
        leaving = FigureLatest.objects.filter(organisation_id__in=left)
        figures_of_left = set(leaving.values_list("indicator_id", flat=True))
        leaving.delete()
        pools_refresh(indicator_ids=figures_of_left)
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


def figures_similar_rebuild() -> None:
    """Recompute the averages over similar organisations after the similar sets changed
    (registered with members.hooks; same transaction)."""
    figures_rebuild(area_kinds=[FigureArea.SIMILAR])


def figures_rebuild(
    *,
    indicator_ids: list[int] | None = None,
    area_kinds: list[str] | None = None,
    with_pools: bool = True,
) -> dict[str, int]:
    """Recompute the maintained figures (of `indicator_ids`, or all) from the values; with
    `area_kinds`, only those averages (and no latest values or pools). Without `with_pools`
    the pools are left alone (a migration older than their table).

    Returns how many average, latest and pool rows there are now.
    """
    averages, latest = figures_from_values(indicator_ids=indicator_ids)
    if area_kinds is not None:
        averages = {key: row for key, row in averages.items() if key[0] in area_kinds}
    stale_averages = FigureAverage.objects.all()
    stale_latest = FigureLatest.objects.all()
    if indicator_ids is not None:
        stale_averages = stale_averages.filter(indicator_id__in=indicator_ids)
        stale_latest = stale_latest.filter(indicator_id__in=indicator_ids)
    if area_kinds is not None:
        stale_averages = stale_averages.filter(area_kind__in=area_kinds)
    stale_averages.delete()
    averages_insert(averages)
    if area_kinds is not None:
        return {"averages": len(averages), "latest": 0, "pools": 0}
    stale_latest.delete()
    FigureLatest.objects.bulk_create(
        [FigureLatest(indicator_id=i, organisation_id=o, **row) for (i, o), row in latest.items()],
        batch_size=2000,
    )
    pools = pools_rebuild(indicator_ids=indicator_ids) if with_pools else 0
    if indicator_ids is None and connection.vendor == "postgresql":
        # Every row is new: the planner's statistics of these tables describe the old ones
        # until autovacuum comes by, and the pages' plans would be guesses until then.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE "
                + ", ".join(m._meta.db_table for m in (FigureAverage, FigureLatest, FigurePool))
            )
    return {"averages": len(averages), "latest": len(latest), "pools": pools}


def figures_from_values(
    *, indicator_ids: list[int] | None = None
) -> tuple[dict[AverageKey, tuple[Decimal, int]], dict[tuple[int, int], dict]]:
    """The maintained figures computed from scratch (one pass over the averaged values):
    ({average key: (sum, count)}, {(indicator id, organisation id): latest row fields})."""
    values = averaged_values()
    if indicator_ids is not None:
        values = values.filter(indicator_id__in=indicator_ids)
    rows = values.values_list(
        "indicator_id",
        "organisation_id",
        "organisation__kind",
        "organisation__county__code",
        "indicator__reported_by",
        "is_member",
        "year",
        "value",
        "status",
    ).order_by("indicator_id", "organisation_id", "year")
    similar_of = _similar_of()
    averages: dict[AverageKey, list] = defaultdict(lambda: [Decimal(0), 0])
    by_pair: dict[tuple[int, int], dict[int, tuple[Decimal, str]]] = defaultdict(dict)
    kinds: dict[int, str] = {}
    for (
        indicator_id,
        organisation_id,
        kind,
        county,
        reported_by,
        member,
        year,
        value,
        status,
    ) in rows.iterator(chunk_size=5000):
        for key in _average_keys(
            kind=kind,
            county=county,
            indicator_id=indicator_id,
            year=year,
            member=member,
            national=reported_by == Indicator.ReportedBy.NATIONAL,
            similar_of=similar_of.get(organisation_id, ()),
        ):
            averages[key][0] += value
            averages[key][1] += 1
        if member:  # latest values are current members' only
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
    else:
        _latest_refresh_here(pairs=pairs)
    # Whom "Lär av" suggests follows the latest values (services.figure_pools).
    pools_refresh(indicator_ids={indicator_id for indicator_id, _organisation in pairs})


def _latest_refresh_here(*, pairs: set[tuple[int, int]]) -> None:
    """_latest_refresh computed in Python (SQLite, or few pairs)."""
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
