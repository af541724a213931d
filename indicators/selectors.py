"""Reads of the key figures for pages, downloads and the API: plain dicts and lists.

Each selector runs a fixed number of queries whatever the number of members and years; the
numbers are computed once here (with indicators.analysis) and agree everywhere they are shown.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.data_version import versioned
from common.numbers import decimal_places, format_decimal
from indicators import analysis
from indicators.models import (
    ImportRun,
    Indicator,
    IndicatorValue,
    ReminderSent,
    StatusBand,
    Target,
    applies_to_kind,
)
from members.collation import sorted_swedish, swedish
from members.gdpr import account_display_name
from members.models import (
    ContactPerson,
    County,
    FeeSchedule,
    Membership,
    MembershipApplication,
    Municipality,
    OrganisationAccess,
    Population,
)

ACTIVE = Q(organisation__memberships__status=Membership.Status.ACTIVE)
# Values of the common catalogue: own figures never enter averages or good examples.
COMMON = Q(indicator__owner__isnull=True)
# Values of organisations the figure applies to: a region's value of a municipal figure (household
# waste, say) is never compared, averaged or suggested.
APPLICABLE = Q(indicator__applies_to=Indicator.AppliesTo.ALL) | Q(
    indicator__applies_to=F("organisation__kind")
)
MUNICIPALITY = Municipality.Kind.MUNICIPALITY
REGION = Municipality.Kind.REGION


def _compared_kinds(indicator: Indicator) -> list[str]:
    """The kinds of organisation compared on `indicator`, the main one first (like with like)."""
    if indicator.applies_to == Indicator.AppliesTo.REGION:
        return [REGION]
    if indicator.applies_to == Indicator.AppliesTo.MUNICIPALITY:
        return [MUNICIPALITY]
    return [MUNICIPALITY, REGION]


def _measurable(queryset):
    """Indicators that carry values (not the rows that only group sub-indicators)."""
    return queryset.filter(children__isnull=True)


def current_indicators(*, with_bands: bool = True) -> list[Indicator]:
    """The current revision's measurable indicators in display order (with bands: 2 queries).

    Only the common catalogue: a member's own figures are never among them, so nothing built
    on this list (averages, good examples, completeness) ever counts them.
    """
    queryset = _measurable(Indicator.objects.common().current()).select_related(
        "revision", "continues__revision"
    )
    if with_bands:
        queryset = queryset.prefetch_related(
            Prefetch("bands", queryset=StatusBand.objects.order_by("order"))
        )
    return list(queryset.order_by("display_order", "code"))


def current_and_own_indicators(
    *, own: Q, with_bands: bool = True, applying_to: Q | None = None
) -> tuple[list[Indicator], list[Indicator]]:
    """current_indicators() and the own figures matching `own`, in one query (two with bands).

    Own figures come in their own list (active first, then retired), so callers keep them apart
    from the common ones. `applying_to` narrows the catalogue's figures (e.g. to one kind of
    organisation).
    """
    catalogue = Q(owner__isnull=True, revision__is_current=True)
    if applying_to is not None:
        catalogue &= applying_to
    queryset = (
        _measurable(Indicator.objects.filter(catalogue | own))
        .select_related("revision", "continues__revision", "adopted_from__owner")
        .order_by("display_order", "code")
    )
    if with_bands:
        queryset = queryset.prefetch_related(
            Prefetch("bands", queryset=StatusBand.objects.order_by("order"))
        )
    common, owned = [], []
    for indicator in queryset:
        (owned if indicator.is_own else common).append(indicator)
    owned.sort(key=lambda i: (i.is_retired, i.display_order, i.code))
    return common, owned


def indicator_detail_object(*, code: str, revision: str | None = None) -> Indicator:
    queryset = Indicator.objects.select_related("revision", "continues__revision", "parent")
    queryset = queryset.prefetch_related(
        Prefetch("bands", queryset=StatusBand.objects.order_by("order"))
    )
    queryset = queryset.common()
    if revision is None:
        queryset = queryset.filter(revision__is_current=True)
    else:
        queryset = queryset.filter(revision__code=revision)
    indicator = queryset.filter(code=code, children__isnull=True).first()
    if indicator is None:
        raise Http404("Nyckeltalet finns inte.")
    return indicator


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicator_summary(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.display_name,
        "name_en": indicator.name_en,
        "unit": indicator.display_unit,
        "decimals": indicator.decimals,
        "direction": indicator.direction,
        "direction_label": indicator.get_direction_display(),
        "lower_is_better": indicator.lower_is_better,
        "source": indicator.display_source,
        "description": indicator.description,
        "reported_by": indicator.get_reported_by_display(),
        "applies_to": indicator.applies_to,
        "revision": indicator.revision.code if indicator.revision_id else None,
        "is_current": indicator.revision.is_current if indicator.revision_id else True,
        "label": indicator.label,
        "own": indicator.is_own,
        "retired_on": indicator.retired_on,
        "kolada_kpi": indicator.kolada_kpi,
        "min_value": _number(indicator.min_value),
        "max_value": _number(indicator.max_value),
        "bands": [
            {
                "label": gettext(band.label),
                "lower": _number(band.lower),
                "upper": _number(band.upper),
                "order": band.order,
                "range": _band_range(band.lower, band.upper, indicator.decimals),
            }
            for band in indicator.bands.all()
        ],
        "continues": (
            {
                "id": indicator.continues.pk,
                "code": indicator.continues.code,
                "name": indicator.continues.display_name,
                "revision": indicator.continues.revision.code,
            }
            if indicator.continues_id
            else None
        ),
    }


def _band_range(lower: Decimal | None, upper: Decimal | None, decimals: int) -> str:
    def fmt(bound: Decimal) -> str:
        return format_decimal(bound, min(decimals, decimal_places(bound)))

    if lower is not None and upper is not None:
        return f"{fmt(lower)}–{fmt(upper)}"
    return f"> {fmt(lower)}" if lower is not None else f"< {fmt(upper)}"


def _display(value: float | None, indicator: dict) -> str:
    if value is None:
        return ""
    return format_decimal(Decimal(repr(value)), indicator["decimals"])


def yearly_averages(
    *,
    indicator_ids: list[int],
    county_id: int | None = None,
    kind: str = MUNICIPALITY,
    data_version: int | None = None,
) -> dict[int, dict[int, dict]]:
    """{indicator id: {year: {sekom, sekom_n, county, county_n}}} over current members (1 query).

    The SEKOM average of a year is the mean over the active members of `kind` (municipalities
    or regions: like with like) that reported that year, on figures that apply to that kind.
    """
    return versioned(
        "averages",
        version=data_version,
        parts=(kind, county_id, *sorted(indicator_ids)),
        compute=lambda: _yearly_averages(
            indicator_ids=indicator_ids, county_id=county_id, kind=kind
        ),
    )


def _yearly_averages(*, indicator_ids: list[int], county_id: int | None, kind: str) -> dict:
    aggregates = {"sekom": Avg("value"), "sekom_n": Count("id")}
    if county_id is not None:
        in_county = Q(organisation__county_id=county_id)
        aggregates |= {
            "county": Avg("value", filter=in_county),
            "county_n": Count("id", filter=in_county),
        }
    rows = (
        IndicatorValue.objects.filter(ACTIVE, COMMON, indicator_id__in=indicator_ids)
        .filter(applies_to_kind(kind, "indicator__"), organisation__kind=kind)
        .values("indicator_id", "year")
        .annotate(**aggregates)
        .order_by()
    )
    result: dict[int, dict[int, dict]] = {}
    for row in rows:
        result.setdefault(row["indicator_id"], {})[row["year"]] = {
            "sekom": _number(row["sekom"]),
            "sekom_n": row["sekom_n"],
            "county": _number(row.get("county")),
            "county_n": row.get("county_n", 0),
        }
    return result


def _recent_latest_values(
    *, newest_years: dict[int, int], kind: str, lower_is_better: dict[int, bool]
) -> dict[int, dict]:
    """{indicator id: {"latest": {organisation id: latest row}, "improvers": [...]}} for the
    active members of `kind`, recent years only (and far enough back to see who improved most).

    `newest_years` maps each indicator to the newest year any member of `kind` reported it.
    """
    if not newest_years:
        return {}
    recent_years = Q()
    for indicator_id, newest in newest_years.items():
        oldest = newest - analysis.RECENT_YEARS - analysis.IMPROVEMENT_SPAN
        recent_years |= Q(indicator_id=indicator_id, year__gt=oldest)
    rows = (
        IndicatorValue.objects.filter(ACTIVE, COMMON, APPLICABLE, organisation__kind=kind)
        .filter(recent_years)
        .values(
            "indicator_id",
            "organisation_id",
            "year",
            "value",
            "organisation__code",
            "organisation__name",
            "organisation__county_id",
            "organisation__county__name",
            "organisation__county__code",
        )
        .order_by()
    )
    by_indicator: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_indicator[row["indicator_id"]].append(_value_row(row))
    result = {}
    for indicator_id, items in by_indicator.items():
        lower = lower_is_better[indicator_id]
        result[indicator_id] = {
            "latest": analysis.latest_per_member(items),
            # One more than shown: the member itself may be among them.
            "improvers": analysis.improvers(
                rows=items, lower_is_better=lower, limit=analysis.LEARN_FROM + 1
            ),
        }
    return result


def _value_row(row: dict) -> dict:
    return {
        "organisation_id": row["organisation_id"],
        "code": row["organisation__code"],
        "name": row["organisation__name"],
        "county_id": row["organisation__county_id"],
        "county": row["organisation__county__name"],
        "county_code": row["organisation__county__code"],
        "year": row["year"],
        "value": float(row["value"]),
    }


def member_trends(*, code: str, data_version: int | None = None, until: int | None = None) -> dict:
    """Everything the member page shows, for every current indicator (at most 8 queries).

    Per indicator: the member's series (with preliminary marks and the older definition's years
    where the catalogue maps one), SEKOM and county averages per year, targets and how the
    member tracks them, status bands, latest value, baseline, verdict, comment and up to three
    members to learn from. The member's own figures (`own_indicators`, retired ones as ended
    series) get the same series, targets, verdict and target tracking, but no averages and no
    examples: they are the member's alone. `until` leaves out values after that year (the
    yearly report).
    """
    # The member and every active member's latest population, for "similar size", in one query.
    ended = Membership.objects.filter(
        organisation=OuterRef("pk"), status=Membership.Status.RESIGNED
    ).order_by("-left_on")
    organisations = (
        Municipality.objects.select_related("county")
        .annotate(
            inhabitants=Subquery(
                Population.objects.filter(municipality=OuterRef("pk"))
                .order_by("-year")
                .values("inhabitants")[:1]
            ),
            # For a former member's page ("Tidigare medlem (2012–2019)"): no extra query.
            is_member=Exists(Membership.objects.active().filter(organisation=OuterRef("pk"))),
            last_joined_on=Subquery(ended.values("joined_on")[:1]),
            last_left_on=Subquery(ended.values("left_on")[:1]),
        )
        .filter(Q(code=code) | Q(memberships__status=Membership.Status.ACTIVE))
        .distinct()
    )
    organisation, populations = None, {}
    for candidate in organisations:
        populations[candidate.pk] = candidate.inhabitants
        if candidate.code == code:
            organisation = candidate
    if organisation is None:
        raise Http404("Medlemmen finns inte.")
    indicators, own_indicators = current_and_own_indicators(own=Q(owner=organisation))
    # Only the figures that apply to this kind of organisation: a region has no household waste.
    indicators = [i for i in indicators if i.applies_to_organisation(organisation)]
    kind = organisation.kind
    ids = [i.pk for i in indicators]
    own_ids = [i.pk for i in own_indicators]
    older_ids = [i.continues_id for i in indicators if i.continues_id]

    own_values: dict[int, list[IndicatorValue]] = defaultdict(list)
    values = IndicatorValue.objects.filter(
        organisation=organisation, indicator_id__in=ids + older_ids + own_ids
    )
    if until is not None:
        values = values.filter(year__lte=until)
    last_changed = None
    for value in values.order_by("year"):
        own_values[value.indicator_id].append(value)
        if last_changed is None or value.entered_at > last_changed:
            last_changed = value.entered_at
    averages = yearly_averages(
        indicator_ids=ids, county_id=organisation.county_id, kind=kind, data_version=data_version
    )
    targets: dict[int, list[dict]] = defaultdict(list)
    for target in Target.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True),
        indicator_id__in=ids + own_ids,
    ).order_by("year"):
        targets[target.indicator_id].append(
            {
                "year": target.year,
                "value": float(target.value),
                "national": target.is_national,
                "note": target.note,
            }
        )
    # The averages already tell the newest year of each indicator: no extra query for "recent".
    newest_years = {ind: max(per_year) for ind, per_year in averages.items() if per_year}
    lower_is_better = {i.pk: i.lower_is_better for i in indicators}
    latest_values = versioned(
        "learn-from",
        version=data_version,
        parts=(kind, *sorted(newest_years.items())),
        compute=lambda: _recent_latest_values(
            newest_years=newest_years, kind=kind, lower_is_better=lower_is_better
        ),
    )

    blocks = []
    for indicator in indicators:
        block = _member_block(
            indicator,
            own=own_values.get(indicator.pk, []),
            older=own_values.get(indicator.continues_id, []) if indicator.continues_id else [],
            targets=targets.get(indicator.pk, []),
        )
        per_year = averages.get(indicator.pk, {})
        pool = latest_values.get(indicator.pk, {"latest": {}, "improvers": []})
        block["averages"] = [
            {"year": year, **per_year[year]}
            for year in sorted(per_year)
            if until is None or year <= until
        ]
        block |= _learn_from_block(
            block,
            pool=pool,
            organisation=organisation,
            populations=populations,
        )
        blocks.append(block)
    own_blocks = [
        _member_block(
            indicator, own=own_values.get(indicator.pk, []), older=[], targets=targets[indicator.pk]
        )
        | {
            "averages": [],
            "learn_from": [],
            "learn_from_strongest": False,
            "learn_from_note": "",
            "adopted_from": (
                {
                    "id": indicator.adopted_from_id,
                    "owner": indicator.adopted_from.owner.name,
                    "owner_code": indicator.adopted_from.owner.code,
                }
                if indicator.adopted_from_id and indicator.adopted_from.owner_id
                else None
            ),
        }
        for indicator in own_indicators
    ]
    return {
        "organisation": {
            "id": organisation.pk,
            "code": organisation.code,
            "name": organisation.name,
            "kind": organisation.kind,
            "kind_label": organisation.get_kind_display(),
            "county": organisation.county.name,
            "county_id": organisation.county_id,
            "inhabitants": organisation.inhabitants,
            "membership": _membership_summary(organisation),
        },
        "indicators": blocks,
        "own_indicators": own_blocks,
        "last_changed": last_changed,
    }


def _membership_summary(organisation: Municipality) -> dict:
    """Member now, former member (with the years of its latest membership), or never one."""
    if organisation.is_member:
        return {"state": "member", "text": ""}
    if organisation.last_left_on is not None:
        joined = organisation.last_joined_on
        years = {"joined": joined.year if joined else "", "left": organisation.last_left_on.year}
        text = (
            gettext("Tidigare medlem (%(joined)s–%(left)s)") % years
            if joined
            else gettext("Tidigare medlem (till %(left)s)") % years
        )
        return {"state": "former", "text": text, **years}
    return {"state": "none", "text": gettext("Inte medlem i SEKOM")}


def _learn_from_block(
    block: dict, *, pool: dict, organisation: Municipality, populations: dict[int, int]
) -> dict:
    """Whom the member can learn from on one figure: only members doing better than it.

    When the member is itself among the strongest, the block says so and offers the members
    that improved most (each with its improvement), or nobody.
    """
    own_latest = block["latest"]
    lower = block["lower_is_better"]
    chosen = analysis.learn_from(
        strong=analysis.strong_set(latest=pool["latest"], lower_is_better=lower),
        top=analysis.top_quarter(latest=pool["latest"], lower_is_better=lower),
        improved=pool["improvers"],
        own_id=organisation.pk,
        own_value=own_latest["value"] if own_latest else None,
        lower_is_better=block["lower_is_better"],
        own_county_id=organisation.county_id,
        own_population=organisation.inhabitants,
        populations=populations,
    )
    rows = []
    for row in chosen["members"]:
        item = {**row, "display": _display(row["value"], block)}
        if "earlier" in row:
            item["earlier_display"] = _display(row["earlier"]["value"], block)
        rows.append(item)
    note = ""
    if chosen["among_strongest"]:
        note = gettext("%(name)s hör till de starkaste i detta nyckeltal.") % {
            "name": organisation.name
        }
    return {
        "learn_from": rows,
        "learn_from_strongest": chosen["among_strongest"],
        "learn_from_note": note,
    }


def _member_block(
    indicator: Indicator, *, own: list[IndicatorValue], older: list[IndicatorValue], targets: list
) -> dict:
    """One figure of one member: series, latest, baseline, verdict, comment, target tracking."""
    summary = indicator_summary(indicator)
    series = [
        {
            "year": v.year,
            "value": float(v.value),
            "display": format_decimal(v.value, indicator.decimals),
            "preliminary": v.status == IndicatorValue.Status.PRELIMINARY,
        }
        for v in own
    ]
    covered = {v.year for v in own}
    older_series = [
        {
            "year": v.year,
            "value": float(v.value),
            "display": format_decimal(v.value, indicator.continues.decimals),
        }
        for v in older
        if v.year not in covered
    ]
    points = [analysis.Point(p["year"], p["value"]) for p in series]
    verdict = analysis.development_verdict(series=points, lower_is_better=indicator.lower_is_better)
    commented = next((v for v in reversed(own) if v.comment), None)
    return {
        **summary,
        # Unique on a page: own figures' codes (E.1) are only unique per member.
        "anchor": f"own-{indicator.pk}" if indicator.is_own else indicator.code.replace(".", "-"),
        "series": series,
        "older_series": older_series,
        "targets": targets,
        "target_status": target_statuses(indicator=summary, points=points, targets=targets),
        "latest": series[-1] if series else None,
        "baseline": series[0] if series else None,
        "verdict": {"kind": verdict["kind"], "text": verdict["text"]},
        "comment": commented.comment if commented else "",
        "comment_year": commented.year if commented else None,
    }


TARGET_LABELS = {False: _("Eget mål"), True: _("Nationellt mål")}


def target_statuses(*, indicator: dict, points: list, targets: list[dict]) -> list[dict]:
    """For the member's own target and the national one: on track or not, in words.

    Of several targets of one kind, the first one from the latest value's year on is tracked
    (else the last one).
    """
    latest_year = max((p.year for p in points), default=None)
    statuses = []
    for national in (False, True):
        chosen = [t for t in targets if t["national"] is national]
        if not chosen:
            continue
        ahead = [t for t in chosen if latest_year is None or t["year"] >= latest_year]
        target = ahead[0] if ahead else chosen[-1]
        projection = analysis.target_projection(
            series=points,
            target_year=target["year"],
            target_value=target["value"],
            lower_is_better=indicator["lower_is_better"],
            unit=indicator["unit"],
            decimals=indicator["decimals"],
            low=indicator["min_value"],
            high=indicator["max_value"],
        )
        statuses.append(
            {
                "label": str(TARGET_LABELS[national]),
                "national": national,
                "year": target["year"],
                "note": target["note"],
                "kind": projection["kind"],
                "text": projection["text"],
                "short": projection["short"],
                "target_display": projection["target_display"],
                "projected_display": projection["projected_display"],
            }
        )
    return statuses


def indicator_overview(
    *,
    code: str,
    revision: str | None = None,
    county: str | None = None,
    data_version: int | None = None,
) -> dict:
    """The indicator page: description, averages over time, strong examples, improvers and
    every active member's latest value, alphabetical (no rank). Fixed number of queries.
    """
    indicator = indicator_detail_object(code=code, revision=revision)
    summary = indicator_summary(indicator)
    kinds = _compared_kinds(indicator)
    per_year = yearly_averages(
        indicator_ids=[indicator.pk], kind=kinds[0], data_version=data_version
    ).get(indicator.pk, {})
    rows = [
        _value_row(row)
        | {
            "preliminary": row["status"] == IndicatorValue.Status.PRELIMINARY,
            "kind": row["organisation__kind"],
        }
        for row in IndicatorValue.objects.filter(ACTIVE, COMMON, APPLICABLE, indicator=indicator)
        .values(
            "organisation_id",
            "year",
            "value",
            "status",
            "organisation__kind",
            "organisation__code",
            "organisation__name",
            "organisation__county_id",
            "organisation__county__name",
            "organisation__county__code",
        )
        .order_by()
    ]
    for row in rows:
        row["display"] = _display(row["value"], summary)
    latest = analysis.latest_per_member(rows)
    # Strong examples compare like with like: municipalities with municipalities, regions with
    # regions (each kind its own list).
    examples = {}
    for kind in kinds:
        of_kind = [row for row in rows if row["kind"] == kind]
        best = analysis.strongest(
            latest=analysis.latest_per_member(of_kind),
            lower_is_better=indicator.lower_is_better,
            limit=analysis.STRONG_EXAMPLES,
        )
        improved = analysis.improvers(
            rows=of_kind, lower_is_better=indicator.lower_is_better, limit=analysis.STRONG_EXAMPLES
        )
        for item in improved:
            item["earlier_display"] = _display(item["earlier"]["value"], summary)
        examples[kind] = (best, improved)
    best, improved = examples[kinds[0]]
    region_best, region_improved = examples.get(REGION, ([], [])) if len(kinds) > 1 else ([], [])
    table = sorted_swedish(latest.values())
    counties = list(County.objects.order_by("code").values("code", "name"))
    if county:
        table = [row for row in table if row["county_code"] == county]
    return {
        "indicator": summary,
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


def official_contacts(*, organisation_ids: list[int]) -> dict[int, dict]:
    """The current official contact person of each organisation (for logged-in members)."""
    people = ContactPerson.objects.current().filter(
        role=ContactPerson.Role.OFFICIAL,
        membership__status=Membership.Status.ACTIVE,
        membership__organisation_id__in=organisation_ids,
    )
    return {
        person["membership__organisation_id"]: person
        for person in people.values("membership__organisation_id", "name", "title", "email")
    }


def home_overview(*, data_version: int | None = None) -> list[dict]:
    """Each current indicator with the SEKOM average's latest value, year and direction."""
    indicators = current_indicators()
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
        summary = indicator_summary(indicator)
        per_year = {year: row["sekom"] for year, row in averages.get(indicator.pk, {}).items()}
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


def organisation_heading(*, code: str) -> dict:
    """A member's code and name, for a printed page's running header (1 query); 404 if none."""
    heading = Municipality.objects.filter(code=code).values("code", "name").first()
    if heading is None:
        raise Http404
    return heading


def report_years(*, organisation_id: int) -> list[int]:
    """The years the member has any value for, oldest first (1 query): the years with a report."""
    return list(
        IndicatorValue.objects.filter(organisation_id=organisation_id)
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )


def compare_values_open_data(*, indicator: Indicator, codes: list[str]) -> list[dict]:
    """The compare page's download: the open-data rows of the compared members (2 queries)."""
    _count, rows = values_open_data(
        indicator_id=indicator.pk, organisation_codes=codes[:5], by_name=True
    )
    return rows


def member_choices() -> list[dict]:
    """The active members, for selection lists (1 query)."""
    return list(
        Municipality.objects.filter(memberships__status=Membership.Status.ACTIVE)
        .order_by(swedish("name"))
        .values("code", "name", "kind", "county__name")
    )


# --- Reporting: who may do what -------------------------------------------------------------
# The one place that decides access to an organisation's figures. Staff may do everything;
# a reporter (members.OrganisationAccess, level "reporter") reads and writes the organisation's
# values; a reader only reads; everyone else, and anonymous users, neither.

READ = "read"
WRITE = "write"


def _is_current_member(organisation_ref: str):
    return Exists(Membership.objects.active().filter(organisation=OuterRef(organisation_ref)))


def organisation_access(*, user, organisation: Municipality) -> str | None:
    """WRITE, READ or None for `user` on `organisation`: at most one query."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_staff:
        return WRITE
    row = (
        OrganisationAccess.objects.current()
        .filter(user=user, organisation=organisation)
        .annotate(is_member=_is_current_member("organisation"))
        .order_by("pk")
        .values_list("level", "is_member")
        .first()
    )
    if row is None:
        return None
    level, is_member = row
    # Only a current member's figures can be written: a former member's are history.
    if level == OrganisationAccess.Level.REPORTER and is_member:
        return WRITE
    return READ


def can_read(*, user, organisation: Municipality) -> bool:
    return organisation_access(user=user, organisation=organisation) is not None


def can_write(*, user, organisation: Municipality) -> bool:
    return organisation_access(user=user, organisation=organisation) == WRITE


def organisations_for_user(*, user) -> list[dict]:
    """The organisations whose figures `user` may see, each with `can_write`: one query.

    Staff get every organisation (members first), for choosing whom to report for.
    """
    if not (user.is_authenticated and user.is_active):
        return []
    if user.is_staff:
        organisations = Municipality.objects.annotate(
            is_member=Exists(Membership.objects.active().filter(organisation=OuterRef("pk")))
        ).order_by("-is_member", swedish("name"))
        return [
            {
                "id": o.pk,
                "code": o.code,
                "name": o.name,
                "can_write": True,
                "is_member": o.is_member,
            }
            for o in organisations
        ]
    rows = (
        OrganisationAccess.objects.current()
        .filter(user=user)
        .annotate(is_member=_is_current_member("organisation"))
        .select_related("organisation")
    )
    return [
        {
            "id": row.organisation_id,
            "code": row.organisation.code,
            "name": row.organisation.name,
            "can_write": row.level == OrganisationAccess.Level.REPORTER and row.is_member,
            "is_member": row.is_member,
        }
        for row in sorted_swedish(rows, key=lambda r: r.organisation.name)
    ]


# --- Reporting: the year page, completeness and history --------------------------------------

COMPLETE = "complete"
PRELIMINARY = "preliminary"
INCOMPLETE = "incomplete"
EMPTY = "empty"


def reported_indicators() -> list[Indicator]:
    """The current revision's measurable indicators that members report themselves."""
    return [
        i
        for i in current_indicators(with_bands=False)
        if i.reported_by == Indicator.ReportedBy.MEMBER
    ]


def completeness_state(*, final: int, preliminary: int, missing: int) -> str:
    """COMPLETE when every value is final, PRELIMINARY when all are there but some are not
    final, INCOMPLETE when some are missing, EMPTY when none is there."""
    if missing == 0:
        return PRELIMINARY if preliminary else COMPLETE
    return INCOMPLETE if final or preliminary else EMPTY


def reporting_year(*, organisation_id: int, year: int) -> dict:
    """Everything the reporting page for one member and year shows: two queries.

    Rows are in catalogue order, each with the indicator, this year's value (or None) and last
    year's (the reference shown beside the field); `editable` is False for figures the office
    fetches from national databases. `own_rows` are the member's own figures in use (retired
    ones leave the form); they have their own counts and never count towards the catalogue's
    completeness.
    """
    # The organisation's kind inside the same query: a region's form lists only its figures.
    kind = Subquery(Municipality.objects.filter(pk=organisation_id).values("kind")[:1])
    indicators, own = current_and_own_indicators(
        own=Q(owner_id=organisation_id, retired_on__isnull=True),
        with_bands=False,
        applying_to=Q(applies_to=Indicator.AppliesTo.ALL) | Q(applies_to=kind),
    )
    values = {
        (v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(
            organisation_id=organisation_id,
            indicator__in=indicators + own,
            year__in=[year - 1, year],
        )
    }

    def rows_and_counts(figures: list[Indicator]) -> tuple[list[dict], dict]:
        rows = []
        counts = {"final": 0, "preliminary": 0, "missing": 0}
        for indicator in figures:
            current = values.get((indicator.pk, year))
            previous = values.get((indicator.pk, year - 1))
            editable = indicator.reported_by == Indicator.ReportedBy.MEMBER
            # A figure promoted into the catalogue is owed only from its start year.
            required = editable and indicator.required_in(year)
            rows.append(
                {
                    "indicator": indicator,
                    "editable": editable,
                    "required": required,
                    "value": current,
                    "display": _value_display(current, indicator),
                    "previous": previous,
                    "previous_display": _value_display(previous, indicator),
                }
            )
            if required:
                if current is None:
                    counts["missing"] += 1
                elif current.status == IndicatorValue.Status.PRELIMINARY:
                    counts["preliminary"] += 1
                else:
                    counts["final"] += 1
        return rows, counts

    rows, counts = rows_and_counts(indicators)
    own_rows, own_counts = rows_and_counts(own)
    return {
        "year": year,
        "rows": rows,
        "counts": counts,
        "state": completeness_state(**counts),
        "reported": sum(counts.values()),
        "own_rows": own_rows,
        "own_counts": own_counts,
    }


def _value_display(value: IndicatorValue | None, indicator: Indicator) -> str:
    return format_decimal(value.value, indicator.decimals) if value else ""


def reporting_years(*, organisation_ids: list[int], years: list[int]) -> dict[int, list[dict]]:
    """For each organisation, each year's completeness (newest first): three queries.

    Counted are the figures that apply to the organisation's kind and are owed that year.
    """
    indicators = reported_indicators()
    kinds = dict(Municipality.objects.filter(pk__in=organisation_ids).values_list("pk", "kind"))
    counted = (
        IndicatorValue.objects.filter(
            organisation_id__in=organisation_ids, indicator__in=indicators, year__in=years
        )
        .values("organisation_id", "year", "indicator_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    owed_by = {i.pk: i for i in indicators}
    tally: dict[tuple[int, int], dict[str, int]] = {}
    for row in counted:
        indicator = owed_by[row["indicator_id"]]
        kind = kinds.get(row["organisation_id"])
        if indicator.applies_to not in (Indicator.AppliesTo.ALL, kind) or not (
            indicator.required_in(row["year"])
        ):
            continue  # A value nobody owes (a region's household waste) fills no gap.
        key = (row["organisation_id"], row["year"])
        tally.setdefault(key, {"final": 0, "preliminary": 0})[row["status"]] += row["n"]
    result = {}
    for organisation_id in organisation_ids:
        result[organisation_id] = []
        kind = kinds.get(organisation_id)
        applying = [i for i in indicators if i.applies_to in (Indicator.AppliesTo.ALL, kind)]
        for year in sorted(years, reverse=True):
            counts = tally.get((organisation_id, year), {"final": 0, "preliminary": 0})
            owed = sum(1 for i in applying if i.required_in(year))
            missing = owed - counts["final"] - counts["preliminary"]
            result[organisation_id].append(
                {
                    "year": year,
                    **counts,
                    "missing": missing,
                    "total": owed,
                    "state": completeness_state(**counts, missing=missing),
                }
            )
    return result


def first_reported_year(*, organisation_ids: list[int]) -> int | None:
    """The earliest year any of these organisations has a value for: one query."""
    return (
        IndicatorValue.objects.filter(organisation_id__in=organisation_ids)
        .aggregate(first=Min("year"))
        .get("first")
    )


def value_history(*, organisation_id: int, indicator: Indicator, year: int) -> list[dict]:
    """Every version of one value, newest first, with who changed it and the value before.

    Deleted values stay here too (their last row says so): one query.
    """
    records = list(
        IndicatorValue.history.filter(
            organisation_id=organisation_id, indicator_id=indicator.pk, year=year
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    rows = []
    before = None
    for record in records:
        user = record.history_user
        rows.append(
            {
                "history_id": record.history_id,
                "when": record.history_date,
                "type": record.history_type,
                "type_display": HISTORY_TYPES.get(record.history_type, record.history_type),
                "user": account_display_name(user),
                "before": format_decimal(before, indicator.decimals) if before is not None else "",
                "value": format_decimal(record.value, indicator.decimals),
                "status": IndicatorValue.Status(record.status).label,
                "numerator": record.numerator,
                "denominator": record.denominator,
                "source_note": record.source_note,
                "comment": record.comment,
                "reason": record.history_change_reason or "",
            }
        )
        before = None if record.history_type == "-" else record.value
    rows.reverse()
    return rows


HISTORY_TYPES = {"+": _("skapat"), "~": _("ändrat"), "-": _("borttaget")}


NOT_APPLICABLE = "na"


def completeness_overview(*, year: int) -> dict:
    """That year's members by member-reported indicators for one year: three queries.

    The members are those of `year` (Membership.objects.active_in), not today's; the figures
    those owed that year (a promoted figure from its start year on). Each cell is missing,
    preliminary, final or NOT_APPLICABLE (a municipal figure on a region's row, never counted);
    counts per member and per indicator. Members are listed by county and name, never by how
    much they have reported.
    """
    indicators = [i for i in reported_indicators() if i.required_in(year)]
    members = list(
        Municipality.objects.members_in(year)
        .select_related("county")
        .order_by("county__code", swedish("name"))
    )
    statuses = {
        (v["organisation_id"], v["indicator_id"]): v["status"]
        for v in IndicatorValue.objects.filter(
            organisation__in=[m.pk for m in members], indicator__in=indicators, year=year
        ).values("organisation_id", "indicator_id", "status")
    }
    per_indicator = [{"final": 0, "preliminary": 0, "missing": 0} for _ in indicators]
    rows = []
    for member in members:
        counts = {"final": 0, "preliminary": 0, "missing": 0}
        cells = []
        for position, indicator in enumerate(indicators):
            if not indicator.applies_to_organisation(member):
                cells.append(NOT_APPLICABLE)
                continue
            status = statuses.get((member.pk, indicator.pk), "missing")
            counts[status] += 1
            per_indicator[position][status] += 1
            cells.append(status)
        rows.append(
            {
                "id": member.pk,
                "code": member.code,
                "name": member.name,
                "county": member.county.name,
                "cells": cells,
                **counts,
                "state": completeness_state(**counts),
            }
        )
    totals = {
        key: sum(counts[key] for counts in per_indicator)
        for key in ("final", "preliminary", "missing")
    }
    return {
        "year": year,
        "indicators": [
            {"id": i.pk, "code": i.code, "name": i.name, **counts}
            for i, counts in zip(indicators, per_indicator, strict=True)
        ],
        "members": rows,
        "totals": totals,
    }


def organisations_access_ended(*, user) -> list[dict]:
    """Organisations `user` once had access to and no longer has (for a clear message)."""
    if not (user.is_authenticated and user.is_active) or user.is_staff:
        return []
    current = OrganisationAccess.objects.current().filter(user=user).values("organisation_id")
    rows = (
        OrganisationAccess.objects.ended()
        .filter(user=user)
        .exclude(organisation_id__in=current)
        .select_related("organisation")
        .order_by("organisation__name", "-ended_on")
    )
    seen: dict[int, dict] = {}
    for row in rows:
        organisation = row.organisation
        seen.setdefault(
            row.organisation_id,
            {"code": organisation.code, "name": organisation.name, "ended_on": row.ended_on},
        )
    return list(seen.values())


def reporting_reminders(*, year: int) -> list[dict]:
    """Each active member missing member-reported values for `year`, with whom to remind.

    Recipients are the member's reporters (active accounts with an e-mail address); a member
    without any falls back to its current official contact person. Five queries.
    """
    overview = completeness_overview(year=year)
    indicators = overview["indicators"]
    lacking = [m for m in overview["members"] if m["missing"]]
    ids = [m["id"] for m in lacking]
    reporters: dict[int, list[dict]] = {}
    for access in (
        OrganisationAccess.objects.writable()
        .filter(organisation_id__in=ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email")
    ):
        user = access.user
        reporters.setdefault(access.organisation_id, []).append(
            {"name": user.get_full_name() or user.get_username(), "email": user.email}
        )
    officials: dict[int, list[dict]] = {}
    for contact in (
        ContactPerson.objects.current()
        .filter(
            role=ContactPerson.Role.OFFICIAL,
            membership__status=Membership.Status.ACTIVE,
            membership__organisation_id__in=ids,
        )
        .select_related("membership")
    ):
        officials.setdefault(contact.membership.organisation_id, []).append(
            {"name": contact.name, "email": contact.email}
        )
    reminders = []
    for member in lacking:
        recipients = reporters.get(member["id"]) or officials.get(member["id"], [])
        reminders.append(
            {
                "code": member["code"],
                "name": member["name"],
                "missing": [
                    {"code": i["code"], "name": i["name"]}
                    for i, cell in zip(indicators, member["cells"], strict=True)
                    if cell == "missing"
                ],
                "recipients": recipients,
                "recipients_are_reporters": member["id"] in reporters,
            }
        )
    return reminders


def deleted_values(*, limit: int = 200) -> list[dict]:
    """Values deleted and not entered again since, newest deletion first: one query."""
    history = IndicatorValue.history.model
    records = (
        history.objects.filter(history_type="-")
        .exclude(
            Exists(
                IndicatorValue.objects.filter(
                    organisation_id=OuterRef("organisation_id"),
                    indicator_id=OuterRef("indicator_id"),
                    year=OuterRef("year"),
                )
            )
        )
        .select_related("organisation", "indicator__revision", "history_user")
        .order_by("-history_date")[:limit]
    )
    return [
        {
            "value_id": record.id,
            "history_id": record.history_id,
            "organisation": record.organisation.name,
            "indicator": record.indicator.label,
            "revision": record.indicator.revision.code if record.indicator.revision_id else "",
            "year": record.year,
            "value": record.value,
            "deleted_at": record.history_date,
            "deleted_by": record.history_user.get_username() if record.history_user else "",
        }
        for record in records
    ]


def reminder_figure_set(reminder: dict) -> str:
    """What makes two reminders "the same": the missing figures' codes, in order."""
    return ",".join(indicator["code"] for indicator in reminder["missing"])[:500]


def reminders_last_sent(*, reminders: list[dict], year: int) -> dict[tuple[str, str], object]:
    """When each reminder (member code, figure set) was last sent for `year`: one query."""
    codes = [reminder["code"] for reminder in reminders]
    rows = (
        ReminderSent.objects.filter(year=year, organisation__code__in=codes)
        .values("organisation__code", "figure_set")
        .annotate(last=Max("sent_at"))
    )
    return {(row["organisation__code"], row["figure_set"]): row["last"] for row in rows}


def reminders_due(
    *, year: int, interval_days: int | None = None, reminders: list[dict] | None = None
) -> list[dict]:
    """The reminders `remind_reporters --send` would send now (not sent within the interval).

    `reminders` may pass reporting_reminders(year=year) already read."""
    if interval_days is None:
        interval_days = settings.REMINDER_INTERVAL_DAYS
    if reminders is None:
        reminders = reporting_reminders(year=year)
    reminders = [r for r in reminders if r["recipients"]]
    last_sent = reminders_last_sent(reminders=reminders, year=year)
    since = timezone.now() - datetime.timedelta(days=interval_days)
    due = []
    for reminder in reminders:
        previous = last_sent.get((reminder["code"], reminder_figure_set(reminder)))
        if previous is None or previous < since:
            due.append(reminder)
    return due


def office_start(*, today: datetime.date | None = None) -> dict:
    """What the office's start page in the admin shows: pending applications, members still
    missing figures for the year being reported (last year), reminders due, imports that failed
    in the last 30 days. A fixed number of queries."""
    today = today or timezone.localdate()
    year = today.year - 1
    reminders = reporting_reminders(year=year)
    fee_year = (
        FeeSchedule.objects.filter(year__lte=today.year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return {
        "pending_applications": MembershipApplication.objects.pending().count(),
        "reporting_year": year,
        "members_missing": len(reminders),
        "reminders_due": len(reminders_due(year=year, reminders=reminders)),
        "fee_year": fee_year,
        # The last month's failures: an old failure that was followed by a good run is history.
        "failed_imports": ImportRun.objects.failed()
        .filter(started_at__date__gte=today - datetime.timedelta(days=30))
        .count(),
    }


# --- Open data: the API and the CSV/XLSX downloads read the same rows ------------------------
# (Kept apart from the page selectors above. No personal data: no contact persons, no user
# who entered a value, no reporter's comment.)


def indicator_catalogue(*, revision: str | None = None) -> list[dict]:
    """The catalogue of one revision (the current one unless named), in display order."""
    indicators = Indicator.objects.select_related("revision", "parent", "continues__revision")
    indicators = (
        indicators.filter(revision__code=revision) if revision else indicators.current()
    ).order_by("display_order", "code")
    return [
        {
            "code": i.code,
            "revision": i.revision.code,
            "name": i.name,
            "name_en": i.name_en,
            "description": i.description,
            "unit": i.unit,
            "unit_en": i.unit_en,
            "direction": i.direction,
            "decimals": i.decimals,
            "min_value": i.min_value,
            "max_value": i.max_value,
            "source": i.source,
            "source_en": i.source_en,
            "reported_by": i.reported_by,
            "applies_to": i.applies_to,
            "reported_from": i.reported_from,
            "parent": i.parent.code if i.parent else None,
            "continues": (
                {"revision": i.continues.revision.code, "code": i.continues.code}
                if i.continues
                else None
            ),
        }
        for i in indicators
    ]


OPEN_VALUE_FIELDS = {
    "organisation": "organisation__code",
    "organisation_name": "organisation__name",
    "county": "organisation__county__code",
    "indicator": "indicator__code",
    "revision": "indicator__revision__code",
    "indicator_name": "indicator__name",
    "year": "year",
    "value": "value",
    "unit": "indicator__unit",
    "status": "status",
    "source": "indicator__source",
    "source_note": "source_note",
}


def values_open_data(
    *,
    indicator_id: int | None = None,
    revision_code: str | None = None,
    organisation_id: int | None = None,
    organisation_codes: list[str] | None = None,
    county_code: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    offset: int = 0,
    limit: int | None = None,
    by_name: bool = False,
) -> tuple[int, list[dict]]:
    """(how many match, one page of them as dicts): two queries whatever the page size.

    `by_name` lists the organisations in Swedish alphabetical order (for downloads people
    read), otherwise by code (the API's stable pages).

    Ordered by organisation, indicator and year, so pages are stable. Open data is the common
    catalogue's figures; members' own figures (no revision) are shown on their pages only.
    """
    values = IndicatorValue.objects.filter(indicator__owner__isnull=True)
    if indicator_id is not None:
        values = values.filter(indicator_id=indicator_id)
    if revision_code:
        values = values.filter(indicator__revision__code=revision_code)
    if organisation_id is not None:
        values = values.filter(organisation_id=organisation_id)
    if organisation_codes is not None:
        values = values.filter(organisation__code__in=organisation_codes)
    if county_code:
        values = values.filter(organisation__county__code=county_code)
    if year_from is not None:
        values = values.filter(year__gte=year_from)
    if year_to is not None:
        values = values.filter(year__lte=year_to)
    count = values.count()
    values = values.order_by(
        *([swedish("organisation__name")] if by_name else []),
        "organisation__code", "indicator__revision__code", "indicator__display_order",
        "indicator__code", "year",
    )  # fmt: skip
    page = values[offset : offset + limit] if limit is not None else values[offset:]
    rows = page.values_list(*OPEN_VALUE_FIELDS.values())
    return count, [dict(zip(OPEN_VALUE_FIELDS, row, strict=True)) for row in rows]


# --- Own key figures (egna nyckeltal) ------------------------------------------------------


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


def own_indicator_object(*, pk: int) -> Indicator:
    indicator = (
        Indicator.objects.select_related("owner", "adopted_from__owner", "revision")
        .filter(pk=pk)
        .first()
    )
    if indicator is None:
        raise Http404("Nyckeltalet finns inte.")
    return indicator


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


# --- The yearly report for the council ---------------------------------------------------------


def _change_since(block: dict, year: int) -> dict | None:
    """This year's value against last year's, when both exist: amount and which way."""
    by_year = {point["year"]: point for point in block["series"]}
    now, before = by_year.get(year), by_year.get(year - 1)
    if now is None or before is None:
        return None
    gain = analysis.improvement(
        old=before["value"], new=now["value"], lower_is_better=block["lower_is_better"]
    )
    difference = now["value"] - before["value"]
    shown = format_decimal(Decimal(repr(abs(difference))), block["decimals"])
    return {
        "kind": "right" if gain > 0 else "wrong" if gain < 0 else "flat",
        "display": ("+" if difference > 0 else "−" if difference < 0 else "±") + shown,
        "previous": before,
    }


def member_report(*, code: str, year: int, data_version: int | None = None) -> dict:
    """The yearly report: a summary of the year, then one block per figure (as member_trends).

    Values after `year` are left out. A figure is in the report when the member has a value
    for it up to that year; an own figure retired before the year began is not. The summary
    counts figures that moved the right (or wrong) way since last year (both years reported)
    and since the baseline (two values or more), and lists every target's status.
    """
    trends = member_trends(code=code, data_version=data_version, until=year)
    blocks, missing = [], []
    for block in trends["indicators"] + trends["own_indicators"]:
        retired = block["retired_on"]
        if retired is not None and retired.year < year:
            continue
        if not block["series"] and not block["older_series"]:
            missing.append(block["label"])
            continue
        latest = block["latest"]
        block["this_year"] = latest if latest and latest["year"] == year else None
        block["change"] = _change_since(block, year)
        blocks.append(block)
    since_last_year = {"right": 0, "wrong": 0, "flat": 0}
    since_baseline = {"right": 0, "wrong": 0, "flat": 0}
    targets = []
    for block in blocks:
        if block["change"]:
            since_last_year[block["change"]["kind"]] += 1
        if block["verdict"]["kind"] in since_baseline:
            since_baseline[block["verdict"]["kind"]] += 1
        for status in block["target_status"]:
            targets.append(
                {"figure": block["label"], "anchor": block["anchor"], "unit": block["unit"]}
                | status
            )
    on_track = sum(1 for t in targets if t["kind"] in ("on_track", "reached"))
    years = report_years(organisation_id=trends["organisation"]["id"])
    return {
        **trends,
        "year": year,
        # A report exists only for a year the member has values for; the page links to these.
        "report_years": years,
        "has_values": year in years,
        "previous_year": max((y for y in years if y < year), default=None),
        "next_year": min((y for y in years if y > year), default=None),
        "blocks": blocks,
        "missing": missing,
        "summary": {
            "figures": len(blocks),
            "reported_this_year": sum(1 for b in blocks if b["this_year"]),
            "since_last_year": since_last_year | {"compared": sum(since_last_year.values())},
            "since_baseline": since_baseline | {"compared": sum(since_baseline.values())},
            "targets": targets,
            "on_track": on_track,
        },
    }
