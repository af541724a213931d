import pytest
from django.core.management import call_command

from members.models import County, Municipality

pytestmark = pytest.mark.django_db


def test_all_counties_municipalities_and_regions_are_loaded():
    assert County.objects.count() == 21
    assert Municipality.objects.municipalities().count() == 290
    assert Municipality.objects.regions().count() == 21


def test_codes_follow_scb():
    vaggeryd = Municipality.objects.get(code="0665")
    assert vaggeryd.name == "Vaggeryd"
    assert vaggeryd.county.name == "Jönköpings län"
    region = Municipality.objects.regions().get(code="06")
    assert region.name == "Region Jönköpings län"
    assert region.county == vaggeryd.county
    for municipality in Municipality.objects.municipalities().select_related("county"):
        assert municipality.code[:2] == municipality.county.code


def test_loading_again_changes_nothing():
    before = list(Municipality.objects.order_by("code").values_list("pk", "code", "name"))
    call_command("load_reference_data", verbosity=0)
    after = list(Municipality.objects.order_by("code").values_list("pk", "code", "name"))
    assert after == before
    assert County.objects.count() == 21
