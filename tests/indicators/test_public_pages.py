"""The public pages on a small hand-made data set: averages, verdicts, examples, no ranks."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from indicators.models import FigurePool, Indicator
from indicators.selectors import indicator_overview, member_trends
from members.models import Membership, Municipality, OrganisationAccess
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def _block(trends, code):
    return next(block for block in trends["indicators"] if block["code"] == code)


def test_sekom_and_county_averages_count_only_current_members(world):
    block = _block(member_trends(code="0665"), "GN.6a")
    by_year = {row["year"]: row for row in block["averages"]}
    assert by_year[2020]["sekom"] == pytest.approx(450)  # Stockholm's 100 is left out
    assert by_year[2020]["sekom_n"] == 2
    assert by_year[2022]["sekom"] == pytest.approx(480)
    assert by_year[2025]["sekom"] == pytest.approx(390)
    assert by_year[2025]["county"] == pytest.approx(435)  # Vaggeryd and Jönköping (06)
    assert by_year[2025]["county_n"] == 2


def test_member_block_has_latest_baseline_verdict_and_comment(world):
    block = _block(member_trends(code="0665"), "GN.6a")
    assert (block["latest"]["display"], block["latest"]["year"]) == ("450", 2025)
    assert block["latest"]["preliminary"] is True
    assert (block["baseline"]["display"], block["baseline"]["year"]) == ("500", 2020)
    assert block["verdict"]["text"] == "Utvecklingen går åt rätt håll sedan 2020"
    assert block["comment"] == "Ny insamling av matavfall."
    worse = _block(member_trends(code="0680"), "GN.6a")
    assert worse["verdict"]["text"] == "Utvecklingen går åt fel håll sedan 2020"


def test_learn_from_prefers_the_same_county(world):
    block = _block(member_trends(code="0665"), "GN.6a")
    assert [row["name"] for row in block["learn_from"]] == ["Jönköping", "Eda"]


def test_learn_from_names_a_member_as_it_is_called_now(world):
    """The pools kept on write name members by id: a renamed member is shown by its new name."""
    Municipality.objects.filter(code="1730").update(name="Eda kommun")
    block = _block(member_trends(code="0665"), "GN.6a")
    assert [row["name"] for row in block["learn_from"]] == ["Jönköping", "Eda kommun"]


def test_learn_from_leaves_out_a_member_that_left_past_the_services(world):
    """The pool still names Eda (its membership ended straight in the database, so nothing
    ranked again): the page suggests only current members, and does not fail."""
    Membership.objects.filter(organisation__code="1730").update(
        status=Membership.Status.RESIGNED, left_on=datetime.date(2025, 12, 31)
    )
    block = _block(member_trends(code="0665"), "GN.6a")
    assert [row["name"] for row in block["learn_from"]] == ["Jönköping"]


def test_learn_from_follows_a_figure_turned_the_other_way_past_the_services(world, waste):
    """A pool ranked on write in one direction is not trusted once the figure points the other
    way (changed straight in the database, not through the admin or the catalogue, which rank
    again): the page ranks afresh, and still suggests only members doing better."""
    eda = _block(member_trends(code="1730"), "GN.6a")
    assert eda["learn_from_strongest"] is True  # 300 kg, the least household waste
    Indicator.objects.filter(pk=waste.pk).update(direction=Indicator.Direction.HIGHER)
    assert FigurePool.objects.get(indicator=waste, organisation_kind="kommun").lower_is_better
    eda = _block(member_trends(code="1730"), "GN.6a")
    assert eda["learn_from_strongest"] is False
    assert [(row["name"], row["value"]) for row in eda["learn_from"]] == [
        ("Jönköping", 420.0),
        ("Vaggeryd", 450.0),
    ]


def test_member_chart_has_gaps_preliminary_marks_targets_and_bands(client, world):
    response = client.get(reverse("member_detail", args=["0665"]))
    html = response.content.decode()
    spec = json.loads(
        re.search(
            r'<script id="chart-GN-6a-data" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    member = next(trace for trace in spec["data"] if trace["name"] == "Vaggeryd")
    # The 2030 target is far beyond the newest value (2025): it does not stretch the axis.
    assert member["x"] == list(range(2020, 2026))
    assert member["y"][:6] == [500.0, None, 480.0, None, None, 450.0]  # gaps, never zeros
    assert member["connectgaps"] is False
    names = [trace["name"] for trace in spec["data"]]
    assert "Preliminärt värde" in names
    assert "SEKOM-medel (medlemmar som rapporterat året)" in names
    county = next(t for t in spec["data"] if t["name"] == "Länet (alla 13 kommuner)")
    assert county["visible"] == "legendonly"
    own_target = next(trace for trace in spec["data"] if trace["name"] == "Eget mål")
    assert (own_target["x"], own_target["y"]) == ([2026], [400.0])  # at the right edge
    assert (own_target["text"], own_target["customdata"]) == (["2030"], [2030])
    # Values span about 300-510 kg (Sweden's average, shown, counts Stockholm's 90 too): the
    # bands < 370, 370-450 and 450-560 show; > 560 does not.
    assert [note["text"] for note in spec["layout"]["annotations"]] == [
        "Mycket bra",
        "Bra",
        "Mindre bra",
    ]
    assert [(s["y0"], s["y1"]) for s in spec["layout"]["shapes"]][1] == (370, 450)
    assert "Utvecklingen går åt rätt håll sedan 2020" in html
    assert "Visa som tabell" in html


def test_older_definition_fills_years_the_current_one_lacks(client, world, waste):
    old_waste = waste.continues
    IndicatorValueFactory(organisation=world["0665"], indicator=old_waste, year=2010, value=610)
    block = _block(member_trends(code="0665"), "GN.6a")
    assert [(p["year"], p["display"]) for p in block["older_series"]] == [(2010, "610")]
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert "GN.7 enligt tidigare definition (2012)" in html


def test_indicator_page_strong_examples_and_improvers(world):
    overview = indicator_overview(code="GN.6a")
    assert [row["name"] for row in overview["strong"]] == ["Eda", "Jönköping", "Vaggeryd"]
    assert [(row["name"], row["earlier"]["year"]) for row in overview["improvers"]] == [
        ("Vaggeryd", 2020)
    ]
    assert [row["name"] for row in overview["table"]] == ["Eda", "Jönköping", "Vaggeryd"]
    assert [a["sekom_n"] for a in overview["averages"]] == [2, 1, 3]
    only_06 = indicator_overview(code="GN.6a", county="06")
    assert [row["name"] for row in only_06["table"]] == ["Jönköping", "Vaggeryd"]


def test_contacts_of_strong_examples_only_for_logged_in_member_users(
    client, world, django_user_model
):
    url = reverse("indicator_detail", args=["GN.6a"])
    assert "Eva Ek" not in client.get(url).content.decode()
    reader = django_user_model.objects.create_user("politiker", password="x")
    client.force_login(reader)
    assert "Eva Ek" not in client.get(url).content.decode()  # logged in, but no member's user
    OrganisationAccess.objects.create(user=reader, organisation=world["0665"], level="reader")
    html = client.get(url).content.decode()
    assert "Eva Ek" in html
    assert "eva.ek@eda.se" in html


def test_no_page_shows_a_rank(client, world):
    pages = [
        reverse("home"),
        reverse("member_detail", args=["0665"]),
        reverse("indicator_detail", args=["GN.6a"]),
        reverse("compare") + "?nyckeltal=GN.6a&medlem=0665&medlem=0680&medlem=1730",
    ]
    for url in pages:
        text = re.sub(r"<script.*?</script>", "", client.get(url).content.decode(), flags=re.S)
        lowered = text.lower()
        for word in ("rank", "placering", "topplista", "sämst", "bäst i", "plats "):
            assert word not in lowered, (url, word)
        assert "<ol" not in lowered, url


def test_earlier_revision_has_its_own_page(client, world):
    response = client.get(reverse("indicator_revision_detail", args=["2012", "GN.7"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "GN.7 Mängd hushållsavfall" in html
    assert "inte den gällande" in html
    assert client.get(reverse("indicator_detail", args=["GN.99"])).status_code == 404


def test_compare_keeps_the_selection_in_the_url(client, world):
    url = reverse("compare") + "?nyckeltal=GN.6a&medlem=0665&medlem=0680&medlem=1730"
    html = client.get(url).content.decode()
    spec = json.loads(
        re.search(
            r'<script id="compare-chart-data" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert [trace["name"] for trace in spec["data"]] == [
        "Vaggeryd", "Jönköping", "Eda", "SEKOM-medel (medlemmar som rapporterat året)",
    ]  # fmt: skip
    assert '<option value="0680" selected>' in html
    assert client.get(reverse("compare") + "?nyckeltal=XX").status_code == 404


def test_home_shows_each_figure_with_the_latest_average_and_direction(client, world):
    html = client.get(reverse("home")).content.decode()
    assert "GN.6a</span> Mängd hushållsavfall" in html
    assert "390" in html and "(2025)" in html  # the 2025 average, down from 480 in 2022
    assert "sedan 2022" in html
    assert "rätt håll" in html
    assert 'Jönköpings län <span class="count">(2)</span>' in html


def test_search_goes_straight_to_a_single_match_and_lists_several(client, world):
    response = client.get(reverse("search"), {"q": "vagg"})
    assert response.status_code == 302
    assert response["Location"] == reverse("member_detail", args=["0665"])
    response = client.get(reverse("search"), {"q": "ö"})  # Jönköping only; Stockholm has left
    assert response["Location"] == reverse("member_detail", args=["0680"])
    MembershipFactory(organisation=MunicipalityFactory(code="0662"))  # Gislaved
    many = client.get(reverse("search"), {"q": "a"})
    assert many.status_code == 200
    assert "Gislaved" in many.content.decode() and "Eda" in many.content.decode()


def test_pages_use_only_the_sites_own_scripts_and_the_basic_plotly_bundle(client, world):
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    sources = re.findall(r'<script[^>]+src="([^"]+)"', html)
    # The member page's charts are drawn when seen: charts.js loads Plotly when the first one is
    # needed, from the files its tag names (on Swedish pages Plotly's vendored Swedish locale,
    # and the shim it is a module for, after the bundle).
    assert sources == ["/static/js/charts.js"]
    assert re.findall(r'<script[^>]+data-plotly="([^"]+)"', html) == [
        "/static/vendor/plotly/plotly-basic.min.js /static/js/plotly-locale-module.js"
        " /static/vendor/plotly-locales/sv.js"
    ]
    report = client.get(reverse("member_report", args=["0665", 2025])).content.decode()
    assert re.findall(r'<script[^>]+src="([^"]+)"', report) == [
        "/static/vendor/plotly/plotly-basic.min.js",
        "/static/js/plotly-locale-module.js",
        "/static/vendor/plotly-locales/sv.js",
        "/static/js/charts.js",
    ]
    assert "<script>" not in html  # no inline scripts: chart data travels in json_script
    assert "onclick" not in html and "style=" not in html
