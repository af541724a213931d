"""A member compares a national-source figure with its county, all of Sweden and similar
organisations, counting non-members too; non-members still never appear as someone to call.

The hand-built data set (GN.6a, household waste, lower is better; 2023):

| organisation | member | county | inhabitants | value |
|---|---|---|---|---|
| 0665 Vaggeryd | yes | 06 | 15 000 | 450 |
| 0680 Jönköping | yes | 06 | 145 000 | 420 |
| 0617 Gnosjö | no | 06 | 9 500 | 300 (the best of all) |
| 0642 Mullsjö | no | 06 | 7 000 | - |
| 1730 Eda | no | 17 | 8 300 | 500 |
| 0180 Stockholm | no | 01 | 980 000 | 600 |

Vaggeryd's two similar organisations (nearest population) are Gnosjö and Eda. So for
Vaggeryd in 2023: SEKOM (450 + 420) / 2 = 435 over 2; the county (450 + 420 + 300) / 3 = 390
over 3 of its 13 municipalities; Sweden (450 + 420 + 300 + 500 + 600) / 5 = 454 over 5 of 290;
similar (300 + 500) / 2 = 400 over 2.
"""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators import charts
from indicators.models import FigureArea, FigureAverage, FigureLatest, Indicator
from indicators.selectors import indicator_overview, member_trends
from members.models import Municipality, Population, SimilarOrganisation
from members.services import similar_organisations_rebuild
from members.services.similar import similar_choose
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db

INHABITANTS = {
    "0665": 15000,
    "0680": 145000,
    "0617": 9500,
    "0642": 7000,
    "1730": 8300,
    "0180": 980000,
}
WASTE_2023 = {"0665": "450", "0680": "420", "0617": "300", "1730": "500", "0180": "600"}


@pytest.fixture
def waste():
    return Indicator.objects.get(revision__is_current=True, code="GN.6a")


@pytest.fixture
def compared(settings, waste):
    settings.SIMILAR_ORGANISATIONS = 2
    organisations = {code: Municipality.objects.get(code=code) for code in INHABITANTS}
    for code in ("0665", "0680"):
        MembershipFactory(organisation=organisations[code])
    for code, inhabitants in INHABITANTS.items():
        Population.objects.create(
            municipality=organisations[code], year=2022, inhabitants=inhabitants
        )
    similar_organisations_rebuild()
    for code, value in WASTE_2023.items():
        IndicatorValueFactory(
            organisation=organisations[code], indicator=waste, year=2023, value=Decimal(value)
        )
    return organisations


def _block(trends: dict, code: str) -> dict:
    return next(block for block in trends["indicators"] if block["code"] == code)


def _spec(html: str, data_id: str) -> dict:
    found = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_similar_organisations_are_those_of_the_same_kind_with_the_nearest_population(compared):
    similar = {
        code: set(
            SimilarOrganisation.objects.filter(organisation__code=code).values_list(
                "similar__code", flat=True
            )
        )
        for code in ("0665", "0680", "0180")
    }
    assert similar["0665"] == {"0617", "1730"}  # 5 500 and 6 700 away; Mullsjö is 8 000
    assert similar["0680"] == {"0665", "0617"}  # the nearest two below it
    assert similar["0180"] == {"0680", "0665"}
    # Organisations without a population have no similar ones and are similar to none.
    assert not SimilarOrganisation.objects.filter(organisation__code="0686").exists()
    # Regions compare with regions only.
    chosen = similar_choose(
        populations={1: ("kommun", 100), 2: ("region", 101), 3: ("kommun", 300), 4: ("kommun", 99)},
        size=2,
    )
    assert chosen == {1: [4, 3], 2: [], 3: [1, 4], 4: [1, 3]}


def test_the_averages_count_members_and_non_members_where_they_should(compared, waste):
    vaggeryd = compared["0665"]
    block = _block(member_trends(code="0665"), "GN.6a")
    (average,) = block["averages"]
    assert average["year"] == 2023
    assert (average["sekom"], average["sekom_n"]) == (435.0, 2)
    assert (average["county"], average["county_n"]) == (390.0, 3)
    assert (average["sweden"], average["sweden_n"]) == (454.0, 5)
    assert (average["similar"], average["similar_n"]) == (400.0, 2)
    assert block["comparisons"] == {
        "national": True,
        "kind": "kommun",
        "sizes": {"county": 13, "sweden": 290, "similar": 2},
    }
    # The rows themselves: the similar row of Vaggeryd sums Gnosjö's and Eda's values.
    row = FigureAverage.objects.get(
        indicator=waste, area_kind=FigureArea.SIMILAR, area_code=vaggeryd.code, year=2023
    )
    assert (row.value_sum, row.value_count) == (Decimal(800), 2)


def test_a_member_reported_figure_keeps_its_county_to_the_members(compared):
    energy = Indicator.objects.get(revision__is_current=True, code="GN.7")
    for code, value in (("0665", "80"), ("0617", "100")):
        IndicatorValueFactory(organisation=compared[code], indicator=energy, year=2023, value=value)
    block = _block(member_trends(code="0665"), "GN.7")
    (average,) = block["averages"]
    assert (average["county"], average["county_n"]) == (80.0, 1)  # Gnosjö is no member
    assert (average["sweden"], average["similar"]) == (None, None)
    assert charts.comparison_labels(block) == {"county": "Medel för länets medlemmar"}
    figure = charts.member_figure(block, member_name="Vaggeryd")
    assert {toggle["key"] for toggle in figure["toggles"]} == {"county"}


def test_non_members_are_never_strong_examples_or_someone_to_learn_from(client, compared, waste):
    # Gnosjö has the best value of all, but is no member: it counts only in averages.
    assert not FigureLatest.objects.filter(organisation=compared["0617"]).exists()
    overview = indicator_overview(code="GN.6a")
    assert "0617" not in [row["code"] for row in overview["strong"] + overview["improvers"]]
    assert "0617" not in [row["code"] for row in overview["table"]]
    block = _block(member_trends(code="0665"), "GN.6a")
    assert [row["code"] for row in block["learn_from"]] == ["0680"]
    html = client.get(reverse("indicator_detail", args=["GN.6a"])).content.decode()
    assert "Gnosjö" not in html
    member_html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    learn_from = member_html[member_html.index('id="chart-GN-6a-block"') :]
    learn_from = learn_from[learn_from.index('class="learn-from') :]
    learn_from = learn_from[: learn_from.index("</div>")]
    assert "Jönköping" in learn_from and "Gnosjö" not in learn_from


def test_the_member_chart_labels_each_line_with_what_and_how_many_it_counts(client, compared):
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    spec = _spec(html, "chart-GN-6a-data")
    toggles = {toggle["key"]: toggle for toggle in spec["toggles"]}
    labels = {key: toggle["label"] for key, toggle in toggles.items() if key != "own-target"}
    assert labels == {
        "county": "Länet (alla 13 kommuner)",
        "sweden": "Sverige (alla 290 kommuner)",
        "similar": "Liknande kommuner (2)",
    }
    for key, label in labels.items():
        trace = spec["data"][toggles[key]["traces"][0]]
        assert trace["name"] == label
        assert "antal: %{customdata}" in trace["hovertemplate"]
    sweden = spec["data"][toggles["sweden"]["traces"][0]]
    assert (sweden["x"], sweden["y"], sweden["customdata"]) == ([2023], [454.0], [5])
    assert "visible" not in sweden  # shown from the start; county and similar switched on
    county = spec["data"][toggles["county"]["traces"][0]]
    assert county["visible"] == "legendonly" and toggles["county"]["pressed"] is False
    sekom = next(t for t in spec["data"] if t["name"].startswith("SEKOM-medel"))
    assert sekom["customdata"] == [2]
    # Real buttons, one per line, with the label as their name and their state.
    for key, label in labels.items():
        button = re.search(rf'<button type="button" class="chart-toggle" data-toggle="{key}"[^>]*>'
                           rf"([^<]*)</button>", html)  # fmt: skip
        assert button and button.group(1) == label
        assert "aria-pressed" in button.group(0)


def test_the_table_view_has_the_same_columns_with_counts(compared):
    block = _block(member_trends(code="0665"), "GN.6a")
    table = charts.member_table(block, member_name="Vaggeryd")
    assert table["columns"] == [
        "Vaggeryd",
        "SEKOM-medel",
        "Länet (alla 13 kommuner)",
        "Sverige (alla 290 kommuner)",
        "Liknande kommuner (2)",
    ]
    assert table["rows"] == [
        (2023, ["450", "435", "390 (antal: 3)", "454 (antal: 5)", "400 (antal: 2)"])
    ]


def test_a_region_compares_with_all_regions_and_has_no_county_line(compared):
    emissions = Indicator.objects.get(revision__is_current=True, code="GN.1a")
    region, other = Municipality.objects.get(code="06"), Municipality.objects.get(code="01")
    MembershipFactory(organisation=region)
    for organisation, value in ((region, "2.0"), (other, "4.0"), (compared["0665"], "9.0")):
        IndicatorValueFactory(
            organisation=organisation, indicator=emissions, year=2023, value=value
        )
    block = _block(member_trends(code="06"), "GN.1a")
    (average,) = block["averages"]
    assert (average["sweden"], average["sweden_n"]) == (3.0, 2)  # Vaggeryd is no region
    assert charts.comparison_labels(block) == {"sweden": "Sverige (alla 21 regioner)"}


def test_the_indicator_page_shows_sweden_and_the_chosen_county_over_time(client, compared):
    html = client.get(reverse("indicator_detail", args=["GN.6a"]) + "?lan=06").content.decode()
    spec = _spec(html, "average-chart-data")
    names = [trace["name"] for trace in spec["data"]]
    assert "Sverige (alla 290 kommuner)" in names and "Länet (alla 13 kommuner)" in names
    assert {toggle["key"] for toggle in spec["toggles"]} == {"county", "sweden"}
    assert 'data-toggles-for="average-chart"' in html
    assert "454 (antal: 5)" in html and "390 (antal: 3)" in html
    without_county = client.get(reverse("indicator_detail", args=["GN.6a"])).content.decode()
    assert {t["key"] for t in _spec(without_county, "average-chart-data")["toggles"]} == {"sweden"}


def test_downloads_carry_the_same_averages(client, compared):
    member = client.get("/kommun/0665/data.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(member), delimiter=";"))
    (row,) = [r for r in rows if r["nyckeltal"] == "GN.6a"]
    assert (row["SEKOM-snitt"], row["antal medlemmar"]) == ("435", "2")
    assert (row["läns-snitt"], row["antal i länet"]) == ("390", "3")
    assert (row["Sverige-snitt"], row["antal i Sverige"]) == ("454", "5")
    assert (row["liknande kommuner-snitt"], row["antal liknande"]) == ("400", "2")
    indicator = client.get("/nyckeltal/GN.6a/data.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(indicator), delimiter=";"))
    # Non-members' values are open data; each row carries the year's Sweden average.
    assert {r["kommunkod"] for r in rows} == set(WASTE_2023)
    assert {(r["Sverige-snitt"], r["antal i Sverige"]) for r in rows} == {("454", "5")}


def test_the_api_carries_the_same_averages(client, compared):
    body = client.get("/api/v1/averages/", {"indicator": "GN.6a", "organisation": "0665"}).json()
    assert body["sizes"] == {"county": 13, "sweden": 290, "similar": 2}
    assert (body["kind"], body["reported_by"]) == ("kommun", "national")
    assert body["results"] == [
        {
            "year": 2023,
            "sekom": 435.0,
            "sekom_n": 2,
            "county": 390.0,
            "county_n": 3,
            "sweden": 454.0,
            "sweden_n": 5,
            "similar": 400.0,
            "similar_n": 2,
        }
    ]
    everyone = client.get("/api/v1/averages/", {"indicator": "GN.6a"}).json()
    assert everyone["sizes"] == {"county": None, "sweden": 290, "similar": None}
    assert everyone["results"][0]["county_n"] == 0
    assert client.get("/api/v1/averages/", {"indicator": "GN.99"}).status_code == 400


def test_a_new_similar_set_moves_the_similar_averages(compared, waste):
    vaggeryd = compared["0665"]
    Population.objects.filter(municipality=compared["0180"]).update(inhabitants=15500)
    similar_organisations_rebuild(size=1)
    row = FigureAverage.objects.get(
        indicator=waste, area_kind=FigureArea.SIMILAR, area_code=vaggeryd.code, year=2023
    )
    assert (row.value_sum, row.value_count) == (Decimal(600), 1)  # Stockholm, now nearest
