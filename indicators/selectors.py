"""Reads of the key figures for pages, downloads and the API: plain dicts and lists."""

from django.db.models import Count, Exists, Min, OuterRef
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, IndicatorValue
from indicators.numbers import format_decimal
from members.models import ContactPerson, Membership, Municipality, OrganisationAccess


def current_indicators() -> list[Indicator]:
    """The current revision's measurable indicators (not the grouping rows), in display order."""
    return list(
        Indicator.objects.current()
        .filter(children__isnull=True)
        .select_related("revision", "parent")
        .order_by("display_order", "code")
    )


def member_latest_values(*, organisation_id: int) -> list[dict]:
    """For each current indicator, the member's latest value (or None): two queries."""
    indicators = current_indicators()
    latest: dict[int, IndicatorValue] = {}
    for value in IndicatorValue.objects.filter(
        organisation_id=organisation_id, indicator__in=indicators
    ).order_by("indicator_id", "year"):
        latest[value.indicator_id] = value
    rows = []
    for indicator in indicators:
        value = latest.get(indicator.pk)
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "value": value.value if value else None,
                "display": format_decimal(value.value, indicator.decimals) if value else "",
                "year": value.year if value else None,
                "preliminary": bool(value and value.status == IndicatorValue.Status.PRELIMINARY),
            }
        )
    return rows


# --- Reporting: who may do what -------------------------------------------------------------
# The one place that decides access to an organisation's figures. Staff may do everything;
# a reporter (members.OrganisationAccess, level "reporter") reads and writes the organisation's
# values; a reader only reads; everyone else, and anonymous users, neither.

READ = "read"
WRITE = "write"


def organisation_access(*, user, organisation: Municipality) -> str | None:
    """WRITE, READ or None for `user` on `organisation`: at most one query."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_staff:
        return WRITE
    level = (
        OrganisationAccess.objects.filter(user=user, organisation=organisation)
        .order_by("pk")
        .values_list("level", flat=True)
        .first()
    )
    if level == OrganisationAccess.Level.REPORTER:
        return WRITE
    if level == OrganisationAccess.Level.READER:
        return READ
    return None


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
        ).order_by("-is_member", "name")
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
    rows = OrganisationAccess.objects.filter(user=user).select_related("organisation")
    return [
        {
            "id": row.organisation_id,
            "code": row.organisation.code,
            "name": row.organisation.name,
            "can_write": row.level == OrganisationAccess.Level.REPORTER,
            "is_member": True,
        }
        for row in sorted(rows, key=lambda r: r.organisation.name)
    ]


# --- Reporting: the year page, completeness and history --------------------------------------

COMPLETE = "complete"
PRELIMINARY = "preliminary"
INCOMPLETE = "incomplete"
EMPTY = "empty"


def reported_indicators() -> list[Indicator]:
    """The current revision's measurable indicators that members report themselves."""
    return [i for i in current_indicators() if i.reported_by == Indicator.ReportedBy.MEMBER]


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
    fetches from national databases.
    """
    indicators = current_indicators()
    values = {
        (v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(
            organisation_id=organisation_id, indicator__in=indicators, year__in=[year - 1, year]
        )
    }
    rows = []
    counts = {"final": 0, "preliminary": 0, "missing": 0}
    for indicator in indicators:
        current = values.get((indicator.pk, year))
        previous = values.get((indicator.pk, year - 1))
        editable = indicator.reported_by == Indicator.ReportedBy.MEMBER
        rows.append(
            {
                "indicator": indicator,
                "editable": editable,
                "value": current,
                "display": _display(current, indicator),
                "previous": previous,
                "previous_display": _display(previous, indicator),
            }
        )
        if editable:
            if current is None:
                counts["missing"] += 1
            elif current.status == IndicatorValue.Status.PRELIMINARY:
                counts["preliminary"] += 1
            else:
                counts["final"] += 1
    return {
        "year": year,
        "rows": rows,
        "counts": counts,
        "state": completeness_state(**counts),
        "reported": sum(counts.values()),
    }


def _display(value: IndicatorValue | None, indicator: Indicator) -> str:
    return format_decimal(value.value, indicator.decimals) if value else ""


def reporting_years(*, organisation_ids: list[int], years: list[int]) -> dict[int, list[dict]]:
    """For each organisation, each year's completeness (newest first): two queries."""
    indicators = reported_indicators()
    counted = (
        IndicatorValue.objects.filter(
            organisation_id__in=organisation_ids, indicator__in=indicators, year__in=years
        )
        .values("organisation_id", "year", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    tally: dict[tuple[int, int], dict[str, int]] = {}
    for row in counted:
        key = (row["organisation_id"], row["year"])
        tally.setdefault(key, {"final": 0, "preliminary": 0})[row["status"]] = row["n"]
    result = {}
    for organisation_id in organisation_ids:
        result[organisation_id] = []
        for year in sorted(years, reverse=True):
            counts = tally.get((organisation_id, year), {"final": 0, "preliminary": 0})
            missing = len(indicators) - counts["final"] - counts["preliminary"]
            result[organisation_id].append(
                {
                    "year": year,
                    **counts,
                    "missing": missing,
                    "total": len(indicators),
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
                "user": (user.get_full_name() or user.email or user.get_username()) if user else "",
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


def completeness_overview(*, year: int) -> dict:
    """Active members by member-reported indicators for one year: three queries.

    Each cell is missing, preliminary or final; counts per member and per indicator. Members
    are listed by county and name, never by how much they have reported.
    """
    indicators = reported_indicators()
    members = list(
        Municipality.objects.active_members()
        .select_related("county")
        .order_by("county__code", "name")
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
