import pytest

from tests.examples.factories import current_figure
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    PopulationFactory,
)


@pytest.fixture
def waste(reference_data):
    return current_figure("GN.6a")


@pytest.fixture
def vaggeryd(reference_data):
    member = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    PopulationFactory(municipality=member, year=2024, inhabitants=14_000)
    return member


@pytest.fixture
def kalix(reference_data):
    member = MembershipFactory(organisation=MunicipalityFactory(code="2514")).organisation
    PopulationFactory(municipality=member, year=2024, inhabitants=16_000)
    return member


@pytest.fixture
def malmo(reference_data):
    member = MembershipFactory(organisation=MunicipalityFactory(code="1280")).organisation
    PopulationFactory(municipality=member, year=2024, inhabitants=360_000)
    return member


@pytest.fixture
def reporter(vaggeryd):
    return OrganisationAccessFactory(organisation=vaggeryd).user


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="kansliet",
        email="kansliet@example.se",
        password="x",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def values(vaggeryd, waste):
    for year, value in [(2018, "520"), (2020, "500"), (2022, "470"), (2024, "440")]:
        IndicatorValueFactory(organisation=vaggeryd, indicator=waste, year=year, value=value)
