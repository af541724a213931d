"""Friendly error pages and request logs (the settings behind the production posture, deploy
checks and security headers: tests/test_settings.py)."""

import logging

import pytest
from django.test import Client, override_settings
from django.urls import path

from ekokommun import urls as site_urls


@pytest.mark.django_db
def test_404_is_friendly_swedish_and_in_the_sites_layout(client):
    response = client.get("/kommun/9999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Sidan finns inte" in html
    assert "Sveriges Ekokommuner" in html  # the site's header
    assert 'lang="sv"' in html


def _boom(request):
    raise RuntimeError("provocerat fel")


urlpatterns = [path("boom/", _boom), *site_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_500_is_friendly_and_the_error_is_logged_with_its_traceback(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()
    error = next(r for r in caplog.records if r.name == "django.request")
    assert error.exc_info and "provocerat fel" in str(error.exc_info[1])
    access = [r.getMessage() for r in caplog.records if r.name == "ekokommun.requests"]
    assert access and access[-1].startswith("GET /boom/ 500 ")


@pytest.mark.django_db
def test_every_request_is_logged_with_method_path_status_and_time(client, caplog):
    with caplog.at_level(logging.INFO, logger="ekokommun.requests"):
        client.get("/healthz")
    line = caplog.records[-1].getMessage()
    method, path_, status, elapsed = line.split(" ")
    assert (method, path_, status) == ("GET", "/healthz", "200")
    assert elapsed.endswith("ms")
