"""Charts that belong to the site: their text is inert, optional series have buttons, a far
target does not stretch the axis, band names keep clear of the newest point, and the numbers
follow the page's language."""

import json
import re

import plotly.graph_objects as go
import pytest
from django.urls import reverse
from django.utils import translation

from indicators import charts
from indicators.models import Target
from indicators.selectors import compare_series, member_trends
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<a href="https://evil.example/">e</a>'


def _block(trends: dict, code: str) -> dict:
    return next(b for b in trends["indicators"] + trends["own_indicators"] if b["code"] == code)


def _spec(html: str, data_id: str) -> dict:
    found = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_plotly_text_makes_markup_and_placeholders_inert():
    assert charts.plotly_text(PAYLOAD) == (
        "&lt;a href=&#34;https://evil.example/&#34;&gt;e&lt;/a&gt;"
    )
    assert charts.plotly_text("%{x} & <b> '") == "%&#123;x&#125; &amp; &lt;b&gt; &#39;"
    assert charts.plotly_text("kg/person") == "kg/person"


def test_user_text_in_an_own_figure_reaches_the_chart_escaped(client):
    member = MembershipFactory(organisation__code="0665", organisation__name="Vaggeryd")
    figure = OwnIndicatorFactory(owner=member.organisation, code="E.1", name=PAYLOAD, unit=PAYLOAD)
    for year, value in [(2022, 1), (2023, 2)]:
        IndicatorValueFactory(
            organisation=member.organisation, indicator=figure, year=year, value=value,
            comment=PAYLOAD,
        )  # fmt: skip
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    spec = _spec(html, f"chart-own-{figure.pk}-data")
    texts = _strings(spec)
    assert not any("<a" in text for text in texts)
    assert spec["layout"]["yaxis"]["title"]["text"] == charts.plotly_text(PAYLOAD)
    assert all(charts.plotly_text(PAYLOAD) in t["hovertemplate"] for t in spec["data"])


def test_optional_series_are_switched_with_buttons_outside_the_plot(client, world):
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    spec = _spec(html, "chart-GN-6a-data")
    toggles = {t["key"]: t for t in spec["toggles"]}
    # GN.6a comes from a national database: the county and Sweden are over everyone.
    assert set(toggles) == {"county", "sweden", "own-target"}
    county = spec["data"][toggles["county"]["traces"][0]]
    assert county["name"] == "Länet (alla 13 kommuner)" and county["visible"] == "legendonly"
    assert toggles["sweden"]["pressed"] is True
    assert toggles["county"]["pressed"] is False and toggles["own-target"]["pressed"] is True
    assert spec["layout"]["legend"]["itemclick"] is False  # the legend is only a key
    group = re.search(r'<div class="chart-toggles[^>]*data-toggles-for="chart-GN-6a"[^>]*>', html)
    assert group and 'role="group"' in group.group(0)
    button = re.search(r'class="chart-toggle" data-toggle="county"[^>]*', html)
    assert 'aria-pressed="false"' in button.group(0)
    # The role="img" box holds nothing focusable: the buttons are its siblings.
    chart = re.search(r'<div class="chart" id="chart-GN-6a"[^>]*></div>', html)
    assert chart and 'role="img"' in chart.group(0)


def test_a_far_target_sits_at_the_edge_with_its_year(world, waste):
    Target.objects.filter(indicator=waste).update(year=2045)
    block = _block(member_trends(code="0665"), "GN.6a")
    figure = charts.member_figure(block, member_name="Vaggeryd")
    go.Figure({"data": figure["data"], "layout": figure["layout"]})
    member = next(t for t in figure["data"] if t["name"] == "Vaggeryd")
    assert member["x"] == list(range(2020, 2026))
    target = next(t for t in figure["data"] if t["name"] == "Eget mål")
    assert target["x"] == [2026] and target["text"] == ["2045"]
    low, high = figure["layout"]["xaxis"]["range"]
    assert (low, high) == (2019.5, 2026.5)
    # The far column is a small share of the width, not the 20 empty years up to 2045.
    assert (high - 2025.5) / (high - low) < 0.2
    assert 2026 not in figure["layout"]["xaxis"]["tickvals"]


def test_a_near_target_keeps_its_place_on_the_axis(world, waste):
    Target.objects.filter(indicator=waste).update(year=2027)
    block = _block(member_trends(code="0665"), "GN.6a")
    figure = charts.member_figure(block, member_name="Vaggeryd")
    target = next(t for t in figure["data"] if t["name"] == "Eget mål")
    assert target["x"] == [2027] and target["text"] == [""]
    assert "tickvals" not in figure["layout"]["xaxis"]


def test_band_names_stand_at_the_left_away_from_the_newest_point(world):
    block = _block(member_trends(code="0665"), "GN.6a")
    figure = charts.member_figure(block, member_name="Vaggeryd")
    notes = figure["layout"]["annotations"]
    assert notes and all((n["x"], n["xanchor"], n["xref"]) == (0, "left", "paper") for n in notes)


def test_a_compared_member_without_values_is_named_not_drawn(client, world, waste):
    MembershipFactory(organisation__code="0683", organisation__name="Värnamo")
    comparison = compare_series(indicator=waste, codes=["0665", "0683"])
    figure = charts.compare_figure(comparison)
    assert [t["name"] for t in figure["data"]] == [
        "Vaggeryd",
        "SEKOM-medel (medlemmar som rapporterat året)",
    ]
    assert charts.compare_table(comparison)["columns"] == ["Vaggeryd", "SEKOM-medel"]
    url = reverse("compare") + "?nyckeltal=GN.6a&medlem=0665&medlem=0683"
    html = client.get(url).content.decode()
    assert "Värnamo har inga värden för GN.6a." in html


def test_the_comparison_downloads_as_csv_and_xlsx(client, world):
    query = "?nyckeltal=GN.6a&medlem=0665&medlem=1730"
    html = client.get(reverse("compare") + query).content.decode()
    csv_url = reverse("compare_data", args=["csv"]) + query.replace("&", "&amp;")
    assert csv_url in html
    response = client.get(reverse("compare_data", args=["csv"]) + query)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    body = "\n".join(lines[1:])
    assert "0665" in body and "1730" in body and "0680" not in body  # only the compared
    assert len(lines) == 1 + 3 + 1  # a header, Vaggeryd's three values and Eda's one
    xlsx = client.get(reverse("compare_data", args=["xlsx"]) + query)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("compare_data", args=["csv"])).status_code == 404  # no members
    assert client.get(reverse("compare_data", args=["pdf"]) + query).status_code == 404


@pytest.mark.parametrize(
    ("language", "separators", "shown"), [("sv", ",\u202f", "450"), ("en", ".,", "450")]
)
def test_chart_numbers_follow_the_page_language(world, language, separators, shown):
    with translation.override(language):
        block = _block(member_trends(code="0665"), "GN.6a")
        figure = charts.member_figure(block, member_name="Vaggeryd")
    assert figure["layout"]["separators"] == separators
    assert figure["layout"]["yaxis"]["separatethousands"] is True
    # Hover labels use d3 formats, which take the separators above: ",.0f" for 0 decimals.
    member = next(t for t in figure["data"] if t["name"] == "Vaggeryd")
    assert member["hovertemplate"].startswith("%{x}: %{y:,.0f} kg/person")
    assert block["latest"]["display"] == shown
