"""Fixtures shared by the tests of the public pages and their charts."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Indicator, Target
from members.models import Membership
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import ContactPersonFactory, MembershipFactory, MunicipalityFactory


@pytest.fixture
def waste():
    return Indicator.objects.get(revision__is_current=True, code="GN.6a")


@pytest.fixture
def world(waste):
    """Vaggeryd improves, Jönköping worsens, Eda has one value, Stockholm has left SEKOM."""
    members = {}
    for code in ("0665", "0680", "1730"):
        members[code] = MembershipFactory(organisation=MunicipalityFactory(code=code)).organisation
    stockholm = MunicipalityFactory(code="0180")
    MembershipFactory(
        organisation=stockholm,
        status=Membership.Status.RESIGNED,
        left_on=datetime.date(2019, 12, 31),
    )
    data = {
        "0665": [(2020, "500"), (2022, "480"), (2025, "450")],
        "0680": [(2020, "400"), (2025, "420")],
        "1730": [(2025, "300")],
    }
    for code, points in data.items():
        for year, value in points:
            IndicatorValueFactory(
                organisation=members[code],
                indicator=waste,
                year=year,
                value=Decimal(value),
                status="preliminary" if (code, year) == ("0665", 2025) else "final",
                comment="Ny insamling av matavfall." if (code, year) == ("0665", 2025) else "",
            )
    for year, value in [(2020, "100"), (2025, "90")]:
        IndicatorValueFactory(organisation=stockholm, indicator=waste, year=year, value=value)
    Target.objects.create(organisation=members["0665"], indicator=waste, year=2030, value=400)
    ContactPersonFactory(
        membership=members["1730"].memberships.get(), name="Eva Ek", email="eva.ek@eda.se"
    )
    return members


# --- kolada ---------------------------------------------------------------------------------
KOLADA_TEST_URL = "https://kolada.test/v2"


@pytest.fixture
def kolada(settings):
    """Kolada's API stubbed in-process (`responses`): every request must match a registered
    answer (anything else is refused, nothing passes through to the network), and every
    registered answer must be asked for."""
    import responses

    settings.KOLADA_URL = KOLADA_TEST_URL
    settings.KOLADA_RETRIES = 2
    settings.KOLADA_BACKOFF = 0
    with responses.RequestsMock(assert_all_requests_are_fired=True) as stub:
        stub.passthru_prefixes = ()
        yield stub
