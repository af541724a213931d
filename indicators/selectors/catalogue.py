"""The indicator catalogue: which figures exist, their lookups and their summaries."""

from decimal import Decimal

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext

from indicators.models import (
    Indicator,
    StatusBand,
)
from indicators.numbers import decimal_places, format_decimal
from indicators.selectors._common import _measurable, _number


def current_indicators(*, with_bands: bool = True) -> list[Indicator]:
    """The current revision's measurable indicators in display order (with bands: 2 queries).

    Only the common catalogue: a member's own figures are never among them, so nothing built
    on this list (averages, good examples, completeness) ever counts them.
    """
    queryset = _measurable(Indicator.objects.common().current()).select_related(
        "revision", "continues__revision"
    )
    if with_bands:
        queryset = queryset.prefetch_related(
            Prefetch("bands", queryset=StatusBand.objects.order_by("order"))
        )
    return list(queryset.order_by("display_order", "code"))


def current_and_own_indicators(
    *, own: Q, with_bands: bool = True, applying_to: Q | None = None
) -> tuple[list[Indicator], list[Indicator]]:
    """current_indicators() and the own figures matching `own`, in one query (two with bands).

    Own figures come in their own list (active first, then retired), so callers keep them apart
    from the common ones. `applying_to` narrows the catalogue's figures (e.g. to one kind of
    organisation).
    """
    catalogue = Q(owner__isnull=True, revision__is_current=True)
    if applying_to is not None:
        catalogue &= applying_to
    queryset = (
        _measurable(Indicator.objects.filter(catalogue | own))
        .select_related("revision", "continues__revision", "adopted_from__owner")
        .order_by("display_order", "code")
    )
    if with_bands:
        queryset = queryset.prefetch_related(
            Prefetch("bands", queryset=StatusBand.objects.order_by("order"))
        )
    common, owned = [], []
    for indicator in queryset:
        (owned if indicator.is_own else common).append(indicator)
    owned.sort(key=lambda i: (i.is_retired, i.display_order, i.code))
    return common, owned


def indicator_detail_object(*, code: str, revision: str | None = None) -> Indicator:
    queryset = Indicator.objects.select_related("revision", "continues__revision", "parent")
    queryset = queryset.prefetch_related(
        Prefetch("bands", queryset=StatusBand.objects.order_by("order"))
    )
    queryset = queryset.common()
    if revision is None:
        queryset = queryset.filter(revision__is_current=True)
    else:
        queryset = queryset.filter(revision__code=revision)
    indicator = queryset.filter(code=code, children__isnull=True).first()
    if indicator is None:
        raise Http404("Nyckeltalet finns inte.")
    return indicator


def indicator_summary(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.display_name,
        "name_en": indicator.name_en,
        "unit": indicator.display_unit,
        "decimals": indicator.decimals,
        "direction": indicator.direction,
        "direction_label": indicator.get_direction_display(),
        "lower_is_better": indicator.lower_is_better,
        "source": indicator.display_source,
        "description": indicator.description,
        "reported_by": indicator.get_reported_by_display(),
        "applies_to": indicator.applies_to,
        "revision": indicator.revision.code if indicator.revision_id else None,
        "is_current": indicator.revision.is_current if indicator.revision_id else True,
        "label": indicator.label,
        "own": indicator.is_own,
        "retired_on": indicator.retired_on,
        "kolada_kpi": indicator.kolada_kpi,
        "min_value": _number(indicator.min_value),
        "max_value": _number(indicator.max_value),
        "bands": [
            {
                "label": gettext(band.label),
                "lower": _number(band.lower),
                "upper": _number(band.upper),
                "order": band.order,
                "range": _band_range(band.lower, band.upper, indicator.decimals),
            }
            for band in indicator.bands.all()
        ],
        "continues": (
            {
                "id": indicator.continues.pk,
                "code": indicator.continues.code,
                "name": indicator.continues.display_name,
                "revision": indicator.continues.revision.code,
            }
            if indicator.continues_id
            else None
        ),
    }


def _band_range(lower: Decimal | None, upper: Decimal | None, decimals: int) -> str:
    def fmt(bound: Decimal) -> str:
        return format_decimal(bound, min(decimals, decimal_places(bound)))

    if lower is not None and upper is not None:
        return f"{fmt(lower)}–{fmt(upper)}"
    return f"> {fmt(lower)}" if lower is not None else f"< {fmt(upper)}"


def reported_indicators() -> list[Indicator]:
    """The current revision's measurable indicators that members report themselves."""
    return [
        i
        for i in current_indicators(with_bands=False)
        if i.reported_by == Indicator.ReportedBy.MEMBER
    ]
