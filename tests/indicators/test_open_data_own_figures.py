"""A member's own figures (no catalogue revision) never break the open data paths."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.indicators.test_import_admin import export
from tests.members.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_with_own_figure():
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    cycling = OwnIndicatorFactory(owner=vaggeryd, name="Cykelvägar")
    IndicatorValueFactory(organisation=vaggeryd, indicator=cycling, year=2023, value=Decimal(12))
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    IndicatorValueFactory(organisation=vaggeryd, indicator=waste, year=2023, value=Decimal(480))
    return vaggeryd


def test_the_api_lists_the_catalogues_values_only(client, member_with_own_figure):
    response = client.get(reverse("api-v1:values"), {"organisation": "0665"})
    assert response.status_code == 200
    assert [row["indicator"] for row in response.json()["results"]] == ["GN.6a"]


def test_the_member_download_works_and_holds_the_catalogues_values(client, member_with_own_figure):
    response = client.get(reverse("member_data", args=["0665", "csv"]))
    assert response.status_code == 200
    text = (
        b"".join(response.streaming_content).decode("utf-8-sig")
        if response.streaming
        else (response.content.decode("utf-8-sig"))
    )
    assert "GN.6a" in text and "Cykelvägar" not in text


def test_the_admin_export_leaves_own_figures_out(admin_client, member_with_own_figure):
    text = export(admin_client, "indicators_indicatorvalue").decode("utf-8-sig")
    assert "GN.6a" in text and "Cykelvägar" not in text and "E.1" not in text
