"""Print and the report: every printed page names the association, the member, the print date
and "Demodata" and is numbered; the report exists only for years with values."""

import datetime
import re

import pytest
from django.urls import reverse

from indicators.models import Indicator
from members.models import SiteState
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    member = MembershipFactory(
        organisation__code="0665", organisation__name="Vaggeryd"
    ).organisation
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    for year, value in [(2019, 520), (2021, 500), (2023, 491)]:
        IndicatorValueFactory(organisation=member, indicator=waste, year=year, value=value)
    return member


def _boxes(css: str) -> dict[str, str]:
    return dict(re.findall(r"@([a-z-]+) \{ content: (.*?); \}", css))


def test_the_print_margins_name_association_member_date_and_page(client, vaggeryd):
    response = client.get(reverse("print_margins", args=["0665"]) + "?ar=2023")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Cache-Control"] == "no-store"
    boxes = _boxes(response.content.decode())
    assert boxes["top-left"] == '"Sveriges Ekokommuner · Gröna nyckeltal"'
    assert boxes["top-right"] == '"Vaggeryd, årsrapport 2023"'
    today = datetime.date.today()
    assert boxes["bottom-left"].startswith(f'"Uppgifter till och med 2023, utskrivet {today.day} ')
    assert "Demodata" not in boxes["bottom-left"]
    assert boxes["bottom-right"] == '"sida " counter(page) " av " counter(pages) ""'


def test_the_print_margins_say_demodata_and_speak_english(client, vaggeryd):
    SiteState.objects.update_or_create(pk=1, defaults={"demo": {"seed": 1}})
    client.cookies["django_language"] = "en"
    boxes = _boxes(client.get(reverse("print_margins", args=["0665"])).content.decode())
    assert boxes["top-right"] == '"Vaggeryd"'
    assert boxes["bottom-left"].startswith('"Printed ') and "Demo data" in boxes["bottom-left"]
    assert boxes["bottom-right"] == '"page " counter(page) " of " counter(pages) ""'


def test_member_names_cannot_break_out_of_the_css_string(client):
    MembershipFactory(organisation__code="0666", organisation__name='Ö"; } body { x: "')
    css = client.get(reverse("print_margins", args=["0666"])).content.decode()
    escaped = '"Ö\\000022\\00003b \\00007d body \\00007b x\\00003a \\000022"'
    assert _boxes(css)["top-right"] == escaped
    assert client.get(reverse("print_margins", args=["9999"])).status_code == 404


def test_printed_pages_link_their_margins(client, vaggeryd):
    member = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert f'href="{reverse("print_margins", args=["0665"])}" media="print"' in member
    report = client.get(reverse("member_report", args=["0665", 2023])).content.decode()
    assert f'href="{reverse("print_margins", args=["0665"])}?ar=2023" media="print"' in report


def test_a_figure_without_values_is_marked_so_print_does_not_give_it_a_page(client, vaggeryd):
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert 'class="chart-block" id="chart-GN-6a-block"' in html
    assert 'class="chart-block is-empty" id="chart-GN-7-block"' in html


def test_the_report_links_only_to_years_with_values(client, vaggeryd):
    html = client.get(reverse("member_report", args=["0665", 2021])).content.decode()
    assert f'href="{reverse("member_report", args=["0665", 2019])}" rel="prev"' in html
    assert f'href="{reverse("member_report", args=["0665", 2023])}" rel="next"' in html
    last = client.get(reverse("member_report", args=["0665", 2023])).content.decode()
    assert 'rel="next"' not in last


def test_a_year_without_values_says_so_instead_of_an_empty_report(client, vaggeryd):
    response = client.get(reverse("member_report", args=["0665", 2022]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Vaggeryd har inga värden för 2022, så det finns ingen rapport för året." in html
    assert "av rapportens" not in html and "0 av" not in html
    for year in (2019, 2021, 2023):
        assert reverse("member_report", args=["0665", year]) in html
