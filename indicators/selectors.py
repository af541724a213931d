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
