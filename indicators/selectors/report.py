"""The yearly report for the council: the member page's blocks up to one year, with a summary."""

from decimal import Decimal

from common.numbers import format_decimal
from indicators import analysis
from indicators.models import (
    IndicatorValue,
)
from indicators.selectors.member import member_trends
from members.models import (
    Municipality,
)


def organisation_heading(*, code: str) -> dict | None:
    """A member's code and name, for a printed page's running header (1 query); None if none."""
    return Municipality.objects.filter(code=code).values("code", "name").first()


def report_years(*, organisation_id: int) -> list[int]:
    """The years the member has any value for, oldest first (1 query): the years with a report."""
    return list(
        IndicatorValue.objects.filter(organisation_id=organisation_id)
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )


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


def member_report(*, code: str, year: int, data_version: int | None = None) -> dict | None:
    """The yearly report: a summary of the year, then one block per figure (as member_trends).

    Values after `year` are left out. A figure is in the report when the member has a value
    for it up to that year; an own figure retired before the year began is not. The summary
    counts figures that moved the right (or wrong) way since last year (both years reported)
    and since the baseline (two values or more), and lists every target's status. None when
    no organisation has the code.
    """
    # The report shows no "Lär av": the other members' latest values are not read.
    trends = member_trends(code=code, data_version=data_version, until=year, with_learn_from=False)
    if trends is None:
        return None
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
