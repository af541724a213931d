"""Kolada's KPI catalogue, copied into KoladaKpi so reporters can search it locally."""

from __future__ import annotations

import datetime

from django.db import transaction

from indicators.kolada import KoladaClient
from indicators.models import KoladaKpi

FIELDS = ["title", "description", "has_ou_data", "municipality_type", "publication_date"]


def _date(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _kpi(item: dict) -> KoladaKpi | None:
    kpi_id = str(item.get("id", "")).strip().upper()
    if not kpi_id or len(kpi_id) > 10:
        return None
    return KoladaKpi(
        id=kpi_id,
        title=str(item.get("title") or kpi_id)[:500],
        description=str(item.get("description") or ""),
        has_ou_data=bool(item.get("has_ou_data")),
        municipality_type=str(item.get("municipality_type") or "")[:5],
        publication_date=_date(item.get("publication_date")),
    )


def kolada_catalogue_sync(*, client: KoladaClient | None = None, dry_run: bool = False) -> int:
    """Fetch Kolada's KPI catalogue (/kpi, paged) and store it, page by page in its own
    transaction; returns how many KPIs it read. KPIs Kolada no longer lists stay (an own
    figure may still name one). Raises KoladaError when a page fails after its retries."""
    client = client or KoladaClient()
    count = 0
    for page in client.kpi_pages():
        kpis = [kpi for kpi in map(_kpi, page.items) if kpi is not None]
        count += len(kpis)
        if dry_run or not kpis:
            continue
        with transaction.atomic():
            KoladaKpi.objects.bulk_create(
                kpis,
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=[*FIELDS, "updated_at"],
            )
    return count
