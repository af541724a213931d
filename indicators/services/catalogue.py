"""Loading the indicator catalogue (revisions, indicators, status bands, national
targets) from the JSON in fixtures/."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from indicators.models import Indicator, Revision, StatusBand, Target
from indicators.services.figures import figures_indicators_rebuild


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
            indicator = _indicator_load(revision=revision, item=item)
            indicators[indicator.code] = indicator
            counts["indicators"] += 1
            counts["bands"] += _bands_load(indicator=indicator, bands=item.get("bands", []))
            counts["targets"] += _national_targets_load(
                indicator=indicator, targets=item.get("targets", [])
            )
    _links_load(revisions=data["revisions"], by_revision=by_revision)
    # The kinds a figure applies to decide which values count in its averages.
    figures_indicators_rebuild(
        indicator_ids=[i.pk for indicators in by_revision.values() for i in indicators.values()]
    )
    return counts


def _indicator_load(*, revision: Revision, item: dict) -> Indicator:
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
    # The shipped Kolada id fills an empty one only: staff correct it in the admin (the ids
    # are unconfirmed, see the fixture's kolada_kpi_comment) and a reload keeps their choice.
    if item.get("kolada_kpi") and not indicator.kolada_kpi:
        indicator.kolada_kpi = item["kolada_kpi"]
        indicator.save(update_fields=["kolada_kpi"])
    return indicator


def _bands_load(*, indicator: Indicator, bands: list[dict]) -> int:
    """Replace the indicator's status bands by the file's."""
    indicator.bands.all().delete()
    StatusBand.objects.bulk_create(
        StatusBand(
            indicator=indicator,
            order=band["order"],
            label=band["label"],
            lower=_decimal(band["lower"]),
            upper=_decimal(band["upper"]),
        )
        for band in bands
    )
    return len(bands)


def _national_targets_load(*, indicator: Indicator, targets: list[dict]) -> int:
    for target in targets:
        Target.objects.update_or_create(
            organisation=None,
            indicator=indicator,
            year=target["year"],
            defaults={"value": Decimal(target["value"]), "note": target.get("note", "")},
        )
    return len(targets)


def _links_load(*, revisions: list[dict], by_revision: dict[str, dict[str, Indicator]]) -> None:
    """Parents within a revision and series continued from the revision before: these need
    every indicator in place first."""
    for position, rev in enumerate(revisions):
        indicators = by_revision[rev["code"]]
        earlier = by_revision[revisions[position - 1]["code"]] if position else {}
        for item in rev["indicators"]:
            indicator = indicators[item["code"]]
            indicator.parent = indicators.get(item["parent"]) if item.get("parent") else None
            indicator.continues = earlier.get(item["continues"]) if item.get("continues") else None
            indicator.save(update_fields=["parent", "continues"])
