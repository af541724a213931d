"""Averages over the members: SEKOM and county averages per year, recent latest values.

Read from the figures the write services maintain (FigureAverage, FigureLatest): a fixed
number of small queries whose cost follows the figures shown, not the size of the register.

Both are cached by the data version (common.data_version.versioned): pages never recompute
them while no value has changed."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from common.data_version import versioned
from indicators import analysis
from indicators.models import FigureArea, FigureAverage, FigureLatest, Indicator, IndicatorValue
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
    areas = Q(area_kind__in=[FigureArea.SEKOM, FigureArea.SWEDEN], area_code="")
    if county_id is not None:
        areas |= Q(
            area_kind=FigureArea.COUNTY,
            area_code=Subquery(County.objects.filter(pk=county_id).values("code")[:1]),
        )
    if similar_code is not None:
        areas |= Q(area_kind=FigureArea.SIMILAR, area_code=similar_code)
    rows = (
        FigureAverage.objects.filter(areas, organisation_kind=kind, indicator_id__in=indicator_ids)
        .values_list("area_kind", "indicator_id", "year", "value_sum", "value_count")
        .order_by()
    )
    empty = {
        f"{key}{suffix}": None if not suffix else 0
        for key in AREA_KEYS.values()
        for suffix in ("", "_n")
    }
    result: dict[int, dict[int, dict]] = {}
    for area_kind, indicator_id, year, total, count in rows:
        cell = result.setdefault(indicator_id, {}).setdefault(year, dict(empty))
        key = AREA_KEYS[area_kind]
        cell[key] = _mean(total, count)
        cell[f"{key}_n"] = count
    return result


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


def _recent_latest_values(
    *, newest_years: dict[int, int], kind: str, lower_is_better: dict[int, bool]
) -> dict[int, dict]:
    """{indicator id: {"strong": [...], "top": [...], "improvers": [...]}} for the active members
    of `kind` whose latest value is recent (1 query over the maintained latest values: one row
    per member and figure, whatever the years behind it): the strong set (analysis.strong_set),
    the best quarter (analysis.top_quarter) and the members that improved most.

    `newest_years` maps each indicator to the newest year any member of `kind` reported it.
    Only what learn-from needs is kept, not every member's latest row: it is the same for every
    member page of `kind` (and cached so), and much smaller to store.
    """
    if not newest_years:
        return {}
    recent_years = Q()
    for indicator_id, newest in newest_years.items():
        recent_years |= Q(indicator_id=indicator_id, year__gt=newest - analysis.RECENT_YEARS)
    rows = (
        # The figures' ids as well as the OR: the index then reads only the figures shown.
        FigureLatest.objects.filter(
            recent_years, organisation_kind=kind, indicator_id__in=list(newest_years)
        )
        .values_list(*LATEST_FIELDS)
        .order_by()
    )
    # Per figure, each member's (latest row, row five years before or None): one of each per
    # member and figure is all the maintained latest values hold.
    by_indicator: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        latest, *earlier = _latest_rows(row)
        by_indicator[row[0]].append((latest, earlier[0] if earlier else None))
    result = {}
    for indicator_id, pairs in by_indicator.items():
        lower = lower_is_better[indicator_id]
        latest = {pair[0]["organisation_id"]: pair[0] for pair in pairs}
        strong = analysis.strong_set(latest=latest, lower_is_better=lower)
        result[indicator_id] = {
            "strong": strong,
            # The best quarter is the strong set's head (the set is at least three long).
            "top": strong[: analysis.top_quarter_size(latest)],
            # One more than shown: the member itself may be among them.
            "improvers": analysis.improvers_of_pairs(
                pairs, lower_is_better=lower, limit=analysis.LEARN_FROM + 1
            ),
        }
    return result
