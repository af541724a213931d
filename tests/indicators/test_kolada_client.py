"""The Kolada client against a stub of Kolada's API: paging, retries, timeouts, its manners.
Nothing here reaches the network: the `kolada` fixture refuses any URL it was not given."""

from decimal import Decimal

import pytest
import requests

from indicators.kolada import KoladaClient, KoladaError
from tests.indicators.conftest import KOLADA_TEST_URL
from tests.indicators.kolada_support import (
    FIRST_PAGE,
    WASTE_URL,
    recorded,
    serve_waste,
)


def test_pages_are_followed_through_next_page_until_it_is_absent(kolada):
    serve_waste(kolada)
    pages = list(KoladaClient().data_pages(kpis=["U07801"], years=[2022]))
    assert [page.number for page in pages] == [1, 2]
    assert [len(page.items) for page in pages] == [3, 4]
    assert kolada.calls[1].request.url.endswith("?page=2&per_page=5000")


def test_numbers_come_back_as_decimals_not_floats(kolada):
    serve_waste(kolada)
    first = list(KoladaClient().data_pages(kpis=["U07801"], years=[2022]))[0]
    assert first.items[0]["values"][2]["value"] == Decimal("480.4")


def test_a_503_is_retried_and_the_second_answer_used(kolada):
    kolada.get(WASTE_URL, status=503, match=[FIRST_PAGE])
    kolada.get(WASTE_URL, json=recorded("waste_page2.json"), match=[FIRST_PAGE])
    pages = list(KoladaClient().data_pages(kpis=["U07801"], years=[2022]))
    assert len(pages) == 1 and len(pages[0].items) == 4
    assert [call.response.status_code for call in kolada.calls] == [503, 200]


def test_a_429_with_retry_after_is_retried(kolada):
    kolada.get(WASTE_URL, status=429, headers={"Retry-After": "0"}, match=[FIRST_PAGE])
    kolada.get(WASTE_URL, json=recorded("waste_page2.json"), match=[FIRST_PAGE])
    assert len(list(KoladaClient().data_pages(kpis=["U07801"], years=[2022]))) == 1


def test_a_503_that_persists_fails_with_the_url_after_the_retries(kolada):
    kolada.get(WASTE_URL, status=503, match=[FIRST_PAGE])
    with pytest.raises(KoladaError) as failure:
        list(KoladaClient().data_pages(kpis=["U07801"], years=[2022]))
    assert failure.value.url == WASTE_URL
    assert len(kolada.calls) == 3  # the first try and KOLADA_RETRIES = 2 more


def test_a_timeout_is_retried_with_backoff_then_succeeds(kolada, settings):
    settings.KOLADA_BACKOFF = 0.5
    kolada.get(WASTE_URL, body=requests.ReadTimeout("slow"), match=[FIRST_PAGE])
    kolada.get(WASTE_URL, body=requests.ConnectTimeout("no answer"), match=[FIRST_PAGE])
    kolada.get(WASTE_URL, json=recorded("waste_page2.json"), match=[FIRST_PAGE])
    client = KoladaClient()
    slept = []
    client.sleep = slept.append
    assert len(list(client.data_pages(kpis=["U07801"], years=[2022]))) == 1
    assert slept == [0.5, 1.0]  # exponential backoff


def test_a_timeout_that_persists_is_reported_as_a_kolada_error(kolada):
    kolada.get(WASTE_URL, body=requests.ReadTimeout("slow"), match=[FIRST_PAGE])
    with pytest.raises(KoladaError, match="ReadTimeout"):
        list(KoladaClient().data_pages(kpis=["U07801"], years=[2022]))
    assert len(kolada.calls) == 3


def test_the_user_agent_names_the_product_and_a_contact(kolada, settings):
    settings.KOLADA_CONTACT = "https://ekokommun.test; kansliet@sekom.se"
    kolada.get(f"{KOLADA_TEST_URL}/municipality", json={"count": 0, "values": []})
    KoladaClient().municipalities()
    agent = kolada.calls[0].request.headers["User-Agent"]
    assert agent.startswith("Ekokommun/")
    assert agent.endswith("(+https://ekokommun.test; kansliet@sekom.se)")


def test_the_base_url_comes_from_the_kolada_url_setting(kolada, settings):
    settings.KOLADA_URL = "https://staging.kolada.test/v3/"
    kolada.get(
        "https://staging.kolada.test/v3/municipality_groups",
        json={"count": 1, "values": [{"id": "G33979", "title": "Liknande", "members": []}]},
    )
    assert KoladaClient().municipality_groups()[0]["id"] == "G33979"


def test_the_stub_refuses_a_url_it_was_not_given_and_nothing_passes_through(kolada):
    assert kolada.passthru_prefixes == ()
    with pytest.raises(KoladaError, match="Connection refused by Responses"):
        KoladaClient().get_json("https://api.kolada.se/v2/kpi")


def test_every_registered_answer_must_be_asked_for():
    import responses

    stub = responses.RequestsMock(assert_all_requests_are_fired=True)
    with pytest.raises(AssertionError, match="Not all requests have been executed"), stub:
        stub.get(f"{KOLADA_TEST_URL}/kpi", json={"values": []})


def test_one_municipality_asks_for_every_year_unless_years_are_given(kolada):
    url = f"{KOLADA_TEST_URL}/data/kpi/U07514/municipality/0665"
    kolada.get(url, json=recorded("organic_food_vaggeryd.json"))
    kolada.get(f"{url}/year/2019,2020", json={"values": []})
    client = KoladaClient()
    assert len(list(client.data_pages(kpis=["U07514"], municipality="0665"))[0].items) == 3
    assert list(client.data_pages(kpis=["U07514"], municipality="0665", years=[2019, 2020]))


def test_kolada_data_for_everyone_needs_years():
    with pytest.raises(ValueError):
        KoladaClient(base_url=KOLADA_TEST_URL).data_pages(kpis=["U07801"])
