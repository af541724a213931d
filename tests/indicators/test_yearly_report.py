"""The yearly report for the council: a summary of the year, then one block per figure."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, Target
from indicators.selectors import member_report
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db

YEAR = 2024


def common(code: str) -> Indicator:
    return Indicator.objects.get(revision__is_current=True, code=code)


@pytest.fixture
def vaggeryd():
    """Waste falls (right), energy falls (wrong), transit has one year, food trails its target,
    and an own cycling figure is on track for its target."""
    member = MembershipFactory(organisation__code="0665").organisation
    MembershipFactory(organisation__code="0680")
    data = {
        "GN.6a": [(2022, 500), (2023, 480), (2024, 470), (2025, 400)],  # 2025: after the report
        "GN.7": [(2023, 80), (2024, 75)],
        "GN.2a": [(2024, 42)],
        "GN.10": [(2022, 40), (2023, 42), (2024, 44)],  # national target 60 % in 2030
    }
    for code, points in data.items():
        for year, value in points:
            IndicatorValueFactory(
                organisation=member,
                indicator=common(code),
                year=year,
                value=Decimal(value),
                comment="Ny insamling av matavfall." if (code, year) == ("GN.6a", 2024) else "",
            )
    cycling = OwnIndicatorFactory(owner=member, name="Gång- och cykelvägar", code="E.1")
    for year, value in [(2021, "2.0"), (2022, "2.2"), (2023, "2.5"), (2024, "2.7")]:
        IndicatorValueFactory(organisation=member, indicator=cycling, year=year, value=value)
    Target.objects.create(organisation=member, indicator=cycling, year=2030, value=Decimal("3.5"))
    lakes = OwnIndicatorFactory(
        owner=member, name="Sjöar", code="E.2", retired_on=datetime.date(2022, 3, 1)
    )
    IndicatorValueFactory(organisation=member, indicator=lakes, year=2021, value=40)
    return member


def test_the_summary_counts_figures_that_moved_the_right_way(vaggeryd):
    report = member_report(code="0665", year=YEAR)
    summary = report["summary"]
    # Since 2023: waste down (right), energy down (wrong), food up (right), cycling up (right).
    assert summary["since_last_year"] == {"right": 3, "wrong": 1, "flat": 0, "compared": 4}
    # Since each baseline: the same four; transit has only one value.
    assert summary["since_baseline"] == {"right": 3, "wrong": 1, "flat": 0, "compared": 4}
    assert [(t["figure"], t["kind"]) for t in summary["targets"]] == [
        ("GN.10 Ekologiska livsmedel", "off_track"),
        ("E.1 Gång- och cykelvägar", "on_track"),
    ]
    assert summary["on_track"] == 1
    assert summary["figures"] == 5
    assert summary["reported_this_year"] == 5


def test_one_block_per_figure_with_values_until_the_year(vaggeryd):
    report = member_report(code="0665", year=YEAR)
    assert [b["label"] for b in report["blocks"]] == [
        "GN.2a Resor med kollektivtrafik",
        "GN.6a Mängd hushållsavfall",
        "GN.7 Förnybar och återvunnen energi i lokaler",
        "GN.10 Ekologiska livsmedel",
        "E.1 Gång- och cykelvägar",  # the own figure retired in 2022 is not in the 2024 report
    ]
    waste = report["blocks"][1]
    assert waste["series"][-1]["year"] == 2024  # 2025 is after the report's year
    assert waste["this_year"]["display"] == "470"
    assert waste["change"]["display"] == "−10" and waste["change"]["kind"] == "right"
    assert waste["comment"] == "Ny insamling av matavfall." and waste["comment_year"] == 2024
    assert waste["verdict"]["text"] == "Utvecklingen går åt rätt håll sedan 2022"
    # An earlier year's report shows the retired figure, ending where it ended.
    earlier = member_report(code="0665", year=2021)
    assert "E.2 Sjöar" in [b["label"] for b in earlier["blocks"]]


def test_the_page_has_the_summary_first_then_each_block(client, vaggeryd):
    response = client.get(reverse("member_report", args=["0665", YEAR]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>3 av 4</strong> nyckeltal gick åt rätt håll sedan förra året (2023)." in html
    assert "<strong>3 av 4</strong> nyckeltal har gått åt rätt håll sedan utgångsvärdet." in html
    assert "1 av 2 mål är i takt eller nådda." in html
    assert "Inte i takt: med nuvarande utveckling nås 56,0 % 2030, målet är 60" in html
    assert "I takt med målet 2030" in html
    assert html.index('class="report-page report-summary"') < html.index("report-block")
    assert len(re.findall(r'<section class="report-page report-block', html)) == 5
    assert len(re.findall(r'data-chart="chart-[^"]+-data"', html)) == 5
    assert "Medlemmens kommentar (2024)" in html and "Ny insamling av matavfall." in html
    assert "−10 kg/person" in html


def test_the_association_and_the_datas_date_are_on_every_printed_page(client, vaggeryd):
    html = client.get(reverse("member_report", args=["0665", YEAR])).content.decode()
    header = re.search(r'<div class="report-running report-running-header">(.*?)</div>', html, re.S)
    footer = re.search(r'<div class="report-running report-running-footer">(.*?)</div>', html, re.S)
    assert "Sveriges Ekokommuner" in header.group(1)
    assert "Vaggeryd, årsrapport 2024" in header.group(1)
    # Said once at the top of the screen, not again just above the title.
    assert html.count("Sveriges Ekokommuner · Gröna nyckeltal") == 1
    today = datetime.date.today()
    assert f"Uppgifter till och med 2024, uttagna {today.day} " in footer.group(1)
    assert "senast ändrade" in footer.group(1)
    assert "/static/css/report.css" in html


def test_the_report_runs_no_inline_script(client, vaggeryd):
    html = client.get(reverse("member_report", args=["0665", YEAR])).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="application/json"' in tag or "src=" in tag, tag
    assert " on" + "click=" not in html and "style=" not in html


@pytest.mark.parametrize("year", [1989, datetime.date.today().year + 1])
def test_years_outside_the_data_have_no_report(client, vaggeryd, year):
    assert client.get(reverse("member_report", args=["0665", year])).status_code == 404


def test_the_member_page_links_to_its_latest_report(client, vaggeryd):
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert reverse("member_report", args=["0665", 2025]) in html
