"""Swedish and English done right: each page formats numbers in its own language only, and
shows the catalogue's English names, units and sources on English pages."""

import html
import json
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from common.numbers import format_decimal
from tests.indicators.factories import IndicatorValueFactory
from tests.indicators.reporting_support import YEAR, indicator, year_url
from tests.members.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    PopulationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    organisation = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    PopulationFactory(municipality=organisation, year=2023, inhabitants=8278)
    # GN.1a has two decimals and is measured in ton CO2e/inv; GN.9a (kWh) has none.
    for year, value in [(2022, "2.61"), (2023, "2.47")]:
        IndicatorValueFactory(
            organisation=organisation, indicator=indicator("GN.1a"), year=year, value=value
        )
    for year, value in [(2022, "9120"), (2023, "8278")]:
        IndicatorValueFactory(
            organisation=organisation, indicator=indicator("GN.9a"), year=year, value=value
        )
    return organisation


def _page(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _visible(page: str) -> str:
    """The page without its chart data (raw JSON numbers, not text anyone reads)."""
    return re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)


def test_format_decimal_writes_each_language_its_own_way():
    assert format_decimal(Decimal("8278"), 0, language="sv") == "8\u202f278"
    assert format_decimal(Decimal("8278"), 0, language="en") == "8,278"
    assert format_decimal(Decimal("2.47"), 2, language="sv") == "2,47"
    assert format_decimal(Decimal("2.47"), 2, language="en") == "2.47"
    with translation.override("en"):
        assert format_decimal(Decimal("1250.5"), 1) == "1,250.5"
    with translation.override("sv"):
        assert format_decimal(Decimal("1250.5"), 1) == "1\u202f250,5"


def test_the_member_page_uses_one_number_style_per_language(client, vaggeryd):
    swedish = _page(client, reverse("member_detail", args=["0665"]), "sv")
    assert "8\u00a0278 invånare" in swedish or "8\u202f278 invånare" in swedish
    assert "2,47 ton CO2e/inv" in swedish and "8\u202f278 kWh/årsarbetare" in swedish
    assert "2.47" not in _visible(swedish) and "8,278" not in _visible(swedish)

    english = _page(client, reverse("member_detail", args=["0665"]), "en")
    assert "8,278 inhabitants" in english
    assert "2.47 tonnes CO2e/inhabitant" in english and "8,278 kWh/full-time employee" in english
    shown = _visible(english)
    assert "2,47" not in shown and "8\u202f278" not in shown and "8\u00a0278" not in shown
    # The charts on the same page: English separators, the English unit on the axis.
    spec = json.loads(
        re.search(
            r'<script id="chart-GN-1a-data" type="application/json">(.*?)</script>', english
        ).group(1)
    )
    assert spec["layout"]["separators"] == ".,"
    assert spec["layout"]["yaxis"]["title"]["text"] == "tonnes CO2e/inhabitant"


def test_the_report_shows_english_names_units_and_sources(client, vaggeryd):
    english = _page(client, reverse("member_report", args=["0665", 2023]), "en")
    figure = indicator("GN.1a")
    assert f"GN.1a {figure.name_en}" in english  # the catalogue's English name
    assert figure.name not in english
    assert "2.47 tonnes CO2e/inhabitant" in english
    assert "National emissions database, Swedish Environmental Protection Agency" in english
    assert "Naturvårdsverket" not in english
    swedish = _page(client, reverse("member_report", args=["0665", 2023]), "sv")
    assert "2,47 ton CO2e/inv" in swedish and "Naturvårdsverket" in swedish


def test_the_reporting_form_shows_english_names_and_units(client, vaggeryd):
    reporter = OrganisationAccessFactory(user__username="vaggeryd", organisation=vaggeryd).user
    client.force_login(reporter)
    english = _page(client, year_url(vaggeryd, YEAR), "en")
    name_en = indicator("GN.9a").name_en
    assert f"GN.9a {name_en}" in english
    assert f"GN.9a {indicator('GN.9a').name}" not in english
    assert "kWh/full-time employee" in english and "kWh/årsarbetare" not in english


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("count", [0, 1, 2])
def test_counts_agree_with_their_number(language, count):
    with translation.override(language):
        mine = render_to_string(
            "indicators/reporting/_counts.html",
            {"final": count, "preliminary": count, "missing": count, "members": None},
        )
        overview = render_to_string(
            "indicators/reporting/_counts.html",
            {"final": count, "preliminary": count, "missing": count, "members": count},
        )
    expected = {
        ("sv", 1): (
            "1 slutligt, 1 preliminärt och 1 saknas av de nyckeltal ni rapporterar själva.",
            "1 medlem. Av de nyckeltal medlemmen rapporterar själv är 1 slutligt, "
            "1 preliminärt och 1 saknas.",
        ),
        ("en", 1): (
            "1 final, 1 preliminary and 1 missing of the key figures you report yourselves.",
            "1 member. Of the key figures the member reports itself, 1 final, 1 preliminary "
            "and 1 missing.",
        ),
    }
    plural = {
        "sv": (
            f"{count} slutliga, {count} preliminära och {count} saknas av de nyckeltal ni "
            "rapporterar själva.",
            f"{count} medlemmar. Av de nyckeltal medlemmarna rapporterar själva är {count} "
            f"slutliga, {count} preliminära och {count} saknas.",
        ),
        "en": (
            f"{count} final, {count} preliminary and {count} missing of the key figures you "
            "report yourselves.",
            f"{count} members. Of the key figures the members report themselves, {count} final, "
            f"{count} preliminary and {count} missing.",
        ),
    }
    want = expected[(language, 1)] if count == 1 else plural[language]
    assert " ".join(mine.split()) == want[0]
    assert " ".join(overview.split()) == want[1]


def test_the_api_catalogue_carries_the_english_units_and_sources(client):
    rows = client.get("/api/v1/indicators/").json()["results"]
    waste = next(row for row in rows if row["code"] == "GN.9a")
    assert (waste["unit"], waste["unit_en"]) == ("kWh/årsarbetare", "kWh/full-time employee")
    assert (waste["source"], waste["source_en"]) == ("Medlemmen", "The member")


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        (
            "sv",
            "1 av rapportens 2 nyckeltal har ett värde för 2023.",
            "2 av rapportens 2 nyckeltal har ett värde för 2023.",
        ),
        (
            "en",
            "1 of the report's 2 key figures has a value for 2023.",
            "2 of the report's 2 key figures have a value for 2023.",
        ),
    ],
)
def test_the_reports_count_of_figures_with_values_agrees(client, vaggeryd, language, one, two):
    from indicators.models import IndicatorValue

    both = _page(client, reverse("member_report", args=["0665", 2023]), language)
    assert two in " ".join(both.split())
    IndicatorValue.objects.filter(indicator=indicator("GN.9a"), year=2023).delete()
    single = _page(client, reverse("member_report", args=["0665", 2023]), language)
    assert one in " ".join(single.split())


def test_the_indicator_page_shows_the_english_unit_and_source(client, vaggeryd):
    english = _visible(_page(client, reverse("indicator_detail", args=["GN.9a"]), "en"))
    assert "kWh/full-time employee" in english and "kWh/årsarbetare" not in english
    assert "The member" in english and "Medlemmen" not in english
    assert "8,278 kWh/full-time employee" in english


def test_the_indicator_pages_national_target_is_written_in_the_pages_language(client, vaggeryd):
    # The catalogue's note ("Nationellt mål: 0,89 ton CO2e/inv år 2045") is Swedish text.
    english = _visible(_page(client, reverse("indicator_detail", args=["GN.1a"]), "en"))
    assert "0.89 tonnes CO2e/inhabitant by 2045" in english
    assert "0,89" not in english and "Nationellt mål" not in english
    swedish = _visible(_page(client, reverse("indicator_detail", args=["GN.1a"]), "sv"))
    assert "0,89 ton CO2e/inv år 2045" in swedish and "0.89" not in swedish
