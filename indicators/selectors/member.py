"""The member page: every figure of one member with its series, averages, targets and
members to learn from (at most 8 queries, whatever the number of members and years)."""

from collections import defaultdict

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, When
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from common.numbers import format_decimal
from common.prepared import PreparedQuery
from indicators import analysis
from indicators.models import (
    Indicator,
    IndicatorValue,
    Target,
)
from indicators.selectors._common import _display
from indicators.selectors.averages import (
    shown_pools,
    stored_pools,
    yearly_averages,
)
from indicators.selectors.catalogue import current_and_own_indicators, indicator_summary
from members.models import (
    County,
    Membership,
    Municipality,
    Population,
    SimilarOrganisation,
)


def member_trends(
    *,
    code: str,
    data_version: int | None = None,
    until: int | None = None,
    with_learn_from: bool = True,
) -> dict | None:
    """Everything the member page shows, for every current indicator (at most 8 queries).

    Per indicator: the member's series (with preliminary marks and the older definition's years
    where the catalogue maps one), SEKOM and county averages per year, targets and how the
    member tracks them, status bands, latest value, baseline, verdict, comment and up to three
    members to learn from. The member's own figures (`own_indicators`, retired ones as ended
    series) get the same series, targets, verdict and target tracking, but no averages and no
    examples: they are the member's alone. `until` leaves out values after that year (the
    yearly report). Without `with_learn_from` (the report shows no "Lär av") every block's
    list of members to learn from is empty and the other members' values are not read.
    None when no organisation has the code.
    """
    # The organisation's query also reads the current members, whom the pools of "Lär av"
    # name, with their populations ("similar size").
    organisation, members = _organisation_and_members(code=code, with_members=with_learn_from)
    if organisation is None:
        return None
    indicators, own_indicators = current_and_own_indicators(owner_id=organisation.pk)
    # Only the figures that apply to this kind of organisation: a region has no household waste
    # (the query leaves out the other kind's figures; the rule itself is the model's).
    indicators = [i for i in indicators if i.applies_to_organisation(organisation)]
    ids = [i.pk for i in indicators]
    own_ids = [i.pk for i in own_indicators]
    older_ids = [i.continues_id for i in indicators if i.continues_id]
    values, last_changed = _member_values(
        organisation=organisation, indicator_ids=ids + older_ids + own_ids, until=until
    )
    averages = yearly_averages(
        indicator_ids=ids,
        county_id=organisation.county_id,
        kind=organisation.kind,
        similar_code=organisation.code,
        data_version=data_version,
    )
    # National-source figures are compared with the county, Sweden and similar organisations:
    # the labels say how many organisations each is over (read with the organisation).
    national = {i.pk for i in indicators if i.reported_by == Indicator.ReportedBy.NATIONAL}
    sizes = organisation.area_sizes
    targets = _member_targets(organisation=organisation, indicator_ids=ids + own_ids)
    pools = (
        shown_pools(
            pools=stored_pools(indicator_ids=ids, kind=organisation.kind),
            indicators=indicators,
            kind=organisation.kind,
            members=members,
        )
        if with_learn_from
        else {}
    )
    populations = {pk: member["inhabitants"] for pk, member in members.items()}
    blocks = []
    for indicator in indicators:
        block = _member_block(
            indicator,
            own=values.get(indicator.pk, []),
            older=values.get(indicator.continues_id, []) if indicator.continues_id else [],
            targets=targets.get(indicator.pk, []),
        )
        per_year = averages.get(indicator.pk, {})
        block["averages"] = [
            {"year": year, **per_year[year]}
            for year in sorted(per_year)
            if until is None or year <= until
        ]
        block["comparisons"] = {
            "national": indicator.pk in national,
            "kind": organisation.kind,
            "sizes": sizes,
        }
        block |= (
            _learn_from_block(
                block,
                pool=pools.get(indicator.pk, {"strong": [], "top": [], "improvers": []}),
                organisation=organisation,
                populations=populations,
            )
            if with_learn_from
            else NO_LEARN_FROM
        )
        blocks.append(block)
    return {
        "organisation": _organisation_summary(organisation),
        "indicators": blocks,
        "own_indicators": [
            _own_block(
                indicator, values=values.get(indicator.pk, []), targets=targets[indicator.pk]
            )
            for indicator in own_indicators
        ],
        "last_changed": last_changed,
    }


NO_LEARN_FROM = {"learn_from": [], "learn_from_strongest": False, "learn_from_note": ""}


def _count(rows, *, by: str) -> Subquery:
    return Subquery(rows.order_by().values(by).annotate(n=Count("pk")).values("n")[:1])


def _area_sizes(code: str) -> dict[str, Case]:
    """How many organisations of its kind are in its county, in Sweden and similar to it, as
    annotations computed for the organisation `code` only (the other rows get None)."""
    same_kind = Municipality.objects.filter(kind=OuterRef("kind"))
    counts = {
        "county": _count(same_kind.filter(county_id=OuterRef("county_id")), by="kind"),
        "sweden": _count(same_kind, by="kind"),
        "similar": _count(
            SimilarOrganisation.objects.filter(organisation=OuterRef("pk")), by="organisation"
        ),
    }
    return {
        f"size_{name}": Case(When(code=code, then=count), output_field=IntegerField())
        for name, count in counts.items()
    }


def _organisation_rows(*, code: str, with_members: bool):
    """The query of _organisation_and_members (prepared: built once per process and shape)."""
    ended = Membership.objects.filter(
        organisation=OuterRef("pk"), status=Membership.Status.RESIGNED
    ).order_by("-left_on")
    fields = ("pk", "code", "name", "county_id", "kind", "county__name", "county__code")
    extra = ("county__short_name", "is_member", "inhabitants", "last_joined_on", "last_left_on")
    sizes = ("size_county", "size_sweden", "size_similar")
    return (
        Municipality.objects.with_is_member()
        .annotate(
            inhabitants=Subquery(
                Population.objects.filter(municipality=OuterRef("pk"))
                .order_by("-year")
                .values("inhabitants")[:1]
            ),
            # Only the page's own organisation needs its last membership: the database then
            # runs these subqueries for one row, not for every member.
            last_joined_on=Case(When(code=code, then=Subquery(ended.values("joined_on")[:1]))),
            last_left_on=Case(When(code=code, then=Subquery(ended.values("left_on")[:1]))),
            **_area_sizes(code),
        )
        .filter(Q(code=code) | Q(is_member=True) if with_members else Q(code=code))
        # Plain rows, not model instances: up to ~300 of them, and only one is the page's.
        .values_list(*fields, *extra, *sizes, named=True)
        .order_by()
    )


_ORGANISATION_ROWS = PreparedQuery(_organisation_rows)


def _organisation_and_members(
    *, code: str, with_members: bool
) -> tuple[Municipality | None, dict[int, dict]]:
    """The organisation `code` (or None) with its latest population, its last membership and
    how many its averages are over at most (`area_sizes`), and `with_members` every current
    member ({id: code, name, county_id, county, county_code, inhabitants}): one query."""
    rows = _ORGANISATION_ROWS.rows(code=code, with_members=with_members)
    organisation, members = None, {}
    for row in rows:
        if row.code == code:
            organisation = _organisation_of(row)
        if row.is_member:  # only current members are suggested; a former member's page is read
            members[row.pk] = {
                "code": row.code,
                "name": row.name,
                "county_id": row.county_id,
                "county": row.county__name,
                "county_code": row.county__code,
                "inhabitants": row.inhabitants,
            }
    return organisation, members


def _organisation_of(row) -> Municipality:
    """The page's organisation as a model instance (the services' and selectors' filters take
    one), with what the query annotated."""
    organisation = Municipality(
        pk=row.pk, code=row.code, name=row.name, county_id=row.county_id, kind=row.kind
    )
    organisation.county = County(
        pk=row.county_id,
        code=row.county__code,
        name=row.county__name,
        short_name=row.county__short_name,
    )
    for name in ("is_member", "inhabitants", "last_joined_on", "last_left_on"):
        setattr(organisation, name, getattr(row, name))
    organisation.area_sizes = {
        name: getattr(row, f"size_{name}") or 0 for name in ("county", "sweden", "similar")
    }
    return organisation


def _member_value_rows(*, organisation_id: int, indicator_ids: list[int], until: int | None):
    values = IndicatorValue.objects.filter(
        organisation_id=organisation_id, indicator_id__in=indicator_ids
    )
    if until is not None:
        values = values.filter(year__lte=until)
    # Named rows, not model instances: the same attributes, at a fraction of the cost.
    return values.order_by("year").values_list(
        "indicator_id", "year", "value", "status", "comment", "entered_at", named=True
    )


_MEMBER_VALUE_ROWS = PreparedQuery(_member_value_rows)


def _member_values(
    *, organisation: Municipality, indicator_ids: list[int], until: int | None
) -> tuple[dict[int, list], object]:
    """The member's values by indicator, oldest first, and when one last changed: one query."""
    by_indicator: dict[int, list] = defaultdict(list)
    last_changed = None
    rows = _MEMBER_VALUE_ROWS.rows(
        organisation_id=organisation.pk, indicator_ids=indicator_ids, until=until
    )
    for value in rows:
        by_indicator[value.indicator_id].append(value)
        if last_changed is None or value.entered_at > last_changed:
            last_changed = value.entered_at
    return by_indicator, last_changed


def _member_target_rows(*, organisation_id: int, indicator_ids: list[int]):
    return (
        Target.objects.filter(
            Q(organisation_id=organisation_id) | Q(organisation__isnull=True),
            indicator_id__in=indicator_ids,
        )
        .order_by("year")
        .values_list("indicator_id", "year", "value", "organisation_id", "note")
    )


_MEMBER_TARGET_ROWS = PreparedQuery(_member_target_rows)


def _member_targets(
    *, organisation: Municipality, indicator_ids: list[int]
) -> dict[int, list[dict]]:
    """The member's own and the national targets by indicator, earliest first: one query."""
    targets: dict[int, list[dict]] = defaultdict(list)
    rows = _MEMBER_TARGET_ROWS.rows(organisation_id=organisation.pk, indicator_ids=indicator_ids)
    for indicator_id, year, value, organisation_id, note in rows:
        targets[indicator_id].append(
            {
                "year": year,
                "value": float(value),
                # A national target is the one without an organisation (Target.is_national).
                "national": organisation_id is None,
                "note": note,
            }
        )
    return targets


def _own_block(indicator: Indicator, *, values: list, targets: list) -> dict:
    """One of the member's own figures: as a catalogue figure's block, without averages or
    members to learn from (the figure is the member's alone)."""
    return _member_block(indicator, own=values, older=[], targets=targets) | {
        "averages": [],
        **NO_LEARN_FROM,
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


def _organisation_summary(organisation: Municipality) -> dict:
    return {
        "id": organisation.pk,
        "code": organisation.code,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": organisation.get_kind_display(),
        "county": organisation.county.name,
        "county_id": organisation.county_id,
        "inhabitants": organisation.inhabitants,
        "membership": _membership_summary(organisation),
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
    chosen = analysis.learn_from(
        strong=pool["strong"],
        top=pool["top"],
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


def _member_block(indicator: Indicator, *, own: list, older: list, targets: list) -> dict:
    """One figure of one member: series, latest, baseline, verdict, comment, target tracking."""
    summary = indicator_summary(indicator)
    language = get_language()  # once, not once per value
    series = [
        {
            "year": v.year,
            "value": float(v.value),
            "display": format_decimal(v.value, indicator.decimals, language=language),
            "preliminary": v.status == IndicatorValue.Status.PRELIMINARY,
        }
        for v in own
    ]
    covered = {v.year for v in own}
    older_series = [
        {
            "year": v.year,
            "value": float(v.value),
            "display": format_decimal(v.value, indicator.continues.decimals, language=language),
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
