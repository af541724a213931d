"""CSV and XLSX downloads of a member's and an indicator's values, with units and sources."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from indicators import importers
from indicators.models import Indicator, IndicatorValue
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures():
    vaggeryd = MunicipalityFactory(code="0665")
    jonkoping = MunicipalityFactory(code="0680")
    tonnage = Indicator.objects.get(revision__code="2023", code="GN.1a")
    waste = Indicator.objects.get(revision__code="2023", code="GN.6a")
    older = Indicator.objects.get(revision__code="2012", code="GN.7")
    IndicatorValueFactory(organisation=vaggeryd, indicator=tonnage, year=2021, value="2.47")
    IndicatorValueFactory(
        organisation=vaggeryd,
        indicator=waste,
        year=2022,
        value="1250",
        status="preliminary",
        source_note="Avfall Web",
    )
    IndicatorValueFactory(organisation=vaggeryd, indicator=older, year=2010, value="498")
    IndicatorValueFactory(organisation=jonkoping, indicator=tonnage, year=2021, value="1.9")
    return {"tonnage": tonnage}


def test_a_member_page_offers_its_data_as_csv_and_xlsx(client, figures):
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert 'href="/kommun/0665/data.csv"' in html
    assert 'href="/kommun/0665/data.xlsx"' in html


def test_the_member_csv_has_units_sources_and_swedish_numbers(client, figures):
    response = client.get("/kommun/0665/data.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="grona-nyckeltal-0665-vaggeryd.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # so that Excel reads UTF-8
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "kommunkod;kommun;län;nyckeltal;revision;nyckeltalets namn;år;värde;enhet;status;"
        "datakälla;källa för värdet;SEKOM-snitt;antal medlemmar;läns-snitt;antal i länet;"
        "Sverige-snitt;antal i Sverige;liknande kommuner-snitt;antal liknande"
    )
    # Neither is a member: no SEKOM average; the national-source figures' county and Sweden
    # averages count them both (2,47 and 1,9); no populations, so no similar organisations.
    assert lines[1:] == [
        "0665;Vaggeryd;06;GN.7;2012;Mängd hushållsavfall;2010;498;"
        "kg/person;slutligt;Avfall Sverige (Avfall Web);;;;498;1;498;1;;",
        "0665;Vaggeryd;06;GN.1a;2023;Växthusgasutsläpp utanför utsläppshandeln;2021;2,47;"
        "ton CO2e/inv;slutligt;Nationella emissionsdatabasen, Naturvårdsverket;"
        ";;;2,185;2;2,185;2;;",
        "0665;Vaggeryd;06;GN.6a;2023;Mängd hushållsavfall;2022;1250;kg/person;preliminärt;"
        "Avfall Sverige;Avfall Web;;;1250;1;1250;1;;",
    ]


def test_the_member_xlsx_holds_numbers_and_a_sheet_about_units_and_sources(client, figures):
    response = client.get("/kommun/0665/data.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = list(book["Värden"].iter_rows(values_only=True))
    assert values[0][:8] == (
        "kommunkod", "kommun", "län", "nyckeltal", "revision", "nyckeltalets namn", "år", "värde"
    )  # fmt: skip
    assert [(row[3], row[6], row[7], row[8]) for row in values[1:]] == [
        ("GN.7", 2010, 498, "kg/person"),
        ("GN.1a", 2021, 2.47, "ton CO2e/inv"),
        ("GN.6a", 2022, 1250, "kg/person"),
    ]
    about = list(book["Om filen"].iter_rows(values_only=True))
    assert about[0] == ("Gröna nyckeltal för Vaggeryd (0665)", None, None, None, None)
    assert ("GN.1a", "2023", "Växthusgasutsläpp utanför utsläppshandeln", "ton CO2e/inv",
            "Nationella emissionsdatabasen, Naturvårdsverket") in about  # fmt: skip


def test_an_indicator_offers_every_members_values_in_the_current_or_an_older_revision(
    client, figures
):
    text = client.get("/nyckeltal/GN.1a/data.csv").content.decode("utf-8-sig")
    assert [line.split(";")[:2] + line.split(";")[6:8] for line in text.splitlines()[1:]] == [
        ["0680", "Jönköping", "2021", "1,9"],  # members by name, in Swedish order
        ["0665", "Vaggeryd", "2021", "2,47"],
    ]
    older = client.get("/nyckeltal/2012/GN.7/data.xlsx")
    assert older["Content-Disposition"] == 'attachment; filename="grona-nyckeltal-gn7-2012.xlsx"'
    rows = list(openpyxl.load_workbook(io.BytesIO(older.content))["Värden"].values)
    assert [(r[0], r[3], r[4], r[7]) for r in rows[1:]] == [("0665", "GN.7", "2012", 498)]


def test_unknown_members_indicators_and_formats_are_404(client, figures):
    for url in [
        "/kommun/9999/data.csv",
        "/nyckeltal/GN.99/data.csv",
        "/nyckeltal/1999/GN.7/data.csv",
        "/kommun/0665/data.pdf",
    ]:
        assert client.get(url).status_code == 404, url


def test_a_download_takes_a_fixed_number_of_queries(client, figures, django_assert_max_num_queries):
    for year in range(1995, 2023):
        IndicatorValueFactory(
            organisation=MunicipalityFactory(code="0680"),
            indicator=Indicator.objects.get(revision__code="2023", code="GN.7"),
            year=year,
        )
    with django_assert_max_num_queries(4):  # and one for the SEKOM averages
        indicator_file = client.get("/nyckeltal/GN.7/data.xlsx")
    assert indicator_file.status_code == 200
    # and two for the averages the member page shows (the catalogue's figures, their rows)
    with django_assert_max_num_queries(5):
        member_file = client.get("/kommun/0680/data.csv")
    assert member_file.status_code == 200


def test_a_downloaded_csv_imports_back_without_changes(client, figures):
    before = sorted(
        IndicatorValue.objects.values_list("organisation", "indicator", "year", "value")
    )
    read = importers.read_file(client.get("/kommun/0665/data.csv").content, fmt="csv")
    report = importers.values_import(read=read)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    after = sorted(IndicatorValue.objects.values_list("organisation", "indicator", "year", "value"))
    assert after == before
    assert Decimal("2.47") in [row[3] for row in after]
