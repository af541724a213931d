"""The project-level pieces: health check, settings posture, pages render."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from indicators.models import Indicator
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory

ROOT = Path(__file__).resolve().parent.parent
REAL_SECRET = "a-real-secret-4b9f2c7e1d8a6035-e2c9f71b3a5d4086-7c1e9b2f5a3d8064"


@pytest.mark.django_db
def test_healthz_answers_ok_after_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import ekokommun.settings as s; print(s.DEBUG)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_real_secret():
    result = _import_settings({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "ekokommun.se"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _import_settings({"DJANGO_ENV": "production", "SECRET_KEY": REAL_SECRET})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_with_real_settings_and_debug_off():
    result = _import_settings(
        {"DJANGO_ENV": "production", "SECRET_KEY": REAL_SECRET, "ALLOWED_HOSTS": "ekokommun.se"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_home_lists_members_by_county(client):
    MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jönköpings län" in html
    assert 'href="/kommun/0665/"' in html
    assert 'lang="sv"' in html


@pytest.mark.django_db
def test_member_page_shows_latest_values_with_decimal_commas(client):
    vaggeryd = MunicipalityFactory(code="0665")
    tonnage = Indicator.objects.get(revision__code="2023", code="GN.1a")
    IndicatorValueFactory(organisation=vaggeryd, indicator=tonnage, year=2021, value="2.10")
    IndicatorValueFactory(organisation=vaggeryd, indicator=tonnage, year=2022, value="2.47")
    response = client.get(reverse("member_detail", args=["0665"]))
    html = response.content.decode()
    assert "Vaggeryd" in html
    assert "<strong>2,47 ton CO2e/inv</strong> (2022)" in html


@pytest.mark.django_db
def test_unknown_member_is_404(client):
    assert client.get("/kommun/9999/").status_code == 404


@pytest.mark.django_db
def test_demo_data_is_announced_and_seeding_is_idempotent(client):
    from django.core.management import call_command

    from indicators.models import IndicatorValue

    assert "Demodata." not in client.get("/").content.decode()
    call_command("seed_demo", members=12, years=(2018, 2022), verbosity=0)
    # Keyed by what a value means, not by row ids: a reset creates the own figures anew.
    key = ("organisation__code", "indicator__owner__code", "indicator__code", "year", "value")
    first = sorted(IndicatorValue.objects.values_list(*key), key=repr)
    call_command("seed_demo", members=12, years=(2018, 2022), verbosity=0)
    assert sorted(IndicatorValue.objects.values_list(*key), key=repr) == first
    call_command("seed_demo", members=12, years=(2018, 2022), reset=True, verbosity=0)
    assert sorted(IndicatorValue.objects.values_list(*key), key=repr) == first
    assert len({row[0] for row in first}) == 12
    assert "Demodata." in client.get("/").content.decode()


@pytest.mark.django_db
def test_admin_pages_open_for_staff(admin_client):
    MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    IndicatorValueFactory(
        organisation=MunicipalityFactory(code="0665"),
        indicator=Indicator.objects.get(revision__code="2023", code="GN.7"),
    )
    for name in [
        "members_county", "members_municipality", "members_membership", "members_contactperson",
        "members_population", "indicators_indicator", "indicators_indicatorvalue",
        "indicators_target", "indicators_revision",
    ]:  # fmt: skip
        response = admin_client.get(reverse(f"admin:{name}_changelist"), {"q": "0665"})
        assert response.status_code == 200, name
    vaggeryd = MunicipalityFactory(code="0665")
    response = admin_client.get(reverse("admin:members_municipality_change", args=[vaggeryd.pk]))
    assert response.status_code == 200
    # The organisation's page links to its values rather than listing them (test_value_admin).
    assert "visa 1 värde" in response.content.decode().lower()


def test_production_refuses_a_short_or_repetitive_secret():
    for weak in ("x" * 80, "short-secret"):
        result = _import_settings(
            {"DJANGO_ENV": "production", "SECRET_KEY": weak, "ALLOWED_HOSTS": "ekokommun.se"}
        )
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr
