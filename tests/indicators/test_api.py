"""The open API at /api/v1/: organisations, the catalogue and values, with a schema that holds."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from indicators.services import ValueInput, values_upsert
from members.models import Membership, Municipality
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import ContactPersonFactory, MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_data():
    """Two members in Jönköpings län and one former member elsewhere, with a few values."""
    vaggeryd = MunicipalityFactory(code="0665")
    jonkoping = MunicipalityFactory(code="0680")
    umea = MunicipalityFactory(code="2480")
    membership = MembershipFactory(organisation=vaggeryd, joined_on=datetime.date(2012, 12, 17))
    MembershipFactory(organisation=jonkoping, joined_on=datetime.date(2005, 3, 1))
    MembershipFactory(
        organisation=umea,
        status=Membership.Status.RESIGNED,
        joined_on=datetime.date(2000, 1, 1),
        left_on=datetime.date(2010, 1, 1),
    )
    ContactPersonFactory(membership=membership, name="Anna Hemlig", email="anna@vaggeryd.se")
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    waste = Indicator.objects.get(revision__code="2023", code="GN.6a")
    older = Indicator.objects.get(revision__code="2012", code="GN.7")
    for year in range(2015, 2023):
        IndicatorValueFactory(organisation=vaggeryd, indicator=energy, year=year, value=year - 1950)
        IndicatorValueFactory(organisation=jonkoping, indicator=energy, year=year, value=50)
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=waste, year=2022, value=512, comment="Intern anteckning"
    )
    IndicatorValueFactory(organisation=umea, indicator=waste, year=2022, value=430)
    IndicatorValueFactory(organisation=vaggeryd, indicator=older, year=2010, value=498)
    return {"energy": energy, "waste": waste}


def get(client, name, **params):
    response = client.get(reverse(f"api-v1:{name}"), params)
    assert response["Content-Type"].startswith("application/json")
    return response


def test_the_index_links_to_every_resource_and_the_schema(client):
    body = client.get("/api/v1/").json()
    assert body == {
        "organisations": "http://testserver/api/v1/organisations/",
        "indicators": "http://testserver/api/v1/indicators/",
        "values": "http://testserver/api/v1/values/",
        "averages": "http://testserver/api/v1/averages/",
        "schema": "http://testserver/api/v1/schema/",
    }
    schema = client.get("/api/v1/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/organisations/",
        "/api/v1/values/",
        "/api/v1/indicators/",
        "/api/v1/averages/",
    } <= set(schema["paths"])


def test_organisations_carry_county_kind_and_member_since_and_no_personal_data(client, api_data):
    response = get(client, "organisations", page_size=1000)
    body = response.json()
    assert body["count"] == Municipality.objects.count() == 311
    by_code = {row["code"]: row for row in body["results"]}
    assert by_code["0665"] == {
        "code": "0665",
        "name": "Vaggeryd",
        "kind": "kommun",
        "county": {"code": "06", "name": "Jönköpings län"},
        "is_member": True,
        "member_since": "2012-12-17",
    }
    assert by_code["2480"]["is_member"] is False
    assert by_code["2480"]["member_since"] is None
    assert by_code["06"]["kind"] == "region"
    text = response.content.decode()
    assert "Anna Hemlig" not in text and "@" not in text


def test_organisations_filter_by_membership_county_and_kind(client, api_data):
    members = get(client, "organisations", member="true").json()
    assert [row["code"] for row in members["results"]] == ["0665", "0680"]
    former = get(client, "organisations", member="false", county="24", kind="kommun").json()
    assert "2480" in [row["code"] for row in former["results"]]
    regions = get(client, "organisations", kind="region").json()
    assert regions["count"] == 21


def test_one_organisation_and_an_unknown_one(client, api_data):
    assert client.get("/api/v1/organisations/0665/").json()["member_since"] == "2012-12-17"
    missing = client.get("/api/v1/organisations/9999/")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Ingen kommun eller region har koden 9999."


def test_the_catalogue_of_the_current_and_an_older_revision(client):
    current = get(client, "indicators").json()
    assert current["revision"] == "2023"
    assert current["count"] == Indicator.objects.filter(revision__code="2023").count()
    energy = next(row for row in current["results"] if row["code"] == "GN.7")
    assert energy["unit"] == "%"
    assert energy["direction"] == "higher"
    assert energy["continues"] == {"revision": "2012", "code": "GN.9"}
    solar = next(row for row in current["results"] if row["code"] == "GN.8a")
    assert solar["parent"] == "GN.8"
    older = get(client, "indicators", revision="2012").json()
    assert older["revision"] == "2012" and older["count"] == 19


def codes(body):
    return [(r["organisation"], r["indicator"], r["year"]) for r in body["results"]]


def test_values_filter_by_indicator_organisation_county_and_years(client, api_data):
    body = get(
        client, "values", indicator="GN.7", organisation="0665", year_from=2018, year_to=2020
    ).json()
    assert codes(body) == [("0665", "GN.7", 2018), ("0665", "GN.7", 2019), ("0665", "GN.7", 2020)]
    assert body["results"][0] == {
        "organisation": "0665",
        "organisation_name": "Vaggeryd",
        "county": "06",
        "indicator": "GN.7",
        "revision": "2023",
        "indicator_name": "Förnybar och återvunnen energi i lokaler",
        "year": 2018,
        "value": 68.0,
        "unit": "%",
        "status": "final",
        "source": api_data["energy"].source,
        "source_note": "",
    }
    waste = get(client, "values", indicator="GN.6a").json()
    assert codes(waste) == [("0665", "GN.6a", 2022), ("2480", "GN.6a", 2022)]
    in_county = get(client, "values", indicator="GN.6a", county="06").json()
    assert codes(in_county) == [("0665", "GN.6a", 2022)]
    older = get(client, "values", indicator="GN.7", revision="2012").json()
    assert codes(older) == [("0665", "GN.7", 2010)]
    assert "Intern anteckning" not in str(get(client, "values", page_size=1000).json())


def test_values_are_paged_without_gaps_or_overlaps(client, api_data):
    everything = get(client, "values", page_size=1000).json()
    assert everything["count"] == 19 and everything["pages"] == 1
    seen = []
    url = reverse("api-v1:values") + "?page_size=4"
    pages = 0
    while url:
        body = client.get(url).json()
        assert body["count"] == 19 and body["pages"] == 5 and body["page_size"] == 4
        seen += codes(body)
        url = body["next"]
        pages += 1
    assert pages == 5
    assert seen == codes(everything)
    second = get(client, "values", page_size=4, page=2).json()
    assert second["previous"] == "http://testserver/api/v1/values/?page_size=4&page=1"
    beyond = get(client, "values", page_size=4, page=9).json()
    assert beyond["results"] == [] and beyond["count"] == 19


def test_a_page_of_values_takes_a_fixed_number_of_queries(
    client, api_data, django_assert_max_num_queries
):
    # Six for the answer, one for the data version that keys the response cache.
    with django_assert_max_num_queries(7):
        response = get(
            client, "values", indicator="GN.7", organisation="0665", county="06", page_size=1000
        )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"year_from": "abc"}, "Ogiltiga parametrar: year_from."),
        ({"year_to": "2020.5"}, "Ogiltiga parametrar: year_to."),
        ({"year_from": "1800"}, "Ogiltiga parametrar: year_from."),
        ({"year_from": "2020", "year_to": "2010"}, "year_from kan inte vara senare än year_to."),
        ({"indicator": "GN.99"}, "Okänt nyckeltal GN.99 i revision 2023."),
        ({"indicator": "GN.7", "revision": "1999"}, "Okänd revision 1999."),
        ({"organisation": "9999"}, "Ingen kommun eller region har koden 9999."),
        ({"organisation": "Vaggeryd"}, "Ogiltiga parametrar: organisation."),
        ({"county": "99"}, "Okänd länskod 99."),
        ({"page": "0"}, "Ogiltiga parametrar: page."),
        ({"page_size": "5000"}, "Ogiltiga parametrar: page_size."),
        ({"indicator": "GN.7\x00"}, "Ogiltiga parametrar: indicator."),
    ],
)
def test_bad_parameters_answer_400_with_a_json_error(client, params, detail):
    response = client.get(reverse("api-v1:values"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"] == detail


def test_bad_parameters_on_the_other_resources_answer_400(client):
    for name, params in [
        ("organisations", {"county": "99"}),
        ("organisations", {"kind": "landsting"}),
        ("organisations", {"member": "kanske"}),
        ("indicators", {"revision": "1999"}),
    ]:
        response = client.get(reverse(f"api-v1:{name}"), params)
        assert response.status_code == 400, (name, params)
        assert "detail" in response.json()


def test_the_api_is_read_only(client):
    response = client.post(reverse("api-v1:values"), {})
    assert response.status_code == 405


def test_values_with_decimals_come_out_as_numbers(client):
    IndicatorValueFactory(
        organisation=MunicipalityFactory(code="0665"),
        indicator=Indicator.objects.get(revision__code="2023", code="GN.1a"),
        year=2022,
        value=Decimal("2.47"),
    )
    body = get(client, "values", indicator="GN.1a").json()
    assert body["results"][0]["value"] == 2.47


def test_answers_are_cached_until_a_value_changes(client, api_data):
    url = reverse("api-v1:values")
    params = {"indicator": "GN.7", "organisation": "0665"}
    first = client.get(url, params)
    assert first["X-Page-Cache"] == "miss"
    assert client.get(url, params)["X-Page-Cache"] == "hit"
    value = IndicatorValue.objects.filter(organisation__code="0665", indicator__code="GN.7").first()
    values_upsert(
        rows=[
            ValueInput(
                organisation_id=value.organisation_id,
                indicator=value.indicator,
                year=value.year,
                value=Decimal("12.5"),
            )
        ]
    )
    fresh = client.get(url, params)
    assert fresh["X-Page-Cache"] == "miss"
    assert 12.5 in [row["value"] for row in fresh.json()["results"]]
