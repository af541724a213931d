"""The chart specs are plain dicts built in the request path; Plotly's own schema checks them.

plotly.graph_objects validates every property name and value, so a typo such as "connectgap"
or an invalid dash style fails here instead of silently drawing the wrong chart.
"""

import plotly.graph_objects as go
import pytest

from indicators import charts
from indicators.selectors import compare_series, indicator_overview, member_trends

pytestmark = pytest.mark.django_db


def test_member_figures_are_valid_plotly(world):
    trends = member_trends(code="0665")
    drawn = [block for block in trends["indicators"] if block["series"]]
    assert drawn
    for block in drawn:
        go.Figure(charts.member_figure(block, member_name="Vaggeryd"))


def test_average_and_compare_figures_are_valid_plotly(world, waste):
    overview = indicator_overview(code="GN.6a")
    go.Figure(charts.averages_figure(overview["indicator"], overview["averages"]))
    comparison = compare_series(indicator=waste, codes=["0665", "0680", "1730"])
    go.Figure(charts.compare_figure(comparison))


def test_an_invalid_property_is_caught():
    with pytest.raises(ValueError, match="connectgap"):
        go.Figure({"data": [{"type": "scatter", "connectgap": False}], "layout": {}})
