"""Averages over the members: SEKOM and county averages per year, recent latest values.

Read from the figures the write services maintain (FigureAverage, FigureLatest): a fixed
number of small queries whose cost follows the figures shown, not the size of the register.

Both are cached by the data version (common.data_version.versioned): pages never recompute
them while no value has changed."""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from common.data_version import versioned
from common.prepared import PreparedQuery
from indicators import analysis
from indicators.models import (
    FigureArea,
    FigureAverage,
    FigureLatest,
    FigurePool,
    Indicator,
    IndicatorValue,
)
from indicators.selectors._common import MUNICIPALITY
from members.models import County, Municipality, SimilarOrganisation

AREA_KEYS = {
    FigureArea.SEKOM: "sekom",
    FigureArea.COUNTY: "county",
    FigureArea.SWEDEN: "sweden",
    FigureArea.SIMILAR: "similar",
}


def yearly_averages(
    *,
    indicator_ids: list[int],
    county_id: int | None = None,
    kind: str = MUNICIPALITY,
    similar_code: str | None = None,
    data_version: int | None = None,
) -> dict[int, dict[int, dict]]:
    """{indicator id: {year: {sekom, sekom_n, county, county_n, sweden, sweden_n, similar,
    similar_n}}} (1 query): each mean with how many values it is over (None and 0: none).

    The SEKOM average of a year is the mean over the active members of `kind` (municipalities
    or regions: like with like) that reported that year, on figures that apply to that kind.
    The county (of `county_id`) counts members on a member-reported figure, everyone of the
    kind on a national-source one; Sweden and the organisations similar to the organisation
    `similar_code` exist for national-source figures only (models.FigureArea). A year is there
    when any of the averages asked for has a value.
    """
    return versioned(
        "averages",
        version=data_version,
        parts=(kind, county_id, similar_code, *sorted(indicator_ids)),
        compute=lambda: _yearly_averages(
            indicator_ids=indicator_ids, county_id=county_id, kind=kind, similar_code=similar_code
        ),
    )


def _yearly_averages(
    *, indicator_ids: list[int], county_id: int | None, kind: str, similar_code: str | None
) -> dict:
    """Read from the maintained sums and counts (indicators.services.figures): the SEKOM,
    Sweden, county and similar rows of each figure and year, by the index (no scan of values)."""
    rows = _AVERAGE_ROWS.rows(
        indicator_ids=indicator_ids, county_id=county_id, kind=kind, similar_code=similar_code
    )
    empty = {
        f"{key}{suffix}": None if not suffix else 0
        for key in AREA_KEYS.values()
        for suffix in ("", "_n")
    }
    result: dict[int, dict[int, dict]] = {}
    keys = {area: (key, f"{key}_n") for area, key in AREA_KEYS.items()}
    for area_kind, indicator_id, year, total, count in rows:
        years = result.get(indicator_id)
        if years is None:
            years = result[indicator_id] = {}
        cell = years.get(year)
        if cell is None:  # one copy per figure and year, not per row (up to four areas)
            cell = years[year] = empty.copy()
        key, key_n = keys[area_kind]
        cell[key] = _mean(total, count)
        cell[key_n] = count
    return result


def _average_rows(
    *, indicator_ids: list[int], county_id: int | None, kind: str, similar_code: str | None
):
    # Each area asked for is a (kind, code) pair; the query asks for the kinds and the codes as
    # two lists (SEKOM and Sweden have the code "", a county two digits, a similar set the
    # organisation's four), so that the index on them is read by equality, not by an OR that
    # makes PostgreSQL read every area's rows of the figures and filter them. No pair of the two
    # lists is another area's: the rows are written with exactly these codes (services.figures).
    kinds, codes = [FigureArea.SEKOM, FigureArea.SWEDEN], [""]
    if county_id is not None:
        kinds.append(FigureArea.COUNTY)
        codes.append(Subquery(County.objects.filter(pk=county_id).values("code")[:1]))
    if similar_code is not None:
        kinds.append(FigureArea.SIMILAR)
        codes.append(similar_code)
    return (
        FigureAverage.objects.filter(
            area_kind__in=kinds,
            area_code__in=codes,
            organisation_kind=kind,
            indicator_id__in=indicator_ids,
        )
        .values_list("area_kind", "indicator_id", "year", "value_sum", "value_count")
        .order_by()
    )


# Built by the ORM once per process and shape (common.prepared): the page asks on every request.
_AVERAGE_ROWS = PreparedQuery(_average_rows)


def organisation_averages(
    *, organisation: Municipality, data_version: int | None = None
) -> dict[tuple[str, str], dict[int, dict]]:
    """{(revision code, indicator code): (decimals, {year: averages})} of every catalogue
    figure, as the
    organisation's page compares it (its kind, its county, its similar organisations): for
    the downloads of one member (2 queries)."""
    figures = {
        pk: (revision, code, decimals)
        for pk, revision, code, decimals in Indicator.objects.common()
        .values_list("pk", "revision__code", "code", "decimals")
        .order_by()
    }
    averages = yearly_averages(
        indicator_ids=list(figures),
        county_id=organisation.county_id,
        kind=organisation.kind,
        similar_code=organisation.code,
        data_version=data_version,
    )
    return {figures[pk][:2]: (figures[pk][2], years) for pk, years in averages.items()}


def area_sizes(
    *,
    kind: str,
    county_id: int | None = None,
    organisation_id: int | None = None,
    data_version: int | None = None,
) -> dict[str, int]:
    """{"county", "sweden", "similar"}: how many organisations of `kind` each average of a
    national-source figure is over at most (in the county `county_id`, in the register, similar
    to `organisation_id`), for the labels "Länet (alla 13 kommuner)": 1 query, cached."""
    return versioned(
        "area-sizes",
        version=data_version,
        parts=(kind, county_id, organisation_id),
        compute=lambda: Municipality.objects.filter(kind=kind).aggregate(
            sweden=Count("pk"),
            county=Count("pk", filter=Q(county_id=county_id)),
            similar=Count(
                "pk",
                filter=Q(
                    Exists(
                        SimilarOrganisation.objects.filter(
                            organisation_id=organisation_id, similar=OuterRef("pk")
                        )
                    )
                ),
            ),
        ),
    )


def _mean(total: Decimal | None, count: int) -> float | None:
    return float(total / count) if count else None


LATEST_FIELDS = (
    "indicator_id",
    "organisation_id",
    "organisation_kind",
    "year",
    "value",
    "status",
    "earlier_value",
    "organisation__code",
    "organisation__name",
    "organisation__county_id",
    "organisation__county__name",
    "organisation__county__code",
)


PRELIMINARY = IndicatorValue.Status.PRELIMINARY.value


def _latest_rows(row: tuple) -> list[dict]:
    """A maintained latest value (a tuple in LATEST_FIELDS order) as the value rows analysis
    reads: the latest one, and the one IMPROVEMENT_SPAN years before it when there is one (all
    `improvers` looks at). Built straight from the tuple: a member page reads ~4 000 of them."""
    (_indicator, organisation_id, kind, year, value, status, earlier) = row[:7]
    latest = {
        "organisation_id": organisation_id,
        "code": row[7],
        "name": row[8],
        "county_id": row[9],
        "county": row[10],
        "county_code": row[11],
        "year": year,
        "value": float(value),
        "preliminary": status == PRELIMINARY,
        "kind": kind,
    }
    if earlier is None:
        return [latest]
    return [
        latest,
        {
            **latest,
            "year": year - analysis.IMPROVEMENT_SPAN,
            "value": float(earlier),
            "preliminary": False,
        },
    ]


def latest_value_rows(*, indicator_id: int) -> list[dict]:
    """Each current member's latest value of one figure (and the one five years before it),
    as value rows: 1 query over that figure's maintained latest values."""
    rows = []
    for row in (
        FigureLatest.objects.filter(indicator_id=indicator_id)
        .values_list(*LATEST_FIELDS)
        .order_by()
    ):
        rows.extend(_latest_rows(row))
    return rows


def latest_pairs(*, indicator_ids: list[int]) -> dict[tuple[int, str], dict]:
    """{(indicator id, kind): {"lower_is_better", "pairs": [(latest row, row IMPROVEMENT_SPAN
    years before or None), ...]}}: every current member's maintained latest value of these
    figures as analysis reads them (organisation id, name, year, value, preliminary), with the
    figure's direction: 1 query."""
    found: dict[tuple[int, str], dict] = {}
    span = analysis.IMPROVEMENT_SPAN
    for indicator_id, organisation_id, kind, year, value, status, earlier, name, direction in (
        FigureLatest.objects.filter(indicator_id__in=indicator_ids)
        .values_list(
            "indicator_id",
            "organisation_id",
            "organisation_kind",
            "year",
            "value",
            "status",
            "earlier_value",
            "organisation__name",
            "indicator__direction",
        )
        .order_by()
    ):
        latest = {
            "organisation_id": organisation_id,
            "name": name,
            "year": year,
            "value": float(value),
            "preliminary": status == PRELIMINARY,
        }
        before = None
        if earlier is not None:
            before = {**latest, "year": year - span, "value": float(earlier), "preliminary": False}
        figure = found.setdefault(
            (indicator_id, kind),
            {"lower_is_better": direction == Indicator.Direction.LOWER, "pairs": []},
        )
        figure["pairs"].append((latest, before))
    return found


def _pool_rows(*, indicator_ids: list[int], kind: str):
    return (
        FigurePool.objects.filter(indicator_id__in=indicator_ids, organisation_kind=kind)
        .values_list(
            "indicator_id",
            "organisation_kind",
            "lower_is_better",
            "strong",
            "top_size",
            "improvers",
        )
        .order_by()
    )


_POOL_ROWS = PreparedQuery(_pool_rows)


def stored_pools(*, indicator_ids: list[int], kind: str) -> dict[tuple[int, str], dict]:
    """{(indicator id, kind): pool} of the figures `indicator_ids` among the organisations of
    `kind`, as kept on write (models.FigurePool: members by id with their numbers, and the
    direction ranked in): 1 query, whatever the number of values. `shown_pools` makes them the
    rows "Lär av" chooses from. Only the pools asked for: each holds its members' numbers as
    JSON, and decoding every figure's of both kinds was a tenth of a member page."""
    return {
        (indicator_id, kind): {
            "lower_is_better": lower,
            "strong": strong,
            "top_size": top_size,
            "improvers": improvers,
        }
        for indicator_id, kind, lower, strong, top_size, improvers in _POOL_ROWS.rows(
            indicator_ids=indicator_ids, kind=kind
        )
    }


def shown_pools(
    *,
    pools: dict[tuple[int, str], dict],
    indicators: list[Indicator],
    kind: str,
    members: dict[int, dict],
) -> dict[int, dict]:
    """{indicator id: {"strong", "top", "improvers"}} for the members of `kind`: the stored
    pools as value rows with each member's code, name and county (`members`: {organisation id:
    {code, name, county_id, county, county_code}}, the current members).

    A figure whose pool was ranked in the other direction than the figure now has (its "lower
    is better" changed past the services) is ranked afresh from the latest values (1 query).
    """
    direction = {i.pk: i.lower_is_better for i in indicators}
    chosen = {
        indicator_id: pools[(indicator_id, kind)]
        for indicator_id, lower in direction.items()
        if pools.get((indicator_id, kind), {}).get("lower_is_better") == lower
    }
    stale = [pk for pk, lower in direction.items() if pk not in chosen and (pk, kind) in pools]
    if stale:
        for (indicator_id, pair_kind), figure in latest_pairs(indicator_ids=stale).items():
            if pair_kind == kind:
                pool = analysis.learn_from_pool(
                    pairs=figure["pairs"], lower_is_better=direction[indicator_id]
                )
                chosen[indicator_id] = FigurePool.stored(pool)
    shown = {}
    for indicator_id, pool in chosen.items():
        # Only organisations in `members` (the current members): one that left past the
        # services (its pool not ranked again) is not suggested.
        strong = [
            _shown_row(row, members=members, kind=kind)
            for row in pool["strong"]
            if row["organisation_id"] in members
        ]
        shown[indicator_id] = {
            "strong": strong,
            "top": strong[: pool["top_size"]],
            "improvers": [
                _shown_row(row, members=members, kind=kind)
                for row in pool["improvers"]
                if row["organisation_id"] in members
            ],
        }
    return shown


def _shown_row(row: dict, *, members: dict[int, dict], kind: str) -> dict:
    """A stored pool row as the value row "Lär av" shows: the member's names and numbers, and
    for an improver its earlier value and gain."""
    member = members[row["organisation_id"]]
    shown = {
        "organisation_id": row["organisation_id"],
        "code": member["code"],
        "name": member["name"],
        "county_id": member["county_id"],
        "county": member["county"],
        "county_code": member["county_code"],
        "year": row["year"],
        "value": row["value"],
        "preliminary": row["preliminary"],
        "kind": kind,
    }
    if "gain" in row:
        shown["earlier"] = {
            **shown,
            "year": row["earlier_year"],
            "value": row["earlier_value"],
            "preliminary": False,
        }
        shown["gain"] = row["gain"]
        shown["gain_share"] = row["gain_share"]
    return shown
