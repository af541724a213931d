"""Open data: the API and the CSV/XLSX downloads read the same rows.

No personal data: no contact persons, no user who entered a value, no reporter's comment."""

from indicators.models import (
    Indicator,
    IndicatorValue,
)
from members.collation import swedish


def compare_values_open_data(*, indicator: Indicator, codes: list[str]) -> list[dict]:
    """The compare page's download: the open-data rows of the compared members (2 queries)."""
    _count, rows = values_open_data(
        indicator_id=indicator.pk, organisation_codes=codes[:5], by_name=True
    )
    return rows


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
            "unit_en": i.unit_en,
            "direction": i.direction,
            "decimals": i.decimals,
            "min_value": i.min_value,
            "max_value": i.max_value,
            "source": i.source,
            "source_en": i.source_en,
            "reported_by": i.reported_by,
            "applies_to": i.applies_to,
            "reported_from": i.reported_from,
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
    organisation_codes: list[str] | None = None,
    county_code: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    offset: int = 0,
    limit: int | None = None,
    by_name: bool = False,
) -> tuple[int, list[dict]]:
    """(how many match, one page of them as dicts): two queries whatever the page size (one
    when every row is asked for).

    `by_name` lists the organisations in Swedish alphabetical order (for downloads people
    read), otherwise by code (the API's stable pages).

    Ordered by organisation, indicator and year, so pages are stable. Open data is the common
    catalogue's figures; members' own figures (no revision) are shown on their pages only.
    """
    asked = {
        "indicator_id": indicator_id,
        "indicator__revision__code": revision_code or None,
        "organisation_id": organisation_id,
        "organisation__code__in": organisation_codes,
        "organisation__county__code": county_code or None,
        "year__gte": year_from,
        "year__lte": year_to,
    }
    values = IndicatorValue.objects.filter(
        indicator__owner__isnull=True,
        **{lookup: wanted for lookup, wanted in asked.items() if wanted is not None},
    )
    values = values.order_by(
        *([swedish("organisation__name")] if by_name else []),
        "organisation__code", "indicator__revision__code", "indicator__display_order",
        "indicator__code", "year",
    )  # fmt: skip
    page = values[offset : offset + limit] if limit is not None else values[offset:]
    names = list(OPEN_VALUE_FIELDS)
    rows = [
        dict(zip(names, row, strict=True)) for row in page.values_list(*OPEN_VALUE_FIELDS.values())
    ]
    # Every row read (a download): their number needs no query of its own.
    count = len(rows) if offset == 0 and limit is None else values.count()
    return count, rows
