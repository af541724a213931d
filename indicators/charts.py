"""Plotly figure specs as plain data, built from selector output.

The browser draws them with the vendored basic bundle; no plotly.graph_objects in the request
path (building figure objects costs far more than these dicts and adds nothing here).

Just over 500 lines on purpose: every chart the site draws (member figure, indicator averages,
compare, report) shares the same trace, axis and label helpers here, so that a number looks the
same on every page; split by chart, those helpers would have to be imported back everywhere.
"""

import html
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.numbers import format_decimal

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies; every line
# also differs in dash or marker, so it reads in black-and-white print too.
MEMBER = "#0072B2"
OLDER = "#56B4E9"
SEKOM = "#000000"
COUNTY = "#E69F00"
SWEDEN = "#D55E00"
SIMILAR = "#009E73"
OWN_TARGET = "#009E73"
NATIONAL_TARGET = "#CC79A7"
# Status band tints, best first; the band's name is written on the chart as well.
BAND_TINTS = ["#d5ecdd", "#e8f3dc", "#f7f1d3", "#fbe4cf", "#f5d5d5"]
COMPARE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]
COMPARE_DASHES = ["solid", "dash", "dot", "dashdot", "longdash"]


# A target more than this many years after the newest value is drawn at the chart's right edge
# (with its year written beside it) instead of stretching the axis: 2045 would otherwise leave
# half of every chart empty.
FAR_TARGET_YEARS = 3


def plotly_text(text: object) -> str:
    """Any text a user or the catalogue supplied, made inert for Plotly's label markup.

    Plotly reads names, axis titles, annotations and hover labels as HTML-like markup (<a href>,
    <b>, <br>, entities) and fills "%{...}" placeholders in hover templates. Writing <, >, &,
    quotes and braces as entities shows the text exactly as typed: Plotly turns the entities
    back into characters only after it has parsed tags and placeholders. Quotes and braces get
    numeric entities, the only ones Plotly knows besides &amp;, &lt; and &gt;.
    """
    escaped = html.escape(str(text), quote=False)
    for char in "\"'{}":
        escaped = escaped.replace(char, f"&#{ord(char)};")
    return escaped


def separators() -> str:
    """Plotly's decimal and thousands separators in the page's language (2,47 / 8 278)."""
    return ".," if (get_language() or "sv").startswith("en") else ",\u202f"


def _years(*series: list[dict]) -> list[int]:
    years = {point["year"] for points in series for point in points}
    return list(range(min(years), max(years) + 1)) if years else []


def _on_years(years: list[int], points: list[dict], key: str = "value") -> list:
    """Values on a continuous range of years, None where a year is missing (a gap, not zero)."""
    by_year = {point["year"]: point.get(key) for point in points}
    return [by_year.get(year) for year in years]


def _hover(unit: str, decimals: int, year: str = "%{x}") -> str:
    """The hover label: year, the value with the figure's decimals in the page's style, unit."""
    return (
        year
        + ": %{y:,."
        + str(decimals)
        + "f} "
        + plotly_text(unit)
        + ("<extra>%{fullData.name}</extra>")
    )


def _band_shapes(bands: list[dict], low: float, high: float) -> tuple[list, list]:
    shapes, notes = [], []
    for position, band in enumerate(sorted(bands, key=lambda b: b["order"])):
        y0 = band["lower"] if band["lower"] is not None else low
        y1 = band["upper"] if band["upper"] is not None else high
        if y1 <= low or y0 >= high:
            continue
        y0, y1 = max(y0, low), min(y1, high)
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": y0,
                "y1": y1,
                "fillcolor": BAND_TINTS[min(position, len(BAND_TINTS) - 1)],
                "line": {"width": 0},
                "layer": "below",
            }
        )
        # At the left edge: the newest point, the one readers look for, is at the right.
        notes.append(
            {
                "xref": "paper",
                "yref": "y",
                "x": 0,
                "xanchor": "left",
                "y": (y0 + y1) / 2,
                "text": plotly_text(band["label"]),
                "showarrow": False,
                "font": {"size": 10, "color": "#4d5750"},
            }
        )
    return shapes, notes


def _value_range(values: list[float | None]) -> tuple[float, float]:
    present = [v for v in values if v is not None]
    if not present:
        return 0.0, 1.0
    low, high = min(present), max(present)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    return (0.0 if low >= 0 and low - pad < 0 else low - pad), high + pad


def _layout(unit: str, years: list[int], low: float, high: float) -> dict:
    return {
        "separators": separators(),
        "margin": {"l": 56, "r": 16, "t": 16, "b": 40},
        "height": 320,
        "xaxis": {
            "tickformat": "d",
            "range": [years[0] - 0.5, years[-1] + 0.5] if years else None,
            "fixedrange": True,
        },
        "yaxis": {
            "title": {"text": plotly_text(unit)},
            "range": [low, high],
            "fixedrange": True,
            "separatethousands": True,
            "exponentformat": "none",  # 17 500, not 17,5k: the same number as in the text
        },
        # The legend is a key only: optional series are switched with buttons outside the plot
        # (keyboard and screen readers cannot reach legend items).
        "legend": {"orientation": "h", "y": -0.18, "itemclick": False, "itemdoubleclick": False},
        "hovermode": "closest",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


def _average_trace(
    years: list[int],
    averages: list[dict],
    unit: str,
    decimals: int,
    *,
    key: str,
    name: str,
    colour: str,
    dash: str,
) -> dict:
    """One kind of average (`key` in the averages) as a broken line, with gaps where no one
    reported."""
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": years,
        "y": _on_years(years, averages, key),
        "connectgaps": False,
        "line": {"color": colour, "dash": dash, "width": 2},
        "hovertemplate": _hover(unit, decimals),
    }


def _sekom_trace(years: list[int], averages: list[dict], unit: str, decimals: int) -> dict:
    name = _("SEKOM-medel (medlemmar som rapporterat året)")
    return _average_trace(
        years, averages, unit, decimals, key="sekom", name=name, colour=SEKOM, dash="dot"
    )


def _counted(trace: dict, years: list[int], averages: list[dict], *, key: str) -> dict:
    """The trace's hover also says how many values its average is over that year
    ("antal: 287"), from the averages' `<key>_n`."""
    trace["customdata"] = _on_years(years, averages, f"{key}_n")
    trace["hovertemplate"] = trace["hovertemplate"].replace(
        "<extra>", "<br>" + plotly_text(_("antal")) + ": %{customdata}<extra>"
    )
    return trace


def comparison_labels(block: dict) -> dict[str, str]:
    """{average key: label} of the averages a member's figure is compared with, each naming
    what it is over: "Länet (alla 13 kommuner)", "Sverige (alla 290 kommuner)", "Liknande
    kommuner (10)" for a national-source figure (every organisation of the kind, members or
    not); the county's members only for a member-reported one. Regions compare with regions."""
    comparisons = block.get("comparisons") or {}
    if not comparisons.get("national"):
        return {"county": _("Medel för länets medlemmar")}
    sizes = comparisons["sizes"]
    regions = comparisons["kind"] == "region"
    labels = {}
    # A region is its county's only region: no county line to compare with.
    if sizes.get("county", 0) > 1:
        labels["county"] = (
            _("Länet (alla %(n)s regioner)") if regions else _("Länet (alla %(n)s kommuner)")
        ) % {"n": sizes["county"]}
    labels["sweden"] = (
        _("Sverige (alla %(n)s regioner)") if regions else _("Sverige (alla %(n)s kommuner)")
    ) % {"n": sizes.get("sweden", 0)}
    if sizes.get("similar"):
        labels["similar"] = (
            _("Liknande regioner (%(n)s)") if regions else _("Liknande kommuner (%(n)s)")
        ) % {"n": sizes["similar"]}
    return labels


COMPARISON_STYLES = {
    "county": (COUNTY, "dashdot"),
    "sweden": (SWEDEN, "dash"),
    "similar": (SIMILAR, "longdash"),
}


def _comparison_trace(
    years: list[int], averages: list[dict], unit: str, decimals: int, *, key: str, label: str
) -> dict:
    colour, dash = COMPARISON_STYLES[key]
    trace = _average_trace(
        years,
        averages,
        unit,
        decimals,
        key=key,
        name=plotly_text(label),
        colour=colour,
        dash=dash,
    )
    return _counted(trace, years, averages, key=key)


def _far_positions(last_year: int | None, target_years: list[int]) -> dict[int, float]:
    """{far target year: x position at the right edge, one column per distinct year}."""
    if last_year is None:
        return {}
    far = sorted({y for y in target_years if y > last_year + FAR_TARGET_YEARS})
    return {year: last_year + 1 + position for position, year in enumerate(far)}


def _year_ticks(years: list[int]) -> list[int]:
    """Explicit year ticks (the edge beyond them holds far targets, which carry their own year)."""
    step = 1 if len(years) <= 6 else 2 if len(years) <= 12 else 5
    return [year for year in years if year % step == 0] or years[-1:]


def member_figure(block: dict, *, member_name: str) -> dict:
    """The member's series against its own past, with averages, targets and status bands.

    Optional series (older definition, county average, targets) are listed in "toggles": the
    page draws a real button for each outside the plot (static/js/charts.js).
    """
    unit = block["unit"]
    decimals = block["decimals"]
    targets = block["targets"]
    data_years = _years(block["series"], block["older_series"], block["averages"])
    last_year = data_years[-1] if data_years else None
    far = _far_positions(last_year, [t["year"] for t in targets])
    years = _years(
        block["series"],
        block["older_series"],
        block["averages"],
        [t for t in targets if t["year"] not in far],
    )
    data, toggles = [], []

    def optional(trace: dict, key: str, label: str, *, shown: bool = True) -> None:
        toggles.append({"key": key, "label": label, "pressed": shown, "traces": [len(data)]})
        if not shown:
            trace["visible"] = "legendonly"
        data.append(trace)

    if block["older_series"]:
        optional(_older_trace(block, years), "older", _("Tidigare definition"))
    data.append(_member_trace(block, years, member_name=member_name))
    preliminary = [p for p in block["series"] if p["preliminary"]]
    if preliminary:
        data.append(_preliminary_trace(preliminary, unit, decimals))
    # A member's own figure has no SEKOM or county average: it is the member's alone.
    if not block.get("own"):
        data.append(
            _counted(
                _sekom_trace(years, block["averages"], unit, decimals),
                years,
                block["averages"],
                key="sekom",
            )
        )
        # Beside SEKOM: the county, and for a national-source figure Sweden and similar
        # organisations; each switched by its own button (Sweden shown from the start).
        for key, label in comparison_labels(block).items():
            optional(
                _comparison_trace(years, block["averages"], unit, decimals, key=key, label=label),
                key,
                label,
                shown=key == "sweden",
            )
    for national, name, colour, symbol in (
        (False, _("Eget mål"), OWN_TARGET, "star"),
        (True, _("Nationellt mål"), NATIONAL_TARGET, "diamond"),
    ):
        chosen = [t for t in targets if t["national"] is national]
        if chosen:
            optional(
                _target_trace(
                    chosen, far=far, name=name, colour=colour, symbol=symbol, block=block
                ),
                "national-target" if national else "own-target",
                name,
            )
    plotted = [v for trace in data for v in trace["y"]]
    low, high = _value_range(plotted)
    layout = _layout(unit, years, low, high)
    shapes, notes = _band_shapes(block["bands"], low, high)
    if far and years:
        _make_room_for_far_targets(layout, shapes, years=years, far=far)
    layout["shapes"], layout["annotations"] = shapes, notes
    return {"data": data, "layout": layout, "toggles": toggles}


def _older_trace(block: dict, years: list[int]) -> dict:
    """The member's years under the older definition the current figure continues."""
    older = block["continues"]
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": plotly_text(
            _("%(code)s enligt tidigare definition (%(revision)s)")
            % {"code": older["code"], "revision": older["revision"]}
        ),
        "x": years,
        "y": _on_years(years, block["older_series"]),
        "connectgaps": False,
        "line": {"color": OLDER, "dash": "dash", "width": 2},
        "marker": {"symbol": "square", "size": 6},
        "hovertemplate": _hover(block["unit"], block["decimals"]),
    }


def _member_trace(block: dict, years: list[int], *, member_name: str) -> dict:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": plotly_text(member_name),
        "x": years,
        "y": _on_years(years, block["series"]),
        "connectgaps": False,
        "line": {"color": MEMBER, "width": 3},
        "marker": {"size": 7},
        "hovertemplate": _hover(block["unit"], block["decimals"]),
    }


def _preliminary_trace(preliminary: list[dict], unit: str, decimals: int) -> dict:
    """A ring around each preliminary value."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": _("Preliminärt värde"),
        "x": [p["year"] for p in preliminary],
        "y": [p["value"] for p in preliminary],
        "marker": {
            "symbol": "circle-open",
            "size": 14,
            "color": MEMBER,
            "line": {"width": 2},
        },
        "hovertemplate": _hover(unit, decimals),
    }


def _target_trace(
    chosen: list[dict], *, far: dict[int, float], name: str, colour: str, symbol: str, block: dict
) -> dict:
    """One kind of target (own or national) as markers; far ones at the right edge."""
    return {
        "type": "scatter",
        "mode": "markers+text" if any(t["year"] in far for t in chosen) else "markers",
        "name": name,
        "x": [far.get(t["year"], t["year"]) for t in chosen],
        "y": [t["value"] for t in chosen],
        # A far target sits at the edge: its year is written beside the marker.
        "text": [str(t["year"]) if t["year"] in far else "" for t in chosen],
        "textposition": "top left",  # inside the chart, also at its edge
        "textfont": {"size": 11, "color": colour},
        "customdata": [t["year"] for t in chosen],
        "marker": {"symbol": symbol, "size": 13, "color": colour},
        "hovertemplate": _hover(block["unit"], block["decimals"], year="%{customdata}"),
    }


def _make_room_for_far_targets(
    layout: dict, shapes: list[dict], *, years: list[int], far: dict[int, float]
) -> None:
    """Widen the x axis to the far targets' columns and mark where it jumps (in place)."""
    edge = max(far.values())
    layout["xaxis"]["range"] = [years[0] - 0.5, edge + 0.5]
    layout["xaxis"]["tickvals"] = _year_ticks(years)
    # A dashed line marks where the axis jumps to the far target years.
    shapes.append(
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": years[-1] + 0.5,
            "x1": years[-1] + 0.5,
            "y0": 0,
            "y1": 1,
            "line": {"color": "#6b756e", "width": 1, "dash": "dot"},
        }
    )


# The printed report's charts: the width of an A4 page's text (180 mm at 96 dpi), so the chart
# on paper is the chart on screen, drawn before anyone prints.
REPORT_WIDTH = 680
REPORT_HEIGHT = 300


def report_figure(block: dict, *, member_name: str) -> dict:
    """member_figure for paper: fixed size, no toolbar or hover, no switched-off traces."""
    figure = member_figure(block, member_name=member_name)
    figure.pop("toggles")
    figure["data"] = [trace for trace in figure["data"] if trace.get("visible") != "legendonly"]
    figure["layout"] |= {
        "width": REPORT_WIDTH,
        "height": REPORT_HEIGHT,
        "autosize": False,
        "hovermode": False,
    }
    figure["layout"]["margin"] = {"l": 56, "r": 16, "t": 8, "b": 36}
    figure["layout"]["legend"] = {"orientation": "h", "y": -0.2, "font": {"size": 11}}
    figure["config"] = {"staticPlot": True, "displayModeBar": False, "responsive": False}
    return figure


def averages_figure(
    indicator: dict, averages: list[dict], *, comparisons: dict | None = None
) -> dict:
    """The SEKOM average over time, with the number of reporting members as bars; with
    `comparisons` (as a member block's), the county and Sweden averages too, each switched by a
    button outside the plot ("toggles", as on the member page)."""
    years = _years(averages)
    unit = indicator["unit"]
    values = _on_years(years, averages, "sekom")
    layout = _layout(unit, years, 0, 1)
    layout["yaxis2"] = {
        "title": {"text": _("antal medlemmar")},
        "overlaying": "y",
        "side": "right",
        "rangemode": "tozero",
        "tickformat": ",d",
        "showgrid": False,
        "fixedrange": True,
    }
    layout["margin"]["r"] = 56
    sekom = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": _("SEKOM-medel (medlemmar som rapporterat året)"),
        "x": years,
        "y": values,
        "connectgaps": False,
        "line": {"color": SEKOM, "width": 3},
        "hovertemplate": _hover(unit, indicator["decimals"]),
    }
    data = [
        {
            "type": "bar",
            "name": _("Antal medlemmar som rapporterat"),
            "x": years,
            "y": _on_years(years, averages, "sekom_n"),
            "yaxis": "y2",
            "marker": {"color": "#c9d3cc"},
            "opacity": 0.45,
            "hovertemplate": "%{x}: %{y:,d}<extra>%{fullData.name}</extra>",
        },
        sekom,
    ]
    toggles = []
    labels = comparison_labels({"comparisons": comparisons}) if comparisons else {}
    for key, label in labels.items():
        if all(average.get(key) is None for average in averages):
            continue  # e.g. no county chosen: no line and no button
        toggles.append({"key": key, "label": label, "pressed": True, "traces": [len(data)]})
        data.append(
            _comparison_trace(years, averages, unit, indicator["decimals"], key=key, label=label)
        )
    low, high = _value_range([v for trace in data[1:] for v in trace["y"]])
    layout["yaxis"]["range"] = [low, high]
    shapes, notes = _band_shapes(indicator["bands"], low, high)
    layout["shapes"], layout["annotations"] = shapes, notes
    return {"data": data, "layout": layout, "toggles": toggles}


def compare_figure(comparison: dict) -> dict:
    """Up to five members' series on one indicator, with the SEKOM average.

    Members without values for the figure get no trace (an empty legend entry says nothing);
    the page names them instead.
    """
    indicator = comparison["indicator"]
    unit = indicator["unit"]
    members = comparison["members"]
    years = _years(comparison["averages"], *[m["series"] for m in members])
    data = []
    for position, member in enumerate(members):
        if not member["series"]:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plotly_text(member["name"]),
                "x": years,
                "y": _on_years(years, member["series"]),
                "connectgaps": False,
                "line": {
                    "color": COMPARE_COLOURS[position % 5],
                    "dash": COMPARE_DASHES[position % 5],
                    "width": 3,
                },
                "hovertemplate": _hover(unit, indicator["decimals"]),
            }
        )
    data.append(_sekom_trace(years, comparison["averages"], unit, indicator["decimals"]))
    low, high = _value_range([v for trace in data for v in trace["y"]])
    layout = _layout(unit, years, low, high)
    layout["height"] = 420
    shapes, notes = _band_shapes(indicator["bands"], low, high)
    layout["shapes"], layout["annotations"] = shapes, notes
    return {"data": data, "layout": layout}


def _fmt(value: float | None, decimals: int, *, language: str | None = None) -> str:
    if value is None:
        return ""
    return format_decimal(Decimal(repr(value)), decimals, language=language)


def member_table(block: dict, *, member_name: str) -> dict:
    """The chart's data as a table (for screen readers, keyboard users and print)."""
    decimals = block["decimals"]
    years = _years(block["series"], block["older_series"], block["averages"])
    own = {p["year"]: p for p in block["series"]}
    older = {p["year"]: p for p in block["older_series"]}
    averages = {a["year"]: a for a in block["averages"]}
    columns = [member_name]
    if older:
        columns.append(_("Tidigare definition"))
    with_averages = not block.get("own")  # own figures have no averages
    compared = comparison_labels(block) if with_averages else {}
    if with_averages:
        columns += [_("SEKOM-medel"), *compared.values()]
    # Once per table, not once per cell: a member page's tables have ~2 000 cells.
    language, preliminary, counted = get_language(), " " + _("(prel.)"), _("antal")
    rows = []
    for year in years:
        point = own.get(year)
        cells = [
            (point["display"] + (preliminary if point["preliminary"] else "")) if point else ""
        ]
        if older:
            cells.append(older[year]["display"] if year in older else "")
        if with_averages:
            average = averages.get(year, {})
            cells.append(_fmt(average.get("sekom"), decimals, language=language))
            cells += [
                _counted_cell(average, key, decimals, language=language, counted=counted)
                for key in compared
            ]
        rows.append((year, cells))
    return {"columns": columns, "rows": rows}


def _counted_cell(
    average: dict,
    key: str,
    decimals: int,
    *,
    language: str | None = None,
    counted: str | None = None,
) -> str:
    """An average with how many values it is over, as the chart's hover says it: "452,3
    (antal: 287)"; empty when no one had a value."""
    value = average.get(key)
    if value is None:
        return ""
    shown = _fmt(value, decimals, language=language)
    return f"{shown} ({counted or _('antal')}: {average.get(f'{key}_n', 0)})"


def compare_table(comparison: dict) -> dict:
    decimals = comparison["indicator"]["decimals"]
    members = [m for m in comparison["members"] if m["series"]]
    years = _years(comparison["averages"], *[m["series"] for m in members])
    by_member = [{p["year"]: p["display"] for p in m["series"]} for m in members]
    averages = {a["year"]: a["sekom"] for a in comparison["averages"]}
    rows = [
        (
            year,
            [values.get(year, "") for values in by_member] + [_fmt(averages.get(year), decimals)],
        )
        for year in years
    ]
    return {"columns": [m["name"] for m in members] + [_("SEKOM-medel")], "rows": rows}


def averages_table(
    indicator: dict, averages: list[dict], *, comparisons: dict | None = None
) -> dict:
    decimals = indicator["decimals"]
    labels = comparison_labels({"comparisons": comparisons}) if comparisons else {}
    shown = [key for key in labels if any(a.get(key) is not None for a in averages)]
    rows = [
        (
            a["year"],
            [_fmt(a["sekom"], decimals), str(a["sekom_n"])]
            + [_counted_cell(a, key, decimals) for key in shown],
        )
        for a in averages
    ]
    columns = [_("SEKOM-medel"), _("Antal medlemmar"), *(labels[key] for key in shown)]
    return {"columns": columns, "rows": rows}
