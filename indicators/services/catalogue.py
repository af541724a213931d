"""Loading the indicator catalogue (revisions, indicators, status bands, national
targets) from the JSON in fixtures/."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from indicators.models import Indicator, Revision, StatusBand, Target


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@transaction.atomic
def catalogue_load(*, path: Path) -> dict[str, int]:
    """Load the indicator catalogue (all revisions) from JSON; safe to run again."""
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = {"revisions": 0, "indicators": 0, "bands": 0, "targets": 0}
    by_revision: dict[str, dict[str, Indicator]] = {}
    # Current revision last, so that the partial unique constraint never sees two.
    Revision.objects.filter(is_current=True).exclude(
        code__in=[r["code"] for r in data["revisions"] if r["is_current"]]
    ).update(is_current=False)
    for rev in data["revisions"]:
        revision, _ = Revision.objects.update_or_create(
            code=rev["code"],
            defaults={
                "name": rev["name"],
                "adopted_on": rev.get("adopted_on"),
                "is_current": rev["is_current"],
            },
        )
        counts["revisions"] += 1
        indicators = by_revision.setdefault(revision.code, {})
        for item in rev["indicators"]:
            indicator, _ = Indicator.objects.update_or_create(
                revision=revision,
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "name_en": item["name_en"],
                    "description": item.get("description", ""),
                    "unit": item["unit"],
                    "unit_en": item.get("unit_en", ""),
                    "direction": item["direction"],
                    "decimals": item["decimals"],
                    "min_value": _decimal(item.get("min_value")),
                    "max_value": _decimal(item.get("max_value")),
                    "source": item["source"],
                    "source_en": item.get("source_en", ""),
                    "reported_by": item["reported_by"],
                    "display_order": item["display_order"],
                    "applies_to": item.get("applies_to", Indicator.AppliesTo.ALL),
                    "numerator_label": item.get("numerator_label", ""),
                    "denominator_label": item.get("denominator_label", ""),
                    "input_scale": Decimal(item.get("input_scale", "1")),
                },
            )
            indicators[indicator.code] = indicator
            counts["indicators"] += 1
            indicator.bands.all().delete()
            StatusBand.objects.bulk_create(
                StatusBand(
                    indicator=indicator,
                    order=band["order"],
                    label=band["label"],
                    lower=_decimal(band["lower"]),
                    upper=_decimal(band["upper"]),
                )
                for band in item.get("bands", [])
            )
            counts["bands"] += len(item.get("bands", []))
            for target in item.get("targets", []):
                Target.objects.update_or_create(
                    organisation=None,
                    indicator=indicator,
                    year=target["year"],
                    defaults={"value": Decimal(target["value"]), "note": target.get("note", "")},
                )
                counts["targets"] += 1

    # Links need every indicator in place first.
    revisions = data["revisions"]
    for position, rev in enumerate(revisions):
        indicators = by_revision[rev["code"]]
        earlier = by_revision[revisions[position - 1]["code"]] if position else {}
        for item in rev["indicators"]:
            indicator = indicators[item["code"]]
            indicator.parent = indicators.get(item["parent"]) if item.get("parent") else None
            indicator.continues = earlier.get(item["continues"]) if item.get("continues") else None
            indicator.save(update_fields=["parent", "continues"])
    return counts
