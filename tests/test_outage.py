"""A database outage: anonymous public pages come from the cache, marked as possibly out of
date; everything else answers 503 "tillfälligt otillgänglig" with Retry-After. Never 500."""

import contextlib

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse

from ekokommun.views import server_error
from tests.members.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_down():
    """Every query fails as it does while PostgreSQL restarts."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def vaggeryd():
    return MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


def test_a_cached_public_page_is_served_stale_and_marked_as_such(client, vaggeryd):
    url = reverse("member_detail", args=["0665"])
    fresh = client.get(url)
    assert fresh.status_code == 200 and fresh["X-Page-Cache"] == "miss"
    with database_down():
        response = client.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "stale"
    html = response.content.decode()
    assert "Vaggeryd" in html
    assert "sparad kopia och kan vara inaktuell" in html
    assert 'class="stale-notice"' in html


def test_the_stale_copy_is_the_newest_even_after_the_data_changed(client, vaggeryd):
    from members.services import site_data_changed

    url = reverse("member_list")
    client.get(url)
    site_data_changed()  # a new version: the old copy stays as the newest one there is
    with database_down():
        assert client.get(url)["X-Page-Cache"] == "stale"


def test_an_uncached_public_page_answers_503_in_swedish_with_retry_after(client, vaggeryd):
    with database_down():
        response = client.get(reverse("member_detail", args=["0665"]))
    assert_unavailable(response)
    html = response.content.decode()
    assert "tillfälligt otillgänglig" in html
    assert 'lang="sv"' in html


def test_the_api_answers_503_in_json(client):
    with database_down():
        response = client.get("/api/v1/organisations/")
    assert_unavailable(response)
    assert "tillfälligt otillgänglig" in response.json()["detail"]


def test_a_write_answers_503_and_never_500(client):
    with database_down():
        response = client.post(
            reverse("login"), {"username": "repb@askersund.se", "password": "fel-losenord"}
        )
    assert_unavailable(response)


def test_a_logged_in_visitor_gets_503_not_a_stale_public_page(client, vaggeryd, django_user_model):
    url = reverse("member_detail", args=["0665"])
    client.get(url)  # cached for anonymous visitors
    user = django_user_model.objects.create_user("anna", "anna@vaggeryd.se", "hemligt-ord-1")
    client.force_login(user)
    with database_down():
        response = client.get(url)
    assert_unavailable(response)


def test_health_check_answers_503_during_the_outage(client):
    with database_down():
        assert_unavailable(client.get("/healthz"))


def test_an_outage_met_outside_a_view_is_a_503_too():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert_unavailable(response)


def test_other_errors_stay_errors_500():
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500


OUTAGE_URLS = [
    "/sok/?q=%00",  # the NUL guard's 400 page needs no database to say no
    "/kommun/%00/data.csv",
    "/jamfor/data.csv?nyckeltal=GN.7&medlem=0665",
    "/jamfor/data.xlsx?nyckeltal=GN.7&medlem=0665",
    "/kommun/0665/utskrift.css",
    "/tillganglighet/",
    "/konto/tvastegs/",
    "/admin/",
    "/admin/personuppgifter/",
    "/admin/indicators/indicatorvalue/import/",
    "/admin/indicators/indicatorvalue/export/",
]


@pytest.mark.parametrize("who", ["visitor", "staff", "staff owing the second factor"])
def test_the_newer_pages_nul_guard_and_second_factor_never_give_500_in_an_outage(
    client, vaggeryd, django_user_model, settings, who
):
    client.raise_request_exception = False
    if who != "visitor":
        settings.OTP_REQUIRED_FOR_STAFF = who == "staff owing the second factor"
        client.force_login(
            django_user_model.objects.create_superuser("kansli", "kansli@sekom.se", "lang-fras-9")
        )
    answers = {}
    for url in OUTAGE_URLS:
        with database_down():
            response = client.get(url)
        answers[url] = response.status_code
        if response.status_code == 503:
            assert_unavailable(response)
    assert not [url for url, status in answers.items() if status >= 500 and status != 503]
    if who != "visitor":  # the session is read from the database: nothing is served
        assert set(answers.values()) == {503}
