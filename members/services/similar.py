"""Similar organisations ("liknande kommuner"): whom an organisation is compared with.

Kolada's municipality groups are not available offline, so similarity is the documented
fallback: for each organisation, the `settings.SIMILAR_ORGANISATIONS` (default 10)
organisations of the same kind (municipalities with municipalities, regions with regions)
whose latest recorded population is nearest to its own. Organisations without a population
have no similar ones and are similar to none. When the Kolada sync provides groups, it writes
these rows instead.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from members import hooks
from members.models import Municipality, Population, SimilarOrganisation


def similar_choose(*, populations: dict[int, tuple[str, int]], size: int) -> dict[int, list[int]]:
    """{organisation id: the `size` ids of its kind with the nearest population, nearest first}.

    `populations` maps each organisation to (kind, inhabitants). Ties go to the smaller id, so
    the choice is the same on every run.
    """
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for pk, (kind, inhabitants) in populations.items():
        by_kind.setdefault(kind, []).append((inhabitants, pk))
    chosen = {}
    for members in by_kind.values():
        for inhabitants, pk in members:
            others = sorted(
                (abs(other - inhabitants), other_pk)
                for other, other_pk in members
                if other_pk != pk
            )
            chosen[pk] = [other_pk for _distance, other_pk in others[:size]]
    return chosen


@transaction.atomic
def similar_organisations_rebuild(*, size: int | None = None) -> dict[str, int]:
    """Recompute every organisation's similar set from the latest populations; the averages
    over similar organisations follow (members.hooks, same transaction).

    Returns how many organisations have a set and how many rows there are.
    """
    size = settings.SIMILAR_ORGANISATIONS if size is None else size
    latest = Population.objects.filter(municipality=OuterRef("pk")).order_by("-year")
    populations = {
        pk: (kind, inhabitants)
        for pk, kind, inhabitants in Municipality.objects.annotate(
            inhabitants=Subquery(latest.values("inhabitants")[:1])
        )
        .filter(inhabitants__isnull=False)
        .values_list("pk", "kind", "inhabitants")
        .order_by()
    }
    chosen = similar_choose(populations=populations, size=size)
    SimilarOrganisation.objects.all().delete()
    SimilarOrganisation.objects.bulk_create(
        [
            SimilarOrganisation(organisation_id=pk, similar_id=other)
            for pk, others in chosen.items()
            for other in others
        ],
        batch_size=2000,
    )
    hooks.similar_organisations_changed()
    return {
        "organisations": sum(1 for others in chosen.values() if others),
        "rows": sum(len(others) for others in chosen.values()),
    }
