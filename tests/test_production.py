"""Production posture: deploy checks, security headers, friendly error pages, request logs."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

from ekokommun import urls as site_urls

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_nothing_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-" + "9" * 20,
        "ALLOWED_HOSTS": "ekokommun.se",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_content_security_policy_allows_only_the_sites_own_scripts_and_styles(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


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
