"""Filters and small helpers every selector module shares (private to the package)."""

from decimal import Decimal

from django.db.models import F, Q

from common.numbers import format_decimal
from indicators.models import (
    Indicator,
)
from members.models import (
    Municipality,
    is_current_member,
)

# Values of current members.
ACTIVE = is_current_member("organisation")
# Values of the common catalogue: own figures never enter averages or good examples.
COMMON = Q(indicator__owner__isnull=True)


# Values of organisations the figure applies to: a region's value of a municipal figure (household
# waste, say) is never compared, averaged or suggested.
APPLICABLE = Q(indicator__applies_to=Indicator.AppliesTo.ALL) | Q(
    indicator__applies_to=F("organisation__kind")
)


MUNICIPALITY = Municipality.Kind.MUNICIPALITY
REGION = Municipality.Kind.REGION


def _compared_kinds(indicator: Indicator) -> list[str]:
    """The kinds of organisation compared on `indicator`, the main one first (like with like)."""
    if indicator.applies_to == Indicator.AppliesTo.REGION:
        return [REGION]
    if indicator.applies_to == Indicator.AppliesTo.MUNICIPALITY:
        return [MUNICIPALITY]
    return [MUNICIPALITY, REGION]


def _measurable(queryset):
    """Indicators that carry values (not the rows that only group sub-indicators)."""
    return queryset.filter(children__isnull=True)


def _display(value: float | None, indicator: dict) -> str:
    if value is None:
        return ""
    return format_decimal(Decimal(repr(value)), indicator["decimals"])
