"""Averages over the members: SEKOM and county averages per year, recent latest values.

Both are cached by the data version (common.data_version.versioned): pages never recompute
them while no value has changed."""

from collections import defaultdict

from django.db.models import Avg, Count, Q

from common.data_version import versioned
from indicators import analysis
from indicators.models import (
    IndicatorValue,
    applies_to_kind,
)
from indicators.selectors._common import (
    ACTIVE,
    APPLICABLE,
    COMMON,
    MUNICIPALITY,
    _number,
    _value_row,
)


def yearly_averages(
    *,
    indicator_ids: list[int],
    county_id: int | None = None,
    kind: str = MUNICIPALITY,
    data_version: int | None = None,
) -> dict[int, dict[int, dict]]:
    """{indicator id: {year: {sekom, sekom_n, county, county_n}}} over current members (1 query).

    The SEKOM average of a year is the mean over the active members of `kind` (municipalities
    or regions: like with like) that reported that year, on figures that apply to that kind.
    """
    return versioned(
        "averages",
        version=data_version,
        parts=(kind, county_id, *sorted(indicator_ids)),
        compute=lambda: _yearly_averages(
            indicator_ids=indicator_ids, county_id=county_id, kind=kind
        ),
    )


def _yearly_averages(*, indicator_ids: list[int], county_id: int | None, kind: str) -> dict:
    aggregates = {"sekom": Avg("value"), "sekom_n": Count("id")}
    if county_id is not None:
        in_county = Q(organisation__county_id=county_id)
        aggregates |= {
            "county": Avg("value", filter=in_county),
            "county_n": Count("id", filter=in_county),
        }
    rows = (
        IndicatorValue.objects.filter(ACTIVE, COMMON, indicator_id__in=indicator_ids)
        .filter(applies_to_kind(kind, "indicator__"), organisation__kind=kind)
        .values("indicator_id", "year")
        .annotate(**aggregates)
        .order_by()
    )
    result: dict[int, dict[int, dict]] = {}
    for row in rows:
        result.setdefault(row["indicator_id"], {})[row["year"]] = {
            "sekom": _number(row["sekom"]),
            "sekom_n": row["sekom_n"],
            "county": _number(row.get("county")),
            "county_n": row.get("county_n", 0),
        }
    return result


def _recent_latest_values(
    *, newest_years: dict[int, int], kind: str, lower_is_better: dict[int, bool]
) -> dict[int, dict]:
    """{indicator id: {"latest": {organisation id: latest row}, "improvers": [...]}} for the
    active members of `kind`, recent years only (and far enough back to see who improved most).

    `newest_years` maps each indicator to the newest year any member of `kind` reported it.
    """
    if not newest_years:
        return {}
    recent_years = Q()
    for indicator_id, newest in newest_years.items():
        oldest = newest - analysis.RECENT_YEARS - analysis.IMPROVEMENT_SPAN
        recent_years |= Q(indicator_id=indicator_id, year__gt=oldest)
    rows = (
        IndicatorValue.objects.filter(ACTIVE, COMMON, APPLICABLE, organisation__kind=kind)
        .filter(recent_years)
        .values(
            "indicator_id",
            "organisation_id",
            "year",
            "value",
            "organisation__code",
            "organisation__name",
            "organisation__county_id",
            "organisation__county__name",
            "organisation__county__code",
        )
        .order_by()
    )
    by_indicator: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_indicator[row["indicator_id"]].append(_value_row(row))
    result = {}
    for indicator_id, items in by_indicator.items():
        lower = lower_is_better[indicator_id]
        result[indicator_id] = {
            "latest": analysis.latest_per_member(items),
            # One more than shown: the member itself may be among them.
            "improvers": analysis.improvers(
                rows=items, lower_is_better=lower, limit=analysis.LEARN_FROM + 1
            ),
        }
    return result
