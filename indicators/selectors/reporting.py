"""Reporting: who may read and write an organisation's figures, the year form's rows,
completeness per year and member, and a value's history.

Who may do what is decided in `members.access`; this module only lists what it allows."""

from django.db.models import Count, Min
from django.utils.translation import gettext_lazy as _

from common.numbers import format_decimal
from indicators.models import (
    Indicator,
    IndicatorValue,
)
from indicators.selectors.catalogue import current_and_own_indicators, reported_indicators
from members.access import WRITE, acts_as_office, level_given
from members.collation import sorted_swedish, swedish
from members.gdpr import account_display_name
from members.models import (
    Municipality,
    OrganisationAccess,
    is_current_member,
)

# Who may do what is decided in members.access; these list the organisations it allows.


def organisations_for_user(*, user) -> list[dict]:
    """The organisations whose figures `user` may see, each with `can_write`: one query.

    Staff get every organisation (members first), for choosing whom to report for.
    """
    if not (user.is_authenticated and user.is_active):
        return []
    if acts_as_office(user=user):
        organisations = Municipality.objects.with_is_member().order_by(
            "-is_member", swedish("name")
        )
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
        .annotate(is_member=is_current_member("organisation"))
        .select_related("organisation")
    )
    return [
        {
            "id": row.organisation_id,
            "code": row.organisation.code,
            "name": row.organisation.name,
            "can_write": level_given(level=row.level, is_member=row.is_member) == WRITE,
            "is_member": row.is_member,
        }
        for row in sorted_swedish(rows, key=lambda r: r.organisation.name)
    ]


# A year's completeness for one organisation (completeness_state).
COMPLETE = "complete"
PRELIMINARY = "preliminary"
INCOMPLETE = "incomplete"
EMPTY = "empty"


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
    # Only the figures of the organisation's kind: a region's form lists only its figures.
    indicators, own = current_and_own_indicators(
        owner_id=organisation_id, in_use_only=True, with_bands=False
    )
    values = {
        (v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(
            organisation_id=organisation_id,
            indicator__in=indicators + own,
            year__in=[year - 1, year],
        )
    }

    rows, counts = _form_rows(indicators, values=values, year=year)
    own_rows, own_counts = _form_rows(own, values=values, year=year)
    return {
        "year": year,
        "rows": rows,
        "counts": counts,
        "state": completeness_state(**counts),
        "reported": sum(counts.values()),
        "own_rows": own_rows,
        "own_counts": own_counts,
    }


def _form_rows(
    figures: list[Indicator], *, values: dict[tuple[int, int], IndicatorValue], year: int
) -> tuple[list[dict], dict]:
    """The form's rows for `figures` and how many owed values are final, preliminary, missing."""
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
    if not (user.is_authenticated and user.is_active) or acts_as_office(user=user):
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
