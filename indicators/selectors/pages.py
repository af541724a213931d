"""The public pages across members: the start page, the indicator page and the compare page."""

from collections import defaultdict

from django.db.models import Count, Q

from common.numbers import format_decimal
from indicators import analysis
from indicators.models import (
    Indicator,
    IndicatorValue,
)
from indicators.selectors._common import (
    REGION,
    _compared_kinds,
    _display,
)
from indicators.selectors.averages import latest_value_rows, yearly_averages
from indicators.selectors.catalogue import (
    current_indicators,
    indicator_by_code,
    indicator_summary,
)
from members.collation import sorted_swedish, swedish
from members.models import (
    ContactPerson,
    County,
    Membership,
    Municipality,
)


def indicator_overview(
    *,
    code: str,
    revision: str | None = None,
    county: str | None = None,
    data_version: int | None = None,
) -> dict | None:
    """The indicator page: description, averages over time, strong examples, improvers and
    every active member's latest value, alphabetical (no rank). Fixed number of queries.

    None when the catalogue has no such measurable indicator in that revision.
    """
    indicator = indicator_by_code(code=code, revision=revision, measurable=True, for_page=True)
    if indicator is None:
        return None
    summary = indicator_summary(indicator)
    kinds = _compared_kinds(indicator)
    # With how many organisations of the compared kind each holds (the labels' "alla 13").
    counties = list(
        County.objects.annotate(size=Count("organisations", filter=Q(organisations__kind=kinds[0])))
        .order_by("code")
        .values("pk", "code", "name", "size")
    )
    chosen = next((c for c in counties if c["code"] == county), None)
    chosen_county = chosen["pk"] if chosen else None
    per_year = yearly_averages(
        indicator_ids=[indicator.pk],
        kind=kinds[0],
        county_id=chosen_county,
        data_version=data_version,
    ).get(indicator.pk, {})
    # Beside SEKOM, a national-source figure's average over all of Sweden (and the chosen
    # county's): what each is over, for the labels (1 query, cached).
    national = indicator.reported_by == Indicator.ReportedBy.NATIONAL
    comparisons = {
        "national": national,
        "kind": kinds[0],
        "sizes": {
            "county": chosen["size"] if chosen else 0,
            "sweden": sum(c["size"] for c in counties),
            "similar": 0,
        },
    }
    rows = _members_values(indicator, summary=summary)
    latest = analysis.latest_per_member(rows)
    examples = {kind: _strong_examples(rows, kind=kind, summary=summary) for kind in kinds}
    best, improved = examples[kinds[0]]
    region_best, region_improved = examples.get(REGION, ([], [])) if len(kinds) > 1 else ([], [])
    table = sorted_swedish(latest.values())
    if county:
        table = [row for row in table if row["county_code"] == county]
    return {
        "indicator": summary,
        "comparisons": comparisons,
        "averages": [
            {"year": year, **per_year[year], "display": _display(per_year[year]["sekom"], summary)}
            for year in sorted(per_year)
        ],
        "national_targets": [
            # Shown from the value, not the note: the note is Swedish text with a Swedish number.
            {"year": t.year, "value": float(t.value), "display": _display(float(t.value), summary)}
            for t in indicator.targets.filter(organisation__isnull=True).order_by("year")
        ],
        # Listed alphabetically: these are examples to learn from, not a ranking.
        "strong": sorted_swedish(best),
        "improvers": sorted_swedish(improved),
        "compared_kind": kinds[0],
        "region_strong": sorted_swedish(region_best),
        "region_improvers": sorted_swedish(region_improved),
        "table": table,
        "counties": counties,
        "county": county,
    }


def _members_values(indicator: Indicator, *, summary: dict) -> list[dict]:
    """Each current member's latest value of `indicator` (with the one five years before it),
    each shown: 1 query over the maintained latest values, never the figure's whole series."""
    rows = latest_value_rows(indicator_id=indicator.pk)
    for row in rows:
        row["display"] = _display(row["value"], summary)
    return rows


def _strong_examples(rows: list[dict], *, kind: str, summary: dict) -> tuple[list, list]:
    """(best latest values, most improved) among the members of `kind`.

    Strong examples compare like with like: municipalities with municipalities, regions with
    regions (each kind its own list).
    """
    of_kind = [row for row in rows if row["kind"] == kind]
    lower_is_better = summary["lower_is_better"]
    best = analysis.strongest(
        latest=analysis.latest_per_member(of_kind),
        lower_is_better=lower_is_better,
        limit=analysis.STRONG_EXAMPLES,
    )
    improved = analysis.improvers(
        rows=of_kind, lower_is_better=lower_is_better, limit=analysis.STRONG_EXAMPLES
    )
    for item in improved:
        item["earlier_display"] = _display(item["earlier"]["value"], summary)
    return best, improved


def official_contacts(*, organisation_ids: list[int]) -> dict[int, dict]:
    """The current official contact person of each organisation (for logged-in members)."""
    people = ContactPerson.objects.current().filter(
        role=ContactPerson.Role.OFFICIAL,
        membership__in=Membership.objects.active(),
        membership__organisation_id__in=organisation_ids,
    )
    return {
        person["membership__organisation_id"]: person
        for person in people.values("membership__organisation_id", "name", "title", "email")
    }


def home_overview(*, data_version: int | None = None) -> list[dict]:
    """Each current indicator with the SEKOM average's latest value, year and direction
    (without status bands: the start page shows none)."""
    indicators = current_indicators(with_bands=False)
    # The municipalities' average (every figure applies to municipalities unless it is a
    # region-only one, which then shows the regions' average).
    averages = yearly_averages(indicator_ids=[i.pk for i in indicators], data_version=data_version)
    region_only = [i.pk for i in indicators if _compared_kinds(i) == [REGION]]
    if region_only:
        averages |= yearly_averages(
            indicator_ids=region_only, kind=REGION, data_version=data_version
        )
    result = []
    for indicator in indicators:
        summary = indicator_summary(indicator, with_bands=False)
        per_year = {
            year: row["sekom"]
            for year, row in averages.get(indicator.pk, {}).items()
            if row["sekom"] is not None  # a year only non-members reported has no SEKOM mean
        }
        direction = analysis.yearly_direction(
            averages=per_year, lower_is_better=indicator.lower_is_better
        )
        if direction:
            direction["display"] = _display(direction["value"], summary)
        result.append({**summary, "average": direction})
    return result


def compare_series(
    *, indicator: Indicator, codes: list[str], data_version: int | None = None
) -> dict:
    """One indicator's series for up to five members, with the SEKOM average."""
    summary = indicator_summary(indicator)
    organisations = list(
        Municipality.objects.filter(code__in=codes[:5]).values("pk", "code", "name", "kind")
    )
    order = {code: position for position, code in enumerate(codes)}
    organisations.sort(key=lambda org: order.get(org["code"], 99))
    by_org: dict[int, list[dict]] = defaultdict(list)
    for value in IndicatorValue.objects.filter(
        indicator=indicator, organisation_id__in=[o["pk"] for o in organisations]
    ).order_by("year"):
        by_org[value.organisation_id].append(
            {
                "year": value.year,
                "value": float(value.value),
                "display": format_decimal(value.value, indicator.decimals),
                "preliminary": value.status == IndicatorValue.Status.PRELIMINARY,
            }
        )
    # Like with like: regions compared with each other get the regions' average.
    regions_only = bool(organisations) and all(org["kind"] == REGION for org in organisations)
    kind = REGION if regions_only else _compared_kinds(indicator)[0]
    per_year = yearly_averages(
        indicator_ids=[indicator.pk], kind=kind, data_version=data_version
    ).get(indicator.pk, {})
    return {
        "indicator": summary,
        "members": [
            {"code": org["code"], "name": org["name"], "series": by_org.get(org["pk"], [])}
            for org in organisations
        ],
        "averages": [{"year": year, **per_year[year]} for year in sorted(per_year)],
    }


def member_choices() -> list[dict]:
    """The active members, for selection lists (1 query)."""
    return list(
        Municipality.objects.active_members()
        .order_by(swedish("name"))
        .values("code", "name", "kind", "county__name")
    )
