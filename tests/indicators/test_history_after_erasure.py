"""Value history keeps who changed a value; after the account is erased (GDPR Art. 17) the
history says "borttagen användare" instead of failing or naming nobody."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators.models import IndicatorValue
from members.gdpr import personal_data_erase, register_extract
from tests.indicators.reporting_support import YEAR, indicator, page_post, year_url
from tests.members.factories import MunicipalityFactory, OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    return MunicipalityFactory(code="0665")


def test_history_shows_borttagen_anvandare_after_the_account_is_erased(client, vaggeryd):
    reporter = OrganisationAccessFactory(
        user__username="anna@vaggeryd.se", user__email="anna@vaggeryd.se", organisation=vaggeryd
    ).user
    client.force_login(reporter)
    client.post(year_url(vaggeryd), page_post({"GN.7": "80"}))
    value = IndicatorValue.objects.get(organisation=vaggeryd, indicator=indicator("GN.7"))
    assert value.entered_by == reporter

    extract = register_extract(email="anna@vaggeryd.se")
    assert [(h["value"], h["history_type"]) for h in extract["history_as_author"]] == [
        (Decimal("80.0000"), "+")
    ]

    personal_data_erase(email="anna@vaggeryd.se")
    assert not get_user_model().objects.filter(pk=reporter.pk).exists()

    staff = UserFactory(username="kansliet", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = f"{reverse('reporting_history', args=[YEAR, indicator('GN.7').pk])}?org=0665"
    response = client.get(url)
    assert response.status_code == 200
    assert [(r["type_display"], r["user"], r["value"]) for r in response.context["rows"]] == [
        ("skapat", "borttagen användare", "80,0")
    ]
    assert "borttagen användare" in response.content.decode()

    # The value itself and the admin's history pages stay intact.
    value.refresh_from_db()
    assert value.value == Decimal("80") and value.entered_by.username == "borttagen-anvandare"
    admin_history = reverse("admin:indicators_indicatorvalue_history", args=[value.pk])
    assert client.get(admin_history).status_code == 200
    record = value.history.get()
    version = reverse(
        "admin:indicators_indicatorvalue_simple_history", args=[value.pk, record.history_id]
    )
    assert client.get(version).status_code == 200


def test_the_placeholder_cannot_log_in(client, vaggeryd):
    OrganisationAccessFactory(user__username="bo@vaggeryd.se", organisation=vaggeryd)
    personal_data_erase(email="bo@vaggeryd.se")
    placeholder = get_user_model().objects.get(username="borttagen-anvandare")
    assert not placeholder.is_active and not placeholder.has_usable_password()
