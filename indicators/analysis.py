"""Pure computations on figure data: verdicts, averages and good examples.

Everything here takes and returns plain data (no queries), so the rules can be tested on small
hand-made series and the pages, downloads and API all share them.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.numbers import decimal_places, format_decimal
from members.collation import swedish_key

# A value this many years older than the indicator's latest year no longer counts as "latest".
RECENT_YEARS = 5
# How far back "improved most" looks.
IMPROVEMENT_SPAN = 5
STRONG_EXAMPLES = 5
LEARN_FROM = 3


@dataclass(frozen=True)
class Point:
    year: int
    value: float


def improvement(*, old: float, new: float, lower_is_better: bool) -> float:
    """Change from `old` to `new`, positive when it goes the desired way."""
    change = new - old
    return -change if lower_is_better else change


def development_verdict(*, series: Iterable[Point], lower_is_better: bool) -> dict:
    """Compare the latest value with the baseline (the first year with a value).

    Missing years are simply absent from `series`; they never count as zero.
    """
    points = sorted(series, key=lambda p: p.year)
    if len(points) < 2:
        return {
            "kind": "unknown",
            "text": _("För få värden för att bedöma utvecklingen."),
            "baseline": points[0] if points else None,
            "latest": points[-1] if points else None,
        }
    baseline, latest = points[0], points[-1]
    gain = improvement(old=baseline.value, new=latest.value, lower_is_better=lower_is_better)
    if gain > 0:
        kind, text = "right", _("Utvecklingen går åt rätt håll sedan %(year)s")
    elif gain < 0:
        kind, text = "wrong", _("Utvecklingen går åt fel håll sedan %(year)s")
    else:
        kind, text = "flat", _("Oförändrat sedan %(year)s")
    return {
        "kind": kind,
        "text": text % {"year": baseline.year},
        "baseline": baseline,
        "latest": latest,
    }


def yearly_direction(*, averages: dict[int, float], lower_is_better: bool) -> dict | None:
    """The latest average, its year, and which way it moved since the year before it."""
    if not averages:
        return None
    years = sorted(averages)
    latest_year = years[-1]
    result = {"year": latest_year, "value": averages[latest_year], "kind": "unknown"}
    if len(years) > 1:
        previous = averages[years[-2]]
        gain = improvement(old=previous, new=averages[latest_year], lower_is_better=lower_is_better)
        result["previous_year"] = years[-2]
        result["kind"] = "right" if gain > 0 else "wrong" if gain < 0 else "flat"
        result["moved"] = (
            "down"
            if averages[latest_year] < previous
            else ("up" if averages[latest_year] > previous else "same")
        )
    return result


def latest_per_member(rows: Iterable[dict]) -> dict[int, dict]:
    """From value rows ({organisation_id, year, value, ...}), each member's latest row."""
    latest: dict[int, dict] = {}
    for row in rows:
        current = latest.get(row["organisation_id"])
        if current is None or row["year"] > current["year"]:
            latest[row["organisation_id"]] = row
    return latest


def recent(latest: dict[int, dict]) -> dict[int, dict]:
    """Keep the latest values that are no more than RECENT_YEARS older than the newest one."""
    if not latest:
        return {}
    newest = max(row["year"] for row in latest.values())
    return {org: row for org, row in latest.items() if row["year"] > newest - RECENT_YEARS}


def strongest(*, latest: dict[int, dict], lower_is_better: bool, limit: int) -> list[dict]:
    """The members with the best recent latest values in the desired direction."""
    ordered = sorted(
        recent(latest).values(),
        key=lambda row: (
            row["value"] if lower_is_better else -row["value"],
            swedish_key(row["name"]),
        ),
    )
    return ordered[:limit]


def strong_set(*, latest: dict[int, dict], lower_is_better: bool) -> list[dict]:
    """The best quarter of members on an indicator (at least three): the pool of good examples."""
    pool = recent(latest)
    size = max(LEARN_FROM, math.ceil(len(pool) / 4))
    return strongest(latest=latest, lower_is_better=lower_is_better, limit=size)


def top_quarter(*, latest: dict[int, dict], lower_is_better: bool) -> list[dict]:
    """The best quarter, strictly (no minimum): the members that "hör till de starkaste"."""
    return strongest(latest=latest, lower_is_better=lower_is_better, limit=top_quarter_size(latest))


def top_quarter_size(latest: dict[int, dict]) -> int:
    """How many members top_quarter() holds (a quarter of the recent ones, rounded up)."""
    return math.ceil(len(recent(latest)) / 4)


def improvers(
    *, rows: Iterable[dict], lower_is_better: bool, limit: int, span: int = IMPROVEMENT_SPAN
) -> list[dict]:
    """Members that improved most against their own value `span` years before their latest.

    The improvement is relative to the member's own earlier value, so small and large members
    compare fairly; a member without a value `span` years earlier is left out.
    """
    by_member: dict[int, dict[int, dict]] = {}
    for row in rows:
        by_member.setdefault(row["organisation_id"], {})[row["year"]] = row
    pairs = []
    for years in by_member.values():
        latest = years[max(years)]
        pairs.append((latest, years.get(latest["year"] - span)))
    return improvers_of_pairs(pairs, lower_is_better=lower_is_better, limit=limit)


def improvers_of_pairs(
    pairs: list[tuple[dict, dict | None]], *, lower_is_better: bool, limit: int
) -> list[dict]:
    """improvers() when each member's latest row and its row IMPROVEMENT_SPAN years before (or
    None) are known already, as the maintained latest values hold them: (latest, earlier)."""
    newest = max((latest["year"] for latest, _earlier in pairs), default=0)
    found = []
    for latest, earlier in pairs:
        # Only recent latest values (as recent()), with an earlier value to compare with.
        if latest["year"] <= newest - RECENT_YEARS or earlier is None or earlier["value"] == 0:
            continue
        gain = improvement(
            old=earlier["value"], new=latest["value"], lower_is_better=lower_is_better
        )
        if gain <= 0:
            continue
        found.append(
            {**latest, "earlier": earlier, "gain": gain, "gain_share": gain / abs(earlier["value"])}
        )
    found.sort(key=lambda item: (-item["gain_share"], swedish_key(item["name"])))
    return found[:limit]


def learn_from_pool(*, pairs: list[tuple[dict, dict | None]], lower_is_better: bool) -> dict:
    """What "Lär av" draws on for one figure and kind, from every current member's (latest row,
    row IMPROVEMENT_SPAN years before or None): the strong set, how many of its head are the
    best quarter (top_quarter), and the members that improved most, one more than a block
    shows (the member itself may be among them)."""
    latest = {pair[0]["organisation_id"]: pair[0] for pair in pairs}
    return {
        "strong": strong_set(latest=latest, lower_is_better=lower_is_better),
        "top_size": top_quarter_size(latest),
        "improvers": improvers_of_pairs(
            pairs, lower_is_better=lower_is_better, limit=LEARN_FROM + 1
        ),
    }


def is_better(value: float, than: float, *, lower_is_better: bool) -> bool:
    """Strictly better in the figure's direction."""
    return value < than if lower_is_better else value > than


def learn_from(
    *,
    strong: list[dict],
    own_id: int,
    own_county_id: int,
    own_population: int | None,
    populations: dict[int, int],
    own_value: float | None = None,
    lower_is_better: bool = False,
    improved: list[dict] | None = None,
    top: list[dict] | None = None,
    limit: int = LEARN_FROM,
) -> dict:
    """Whom a member can learn from: {"among_strongest": bool, "members": [...]}.

    Only strong members whose latest value is better than the member's own (`own_value`, in
    the figure's direction) are suggested, preferring the same county, then similar size. A
    member that is itself among the strongest (in `top`, the best quarter; `strong` when not
    given) is told so (`among_strongest`) and offered the members that improved most instead
    (`improved`, best first), or nobody: never a weaker member without saying so. Without a
    value of its own, the strong members are suggested.
    """

    def closeness(row: dict) -> tuple:
        population = populations.get(row["organisation_id"])
        if own_population and population:
            size_gap = abs(math.log(population) - math.log(own_population))
        else:
            size_gap = math.inf
        return (row["county_id"] != own_county_id, size_gap, row["name"])

    if any(row["organisation_id"] == own_id for row in (strong if top is None else top)):
        others = [row for row in improved or [] if row["organisation_id"] != own_id]
        return {"among_strongest": True, "members": others[:limit]}
    candidates = [
        row
        for row in strong
        if row["organisation_id"] != own_id
        and (
            own_value is None or is_better(row["value"], own_value, lower_is_better=lower_is_better)
        )
    ]
    return {"among_strongest": False, "members": sorted(candidates, key=closeness)[:limit]}


# --- Target tracking -------------------------------------------------------------------------

# The projection is a straight line through the member's latest values, at least this few.
PROJECTION_POINTS = 5
MIN_PROJECTION_POINTS = 3
COUNT_WORDS = {0: gettext_lazy("inget"), 1: gettext_lazy("ett"), 2: gettext_lazy("två")}


def _shown(value: float, decimals: int) -> str:
    return format_decimal(Decimal(repr(value)), decimals)


def _target_shown(value: float, decimals: int) -> str:
    """A target as it was set: 0,9 stays 0,9 even on a figure shown with two decimals."""
    return _shown(value, min(decimals, decimal_places(Decimal(repr(value)))))


def least_squares(points: list[Point]) -> tuple[float, float]:
    """(slope per year, value at year 0) of the straight line closest to `points`."""
    n = len(points)
    mean_year = sum(p.year for p in points) / n
    mean_value = sum(p.value for p in points) / n
    spread = sum((p.year - mean_year) ** 2 for p in points)
    slope = sum((p.year - mean_year) * (p.value - mean_value) for p in points) / spread
    return slope, mean_value - slope * mean_year


def _meets(value: float, target: float, *, lower_is_better: bool) -> bool:
    return value <= target if lower_is_better else value >= target


def target_projection(
    *,
    series: Iterable[Point],
    target_year: int,
    target_value: float,
    lower_is_better: bool,
    unit: str = "",
    decimals: int = 1,
    low: float | None = None,
    high: float | None = None,
) -> dict:
    """Is the member on track to reach `target_value` by `target_year`? Said in words.

    A least-squares line through the member's last PROJECTION_POINTS values (years with a value;
    gaps are skipped, never zeros) is extended to the target year; the projected value is kept
    within the figure's valid range (`low`, `high`) and compared, as shown (rounded to
    `decimals`), with the target in the desired direction. With fewer than
    MIN_PROJECTION_POINTS values there is no projection, and the text says so. Once the target
    year has come, the latest value is compared with the target instead.
    """
    points = sorted(series, key=lambda p: p.year)[-PROJECTION_POINTS:]
    result = {
        "target_year": target_year,
        "target_value": target_value,
        "target_display": _target_shown(target_value, decimals),
        "projected": None,
        "projected_display": "",
        "slope": None,
        "points": len(points),
    }
    words = {"year": target_year, "target": result["target_display"]}
    if points and points[-1].year >= target_year:
        return result | _target_year_verdict(
            points[-1],
            target_value=target_value,
            lower_is_better=lower_is_better,
            unit=unit,
            decimals=decimals,
            words=words,
        )
    if len(points) < MIN_PROJECTION_POINTS:
        return result | _too_few_points(target_year=target_year, count=len(points))
    slope, intercept = least_squares(points)
    projected = intercept + slope * target_year
    if low is not None:
        projected = max(low, projected)
    if high is not None:
        projected = min(high, projected)
    result |= {
        "projected": projected,
        "projected_display": _shown(projected, decimals),
        "slope": slope,
    }
    words["value"] = _with_unit(result["projected_display"], unit)
    return result | _projection_verdict(
        projected,
        target_value=target_value,
        lower_is_better=lower_is_better,
        decimals=decimals,
        words=words,
    )


def _with_unit(shown: str, unit: str) -> str:
    return f"{shown} {unit}".strip()


def _target_year_verdict(
    latest: Point,
    *,
    target_value: float,
    lower_is_better: bool,
    unit: str,
    decimals: int,
    words: dict,
) -> dict:
    """The target year has come: the latest value, as shown, reached the target or not."""
    words = words | {
        "value": _with_unit(_shown(latest.value, decimals), unit),
        "latest_year": latest.year,
    }
    if _meets(round(latest.value, decimals), target_value, lower_is_better=lower_is_better):
        kind = "reached"
        text = _("Målet för %(year)s är nått: %(value)s %(latest_year)s") % words
    else:
        kind = "missed"
        text = (
            _("Målet för %(year)s är inte nått: %(value)s %(latest_year)s, målet är %(target)s")
            % words
        )
    short = (_("Nått") if kind == "reached" else _("Inte nått: %(value)s")) % words
    return {"kind": kind, "text": text, "short": short}


def _too_few_points(*, target_year: int, count: int) -> dict:
    return {
        "kind": "too_few",
        "text": _(
            "Ingen prognos mot målet %(year)s: det behövs minst tre värden och det finns %(count)s."
        )
        % {"year": target_year, "count": COUNT_WORDS[count]},
        "short": _("Ingen prognos: för få värden"),
    }


def _projection_verdict(
    projected: float, *, target_value: float, lower_is_better: bool, decimals: int, words: dict
) -> dict:
    """The projected value, as shown, against the target in the desired direction."""
    if _meets(round(projected, decimals), target_value, lower_is_better=lower_is_better):
        return {
            "kind": "on_track",
            "text": _("I takt med målet %(year)s") % words,
            "short": _("I takt: nås %(value)s") % words,
        }
    return {
        "kind": "off_track",
        "text": _(
            "Inte i takt: med nuvarande utveckling nås %(value)s %(year)s, målet är %(target)s"
        )
        % words,
        "short": _("Inte i takt: nås %(value)s") % words,
    }
