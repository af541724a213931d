"""The open API's averages per year (/api/v1/averages/): SEKOM, the county, Sweden and the
similar organisations, as the member and indicator pages show them. Part of indicators.api."""

from typing import Literal

from ninja import Field, Query, Schema

from indicators.api import CODE, INDICATOR, REVISION, error, known_revision, public_get
from indicators.selectors import area_sizes, indicator_by_code, yearly_averages
from indicators.selectors._common import _compared_kinds
from members.models import Municipality


class AverageOut(Schema):
    year: int
    sekom: float | None = Field(..., description="Medel över SEKOM:s nuvarande medlemmar.")
    sekom_n: int = Field(..., description="Antal medlemmar med värde det året.")
    county: float | None = Field(
        ...,
        description="Medel i länet: alla organisationer av slaget för ett nyckeltal från en "
        "nationell databas, annars länets medlemmar.",
    )
    county_n: int
    sweden: float | None = Field(
        ..., description="Medel över alla i Sverige (bara nyckeltal från nationell databas)."
    )
    sweden_n: int
    similar: float | None = Field(
        ...,
        description="Medel över organisationens liknande kommuner (samma slag, närmast i "
        "folkmängd; bara nyckeltal från nationell databas).",
    )
    similar_n: int


class AreaSizesOut(Schema):
    county: int | None = Field(..., description="Organisationer av slaget i länet.")
    sweden: int | None = Field(..., description="Organisationer av slaget i Sverige.")
    similar: int | None = Field(..., description="Organisationens liknande kommuner.")


class AveragesOut(Schema):
    indicator: str
    revision: str
    kind: Literal["kommun", "region"] = Field(..., description="Kommuner eller regioner.")
    organisation: str | None = Field(..., description="Organisationen vars län och liknande.")
    reported_by: Literal["member", "national"]
    sizes: AreaSizesOut
    results: list[AverageOut]


class AverageFilters(Schema):
    indicator: str = Field(..., pattern=INDICATOR, description="Nyckeltalets kod.")
    revision: str | None = Field(
        None, pattern=REVISION, description="Revisionen som koden avser; annars den gällande."
    )
    organisation: str | None = Field(
        None,
        pattern=CODE,
        description="Kommunkod eller länskod: lägger till dess län och liknande kommuner.",
    )


@public_get("/averages/", AveragesOut, summary="Medelvärden per år: SEKOM, län, Sverige, liknande")
def averages(request, filters: Query[AverageFilters]):
    revision = known_revision(filters.revision)
    indicator = indicator_by_code(code=filters.indicator, revision=revision)
    if indicator is None:
        raise error(f"Okänt nyckeltal {filters.indicator} i revision {revision}.")
    organisation = None
    if filters.organisation:
        organisation = Municipality.objects.filter(code=filters.organisation).first()
        if organisation is None:
            raise error(f"Ingen kommun eller region har koden {filters.organisation}.")
    # Like with like: a region's averages are the regions'.
    kind = organisation.kind if organisation else _compared_kinds(indicator)[0]
    county_id = organisation.county_id if organisation else None
    per_year = yearly_averages(
        indicator_ids=[indicator.pk],
        kind=kind,
        county_id=county_id,
        similar_code=organisation.code if organisation else None,
    ).get(indicator.pk, {})
    national = indicator.reported_by == indicator.ReportedBy.NATIONAL
    sizes = (
        area_sizes(
            kind=kind,
            county_id=county_id,
            organisation_id=organisation.pk if organisation else None,
        )
        if national
        else {}
    )
    return {
        "indicator": indicator.code,
        "revision": revision,
        "kind": kind,
        "organisation": organisation.code if organisation else None,
        "reported_by": indicator.reported_by,
        "sizes": {
            "county": sizes.get("county") if organisation else None,
            "sweden": sizes.get("sweden"),
            "similar": sizes.get("similar") if organisation else None,
        },
        "results": [{"year": year, **per_year[year]} for year in sorted(per_year)],
    }
