"""Own key figures (egna nyckeltal): a member's own figures, their catalogue and pages."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from common.numbers import decimal_places, format_decimal
from indicators.models import (
    Indicator,
    Target,
)
from members.collation import swedish


def _own_summary(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "label": indicator.label,
        "name": indicator.name,
        "description": indicator.description,
        "unit": indicator.unit,
        "direction_label": indicator.get_direction_display(),
        "decimals": indicator.decimals,
        "source": indicator.source,
        "kolada_kpi": indicator.kolada_kpi,
        "retired_on": indicator.retired_on,
        "owner": {
            "id": indicator.owner_id,
            "code": indicator.owner.code,
            "name": indicator.owner.name,
        },
        "range": _valid_range(indicator),
    }


def _valid_range(indicator: Indicator) -> str:
    def fmt(bound: Decimal) -> str:
        return format_decimal(bound, min(indicator.decimals, decimal_places(bound)))

    low, high = indicator.min_value, indicator.max_value
    if low is not None and high is not None:
        return f"{fmt(low)}–{fmt(high)}"
    if low is not None:
        return _("minst %(value)s") % {"value": fmt(low)}
    if high is not None:
        return _("högst %(value)s") % {"value": fmt(high)}
    return ""


def _families(indicators: list[Indicator]) -> dict[int, int]:
    """{indicator id: id of the figure its family started from}, walking adoptions upwards."""
    parent = {i.pk: i.adopted_from_id for i in indicators}
    roots = {}
    for indicator in indicators:
        current, seen = indicator.pk, set()
        while parent.get(current) and current not in seen:
            seen.add(current)
            current = parent[current]
        roots[indicator.pk] = current
    return roots


def own_indicator_catalogue(*, organisation_ids: list[int] | None = None) -> dict:
    """Every member's own figures in use, by member, with how many have adopted each: 1 query.

    `organisation_ids` (the organisations the visitor may write for) get, per figure, which of
    them already follow it in some form (the figure itself, or any adoption in its family).
    """
    everything = list(
        Indicator.objects.own()
        .select_related("owner", "adopted_from__owner")
        .order_by(swedish("owner__name"), "display_order")
    )
    roots = _families(everything)
    followers: dict[int, set[int]] = defaultdict(set)
    for indicator in everything:
        followers[roots[indicator.pk]].add(indicator.owner_id)
    mine = set(organisation_ids or [])
    groups: dict[int, dict] = {}
    for indicator in everything:
        if indicator.is_retired:
            continue
        group = groups.setdefault(
            indicator.owner_id,
            {"code": indicator.owner.code, "name": indicator.owner.name, "figures": []},
        )
        followed = followers[roots[indicator.pk]] & mine
        group["figures"].append(
            _own_summary(indicator)
            | {
                # Everyone else following the same definition, adoptions of adoptions too.
                "others": len(followers[roots[indicator.pk]]) - 1,
                "adopted_from_owner": (
                    indicator.adopted_from.owner.name
                    if indicator.adopted_from_id and indicator.adopted_from.owner_id
                    else ""
                ),
                "followed_by": sorted(followed),
            }
        )
    return {
        "members": list(groups.values()),
        "count": sum(len(g["figures"]) for g in groups.values()),
    }


def own_indicator_object(*, pk: int) -> Indicator | None:
    """The figure `pk` with its owner and origin (1 query), or None.

    Any figure, not only own ones: a figure promoted to the catalogue keeps its address, and
    the view sends the visitor on to the catalogue's page.
    """
    return (
        Indicator.objects.select_related("owner", "adopted_from__owner", "revision")
        .filter(pk=pk)
        .first()
    )


def own_indicator_detail(*, indicator: Indicator) -> dict:
    """An own figure's page: its definition, where it came from, who adopted it: 2 queries."""
    adoptions = list(
        Indicator.objects.filter(adopted_from=indicator)
        .select_related("owner")
        .order_by(swedish("owner__name"))
    )
    targets = [
        {"year": t.year, "value": format_decimal(t.value, decimal_places(t.value)), "note": t.note}
        for t in Target.objects.filter(
            organisation_id=indicator.owner_id, indicator=indicator
        ).order_by("year")
    ]
    source = indicator.adopted_from
    return {
        "figure": _own_summary(indicator),
        "adopted_from": (
            {
                "id": source.pk,
                "label": source.label,
                "owner": source.owner.name if source.owner_id else "",
                "owner_code": source.owner.code if source.owner_id else "",
            }
            if source is not None
            else None
        ),
        "adopters": [
            {
                "id": a.pk,
                "code": a.owner.code,
                "name": a.owner.name,
                "label": a.label,
                "retired_on": a.retired_on,
            }
            for a in adoptions
        ],
        "targets": targets,
    }
