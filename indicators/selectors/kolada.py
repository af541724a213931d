"""Kolada: the local copy of its KPI catalogue, and when each figure was last synced."""

from django.db.models import Q

from indicators.models import ImportRunFigure, KoladaKpi

SEARCH_LIMIT = 25


def kolada_kpi_search(*, query: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """KPIs whose id or title matches every word of `query`, ids first (plain dicts).

    Compared in Python after a first filter on the database: SQLite's LIKE folds only ASCII,
    and titles are Swedish ("Hushållsavfall" must match "hushållsavfall").
    """
    words = [word.casefold() for word in query.split() if word.strip()]
    if not words:
        return []
    exact = query.strip().upper()
    candidates = KoladaKpi.objects.filter(
        Q(id__iexact=exact)
        | Q(title__icontains=words[0])
        | Q(title__icontains=words[0].upper())
        | Q(title__icontains=words[0].capitalize())
    ).order_by("id")
    found = []
    for kpi in candidates.iterator():
        text = f"{kpi.id} {kpi.title}".casefold()
        if kpi.id == exact or all(word in text for word in words):
            found.append(
                {
                    "id": kpi.id,
                    "title": kpi.title,
                    "description": kpi.description,
                    "municipality_type": kpi.municipality_type,
                    "exact": kpi.id == exact,
                }
            )
    found.sort(key=lambda kpi: (not kpi["exact"], kpi["id"]))
    return found[:limit]


def kolada_kpi_object(*, kpi_id: str) -> KoladaKpi | None:
    return KoladaKpi.objects.filter(id=kpi_id.strip().upper()).first()


def kolada_last_syncs(*, indicator_ids: list[int]) -> dict[int, dict]:
    """{indicator id: {"at", "created", "updated", "unchanged", "skipped"}} of each figure's
    latest Kolada run (one query)."""
    latest: dict[int, dict] = {}
    rows = (
        ImportRunFigure.objects.filter(indicator_id__in=indicator_ids)
        .select_related("run")
        .order_by("indicator_id", "-run__started_at", "-run_id")
    )
    for row in rows:
        latest.setdefault(
            row.indicator_id,
            {
                "at": row.run.started_at,
                "succeeded": row.run.succeeded,
                "created": row.created,
                "updated": row.updated,
                "unchanged": row.unchanged,
                "skipped": row.skipped,
            },
        )
    return latest
