"""A figure fetched from Kolada says so where it is shown: "Källa: Kolada (RKA)" with its KPI."""

import pytest

from indicators.models import Indicator
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_the_member_and_indicator_pages_name_kolada_for_a_fetched_figure(client):
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    IndicatorValueFactory(organisation=vaggeryd, indicator=waste, year=2023, value="480")
    for url in ("/kommun/0665/", "/nyckeltal/GN.6a/"):
        html = client.get(url).content.decode()
        assert "hämtas från Kolada (RKA), nyckeltal U07801" in html, url
    Indicator.objects.filter(pk=waste.pk).update(kolada_kpi="")
    client.cookies.clear()
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    assert "Kolada (RKA)" not in client.get("/nyckeltal/GN.6a/").content.decode()
