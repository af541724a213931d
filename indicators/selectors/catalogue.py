"""The indicator catalogue: which figures exist, their lookups and their summaries."""

from decimal import Decimal

from django.db.models import Q, Subquery, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext

from common.numbers import decimal_places, format_decimal, to_float
from common.prepared import PreparedQuery
from indicators.models import (
    Indicator,
    StatusBand,
)
from indicators.selectors._common import _measurable
from members.models import Municipality


def current_indicators(*, with_bands: bool = True) -> list[Indicator]:
    """The current revision's measurable indicators in display order (with bands: 2 queries).

    Only the common catalogue: a member's own figures are never among them, so nothing built
    on this list (averages, good examples, completeness) ever counts them.
    """
    indicators = _in_display_order(_CATALOGUE.rows(owner_id=None, in_use_only=False))
    if with_bands:
        _with_bands(indicators)
    return indicators


def _catalogue(*, owner_id: int | None, in_use_only: bool):
    """The current revision's measurable figures, and with `owner_id` only those that apply to
    that organisation's kind, together with its own figures (`in_use_only`: not the retired)."""
    catalogue = Q(owner__isnull=True, revision__is_current=True)
    if owner_id is not None:
        # The owner's kind inside the same query: a region has no household waste.
        kind = Subquery(Municipality.objects.filter(pk=owner_id).order_by().values("kind")[:1])
        catalogue &= Q(applies_to=Indicator.AppliesTo.ALL) | Q(applies_to=kind)
        own = Q(owner_id=owner_id)
        if in_use_only:
            own &= Q(retired_on__isnull=True)
        catalogue |= own
    # Not joined: the figure an own figure was adopted from. Few own figures are adopted, and
    # two more joins doubled the time PostgreSQL takes to plan the query on every request.
    # No ORDER BY: see _in_display_order.
    return (
        _measurable(Indicator.objects.filter(catalogue))
        .select_related("revision", "continues__revision")
        .order_by()
    )


# Read on every member page, indicator list and reporting form: the ORM builds its SQL once.
_CATALOGUE = PreparedQuery(_catalogue)


def _in_display_order(indicators) -> list[Indicator]:
    """The figures in display order, then by code. Sorted here, not by ORDER BY: with the
    related rows joined the query selects ~100 columns, and Django's ordering step hashes each
    of them per query (over a millisecond on the member page); a catalogue is a few dozen rows.
    (Display orders are unique within a revision, so the codes only ever part own figures.)"""
    return sorted(indicators, key=lambda i: (i.display_order, i.code))


def _bands(*, indicator_ids: list[int]):
    return StatusBand.objects.filter(indicator_id__in=indicator_ids).order_by(
        "indicator_id", "order"
    )


_BANDS = PreparedQuery(_bands)


def _with_bands(indicators: list[Indicator]) -> None:
    """Each indicator's status bands in their order as `status_bands` (1 query): the one way
    the catalogue's reads give an indicator its bands, which indicator_summary() shows."""
    by_indicator: dict[int, list[StatusBand]] = {i.pk: [] for i in indicators}
    if by_indicator:
        for band in _BANDS.rows(indicator_ids=sorted(by_indicator)):
            by_indicator[band.indicator_id].append(band)
    for indicator in indicators:
        indicator.status_bands = by_indicator[indicator.pk]


def current_and_own_indicators(
    *, owner_id: int, in_use_only: bool = False, with_bands: bool = True
) -> tuple[list[Indicator], list[Indicator]]:
    """The current revision's measurable figures that apply to organisation `owner_id`'s kind,
    and its own figures (`in_use_only`: not the retired ones), in one query (two with bands,
    one more when an own figure was adopted from another member's).

    Own figures come in their own list (active first, then retired), so callers keep them apart
    from the common ones.
    """
    read = _CATALOGUE.rows(owner_id=owner_id, in_use_only=in_use_only)
    if with_bands:
        _with_bands(read)
    common, owned = [], []
    for indicator in _in_display_order(read):
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
        queryset = queryset.select_related("continues__revision", "parent")
    if revision is None:
        queryset = queryset.filter(revision__is_current=True)
    else:
        queryset = queryset.filter(revision__code=revision)
    if measurable:
        queryset = _measurable(queryset)
    # Lower() on both sides, as in the constraint: the same rule as the one that keeps it unique.
    indicator = queryset.alias(code_key=Lower("code")).filter(code_key=Lower(Value(code))).first()
    if indicator is not None and for_page:
        _with_bands([indicator])
    return indicator


def indicator_among(indicators: list[Indicator], *, code: str) -> Indicator | None:
    """The indicator of `indicators` (already read) with `code`, matched as same_code() says."""
    wanted = same_code(code)
    return next((i for i in indicators if same_code(i.code) == wanted), None)


def indicator_summary(indicator: Indicator, *, with_bands: bool = True) -> dict:
    """An indicator as the pages show it; without `with_bands` its status bands are left out
    (a page that shows none need not read them). With them, the indicator comes from a read
    of this module that gave it its bands (`status_bands`), or they are read now (1 query)."""
    if with_bands and not hasattr(indicator, "status_bands"):
        _with_bands([indicator])
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.display_name,
        "name_en": indicator.name_en,
        "unit": indicator.display_unit,
        "decimals": indicator.decimals,
        "direction": indicator.direction,
        "direction_label": _label(_DIRECTIONS, indicator.direction),
        "lower_is_better": indicator.lower_is_better,
        "source": indicator.display_source,
        "description": indicator.description,
        "reported_by": _label(_REPORTERS, indicator.reported_by),
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
            for band in (indicator.status_bands if with_bands else ())
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


# As get_FOO_display() says them, without its building a dict of the choices on every call
# (twice per figure on a member page); the labels are translated when shown.
_DIRECTIONS = dict(Indicator.Direction.choices)
_REPORTERS = dict(Indicator.ReportedBy.choices)


def _label(choices: dict, value: str) -> str:
    return str(choices.get(value, value))


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
