"""Reads of the key figures for pages, downloads and the API: plain dicts and lists."""

from indicators.models import Indicator, IndicatorValue
from indicators.numbers import format_decimal


def current_indicators() -> list[Indicator]:
    """The current revision's measurable indicators (not the grouping rows), in display order."""
    return list(
        Indicator.objects.current()
        .filter(children__isnull=True)
        .select_related("revision", "parent")
        .order_by("display_order", "code")
    )


def member_latest_values(*, organisation_id: int) -> list[dict]:
    """For each current indicator, the member's latest value (or None): two queries."""
    indicators = current_indicators()
    latest: dict[int, IndicatorValue] = {}
    for value in IndicatorValue.objects.filter(
        organisation_id=organisation_id, indicator__in=indicators
    ).order_by("indicator_id", "year"):
        latest[value.indicator_id] = value
    rows = []
    for indicator in indicators:
        value = latest.get(indicator.pk)
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "value": value.value if value else None,
                "display": format_decimal(value.value, indicator.decimals) if value else "",
                "year": value.year if value else None,
                "preliminary": bool(value and value.status == IndicatorValue.Status.PRELIMINARY),
            }
        )
    return rows


# --- Open data: the API and the CSV/XLSX downloads read the same rows ------------------------
# (Kept apart from the page selectors above. No personal data: no contact persons, no user
# who entered a value, no reporter's comment.)


def indicator_catalogue(*, revision: str | None = None) -> list[dict]:
    """The catalogue of one revision (the current one unless named), in display order."""
    indicators = Indicator.objects.select_related("revision", "parent", "continues__revision")
    indicators = (
        indicators.filter(revision__code=revision) if revision else indicators.current()
    ).order_by("display_order", "code")
    return [
        {
            "code": i.code,
            "revision": i.revision.code,
            "name": i.name,
            "name_en": i.name_en,
            "description": i.description,
            "unit": i.unit,
            "direction": i.direction,
            "decimals": i.decimals,
            "min_value": i.min_value,
            "max_value": i.max_value,
            "source": i.source,
            "reported_by": i.reported_by,
            "parent": i.parent.code if i.parent else None,
            "continues": (
                {"revision": i.continues.revision.code, "code": i.continues.code}
                if i.continues
                else None
            ),
        }
        for i in indicators
    ]


OPEN_VALUE_FIELDS = {
    "organisation": "organisation__code",
    "organisation_name": "organisation__name",
    "county": "organisation__county__code",
    "indicator": "indicator__code",
    "revision": "indicator__revision__code",
    "indicator_name": "indicator__name",
    "year": "year",
    "value": "value",
    "unit": "indicator__unit",
    "status": "status",
    "source": "indicator__source",
    "source_note": "source_note",
}


def values_open_data(
    *,
    indicator_id: int | None = None,
    revision_code: str | None = None,
    organisation_id: int | None = None,
    county_code: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[int, list[dict]]:
    """(how many match, one page of them as dicts): two queries whatever the page size.

    Ordered by organisation, indicator and year, so pages are stable.
    """
    values = IndicatorValue.objects.all()
    if indicator_id is not None:
        values = values.filter(indicator_id=indicator_id)
    if revision_code:
        values = values.filter(indicator__revision__code=revision_code)
    if organisation_id is not None:
        values = values.filter(organisation_id=organisation_id)
    if county_code:
        values = values.filter(organisation__county__code=county_code)
    if year_from is not None:
        values = values.filter(year__gte=year_from)
    if year_to is not None:
        values = values.filter(year__lte=year_to)
    count = values.count()
    values = values.order_by(
        "organisation__code", "indicator__revision__code", "indicator__display_order",
        "indicator__code", "year",
    )  # fmt: skip
    page = values[offset : offset + limit] if limit is not None else values[offset:]
    rows = page.values_list(*OPEN_VALUE_FIELDS.values())
    return count, [dict(zip(OPEN_VALUE_FIELDS, row, strict=True)) for row in rows]
