"""Site-wide writes: the reference register (counties, municipalities, regions) and the data
version every cached page and figure is keyed by."""

import csv
from pathlib import Path

from django.db import transaction

from members.models import County, Municipality, SiteState


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_data_load(*, fixtures_dir: Path) -> dict[str, int]:
    """Load counties, municipalities and regions; safe to run again (it updates in place)."""
    counties = {}
    for row in _rows(fixtures_dir / "counties.csv"):
        county, _created = County.objects.update_or_create(
            code=row["county_code"],
            defaults={"name": row["county_name"], "short_name": row["county_name_short"]},
        )
        counties[county.code] = county

    # Municipalities and regions are both organisations in a county; each file names its own
    # columns for the code and the name.
    loaded = {}
    for key, kind, code_column, name_column in (
        (
            "municipalities",
            Municipality.Kind.MUNICIPALITY,
            "municipality_code",
            "municipality_name",
        ),
        ("regions", Municipality.Kind.REGION, "county_code", "region_name"),
    ):
        rows = _rows(fixtures_dir / f"{key}.csv")
        for row in rows:
            Municipality.objects.update_or_create(
                code=row[code_column],
                defaults={
                    "name": row[name_column],
                    "county": counties[row["county_code"]],
                    "kind": kind,
                },
            )
        loaded[key] = len(rows)
    return {"counties": len(counties), **loaded}


def site_data_changed() -> None:
    """Mark the public data as changed: every cached page and figure is rebuilt on next view.

    Called by every write that changes what public pages show, inside its transaction: other
    processes see the new version exactly when they can see the new data (at commit), and a
    rolled-back write leaves the version as it was. The row lock this takes also orders
    concurrent writers, which is cheap at this association's scale.
    """
    version = SiteState.new_version()
    updated = SiteState.objects.filter(pk=SiteState.SINGLETON_ID).update(data_version=version)
    if not updated:
        SiteState.objects.update_or_create(
            pk=SiteState.SINGLETON_ID, defaults={"data_version": version}
        )


def site_demo_set(*, parameters: dict | None) -> None:
    SiteState.objects.update_or_create(pk=SiteState.SINGLETON_ID, defaults={"demo": parameters})
    site_data_changed()
