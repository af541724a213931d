"""The small chart on a good example's page: the member's values of the figure since the
example's first year, as a Plotly spec for static/js/charts.js (data via json_script), and the
same values as a table, readable without JavaScript."""

from common.numbers import format_decimal
from indicators.charts import MEMBER, plotly_text, separators


def development_figure(example: dict) -> dict:
    series = example["series"]
    years = [p["year"] for p in series]
    unit = plotly_text(example["unit"])
    decimals = example["decimals"]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": plotly_text(example["organisation_name"]),
        "x": years,
        "y": [p["value"] for p in series],
        "line": {"color": MEMBER, "width": 3},
        "marker": {"size": 8},
        "hovertemplate": "%{x}: %{y:,." + str(decimals) + "f} " + unit + "<extra></extra>",
    }
    return {
        "data": [trace],
        "layout": {
            "separators": separators(),
            "margin": {"l": 56, "r": 16, "t": 16, "b": 40},
            "height": 260,
            "xaxis": {
                "tickformat": "d",
                "dtick": 1,
                "range": [years[0] - 0.5, years[-1] + 0.5] if years else None,
                "fixedrange": True,
            },
            "yaxis": {
                "title": {"text": unit},
                "fixedrange": True,
                "separatethousands": True,
                "exponentformat": "none",
                "rangemode": "tozero",
            },
            "showlegend": False,
            "hovermode": "closest",
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }


def development_table(example: dict) -> dict:
    from django.utils.translation import gettext as _

    rows = [
        (
            p["year"],
            [
                format_decimal(p["exact"], example["decimals"])
                + (" " + _("(prel.)") if p["preliminary"] else "")
            ],
        )
        for p in example["series"]
    ]
    return {"columns": [example["unit"]], "rows": rows}
