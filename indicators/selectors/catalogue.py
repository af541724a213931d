"""The indicator catalogue: which figures exist, their lookups and their summaries."""

from decimal import Decimal

from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext

from common.numbers import decimal_places, format_decimal, to_float
from indicators.models import (
    Indicator,
    StatusBand,
)
from indicators.selectors._common import _measurable


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
    return _in_display_order(queryset)


def _in_display_order(queryset) -> list[Indicator]:
    """The figures in display order, then by code. Sorted here, not by ORDER BY: with the
    related rows joined the query selects ~100 columns, and Django's ordering step hashes each
    of them per query (over a millisecond on the member page); a catalogue is a few dozen rows.
    (Display orders are unique within a revision, so the codes only ever part own figures.)"""
    return sorted(queryset.order_by(), key=lambda i: (i.display_order, i.code))


def current_and_own_indicators(
    *, own: Q, with_bands: bool = True, applying_to: Q | None = None
) -> tuple[list[Indicator], list[Indicator]]:
    """current_indicators() and the own figures matching `own`, in one query (two with bands,
    one more when an own figure was adopted from another member's).

    Own figures come in their own list (active first, then retired), so callers keep them apart
    from the common ones. `applying_to` narrows the catalogue's figures (e.g. to one kind of
    organisation).
    """
    catalogue = Q(owner__isnull=True, revision__is_current=True)
    if applying_to is not None:
        catalogue &= applying_to
    # Not joined: the figure an own figure was adopted from. Few own figures are adopted, and
    # two more joins doubled the time PostgreSQL takes to plan the query on every request.
    queryset = _measurable(Indicator.objects.filter(catalogue | own)).select_related(
        "revision", "continues__revision"
    )
    if with_bands:
        queryset = queryset.prefetch_related(
            Prefetch("bands", queryset=StatusBand.objects.order_by("order"))
        )
    common, owned = [], []
    for indicator in _in_display_order(queryset):
        (owned if indicator.is_own else common).append(indicator)
    owned.sort(key=lambda i: (i.is_retired, i.display_order, i.code))
    _with_adopted_from(owned)
    return common, owned


def _with_adopted_from(indicators: list[Indicator]) -> None:
    """Each adopted own figure's origin with its owner, read in one query when there is any."""
    wanted = {i.adopted_from_id for i in indicators if i.adopted_from_id}
    if not wanted:
        return
    origins = Indicator.objects.select_related("owner").in_bulk(wanted)
    for indicator in indicators:
        if indicator.adopted_from_id:
            indicator.adopted_from = origins.get(indicator.adopted_from_id)


def same_code(code: str) -> str:
    """An indicator code as the catalogue's lookups compare it: without regard to case.

    "gn.6a" is GN.6a wherever a code is typed or read (pages, downloads, the API, commands):
    the codes people write and the files they load need not repeat the catalogue's capitals.
    The database keeps a revision's codes unique without regard to case
    (indicator_code_unique_in_revision, on Lower("code")), so a match is never ambiguous.
    """
    return code.lower()


def indicator_by_code(
    *,
    code: str,
    revision: str | None = None,
    measurable: bool = False,
    for_page: bool = False,
) -> Indicator | None:
    """The catalogue's indicator `code` in `revision` (the current one unless named), or None.

    The one lookup of an indicator by code and revision (1 query; 2 `for_page`, with its
    bands). Codes match as same_code() says. Only the common catalogue: a member's own figure
    has no revision and a code unique only per member. `measurable` leaves out the rows that
    only group sub-indicators (they have no values and no page).
    """
    queryset = Indicator.objects.common().select_related("revision")
    if for_page:
        queryset = queryset.select_related("continues__revision", "parent").prefetch_related(
            Prefetch("bands", queryset=StatusBand.objects.order_by("order"))
        )
    if revision is None:
        queryset = queryset.filter(revision__is_current=True)
    else:
        queryset = queryset.filter(revision__code=revision)
    if measurable:
        queryset = _measurable(queryset)
    # Lower() on both sides, as in the constraint: the same rule as the one that keeps it unique.
    return queryset.alias(code_key=Lower("code")).filter(code_key=Lower(Value(code))).first()


def indicator_among(indicators: list[Indicator], *, code: str) -> Indicator | None:
    """The indicator of `indicators` (already read) with `code`, matched as same_code() says."""
    wanted = same_code(code)
    return next((i for i in indicators if same_code(i.code) == wanted), None)


def indicator_summary(indicator: Indicator, *, with_bands: bool = True) -> dict:
    """An indicator as the pages show it; without `with_bands` its status bands are left out
    (a page that shows none need not read them)."""
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
        "min_value": to_float(indicator.min_value),
        "max_value": to_float(indicator.max_value),
        "bands": [
            {
                "label": gettext(band.label),
                "lower": to_float(band.lower),
                "upper": to_float(band.upper),
                "order": band.order,
                "range": _band_range(band.lower, band.upper, indicator.decimals),
            }
            for band in (indicator.bands.all() if with_bands else ())
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
