"""The project-level pieces: health check, pages render (the settings: tests/test_settings.py)."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory


@pytest.mark.django_db
def test_healthz_answers_ok_after_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


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
    # The 12 members report; national-source figures hold every organisation's values.
    from members.models import Municipality

    assert len({row[0] for row in first}) == Municipality.objects.count()
    members_values = IndicatorValue.objects.filter(indicator__reported_by="member")
    assert members_values.values("organisation").distinct().count() == 12
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
