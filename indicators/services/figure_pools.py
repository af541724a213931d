"""The members "Lär av" draws on, per figure and kind of organisation (models.FigurePool).

Kept on write like the other maintained figures: indicators.services.figures calls
`pools_refresh` in the same transaction whenever current members' latest values may have
changed (values written or deleted, an organisation joining or leaving) and `pools_rebuild`
when it recomputes everything. A pool is computed from the maintained latest values of its
figure (one row per current member, about 300), never from the values themselves, so a write
costs the same whatever the size of the register.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from indicators import analysis
from indicators.models import FigurePool, Indicator
from indicators.selectors.averages import latest_pairs

POOL_COLUMNS = ["lower_is_better", "strong", "top_size", "improvers"]


def pools_refresh(*, indicator_ids: Iterable[int]) -> None:
    """Compute again the pools of these figures (both kinds) from their latest values, and drop
    the pools left without members: 3 queries (lock, read, write), 4 when one is dropped.

    The pools' rows are locked first (in one order): two members saving the same figure at
    once then rank one after the other, the second with the first's latest value committed,
    instead of the later write overwriting the pool with a ranking that missed the other.
    """
    ids = set(indicator_ids)
    if not ids:
        return
    # In the caller's transaction (no savepoint: no extra queries), or in one of its own when
    # called outside any (a rebuild from the command line): the lock needs a transaction.
    with transaction.atomic(savepoint=False):
        _pools_refresh(ids)


def _pools_refresh(ids: set[int]) -> None:
    existing = set(
        FigurePool.objects.select_for_update()
        .filter(indicator_id__in=ids)
        .order_by("pk")
        .values_list("indicator_id", "organisation_kind")
    )
    found = latest_pairs(indicator_ids=list(ids))  # own figures have no latest values
    gone = existing - found.keys()
    if gone:
        where = Q()
        for indicator_id, kind in gone:
            where |= Q(indicator_id=indicator_id, organisation_kind=kind)
        FigurePool.objects.filter(where).delete()
    FigurePool.objects.bulk_create(
        [
            FigurePool(
                indicator_id=indicator_id,
                organisation_kind=kind,
                lower_is_better=figure["lower_is_better"],
                **FigurePool.stored(
                    analysis.learn_from_pool(
                        pairs=figure["pairs"], lower_is_better=figure["lower_is_better"]
                    )
                ),
            )
            for (indicator_id, kind), figure in found.items()
        ],
        update_conflicts=True,
        unique_fields=["indicator", "organisation_kind"],
        update_fields=POOL_COLUMNS,
    )


def pools_rebuild(*, indicator_ids: list[int] | None = None) -> int:
    """Every pool (of `indicator_ids`, or of the whole catalogue) anew; returns how many."""
    stale = FigurePool.objects.all()
    if indicator_ids is None:
        indicator_ids = list(Indicator.objects.common().values_list("pk", flat=True))
    else:
        stale = stale.filter(indicator_id__in=indicator_ids)
    stale.delete()
    pools_refresh(indicator_ids=indicator_ids)
    return FigurePool.objects.filter(indicator_id__in=indicator_ids).count()
