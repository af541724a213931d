import pytest

from indicators.models import Indicator
from members.models import ContactPerson, OrganisationAccess
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import (
    ContactPersonFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)


@pytest.fixture
def waste():
    return Indicator.objects.get(revision__is_current=True, code="GN.6a")


@pytest.fixture
def kalix(waste):
    """A strong member on household waste, with both contact persons."""
    membership = MembershipFactory(organisation=MunicipalityFactory(code="2514"))
    ContactPersonFactory(
        membership=membership, role=ContactPerson.Role.OFFICIAL, name="Olle Holm",
        email="olle.holm@kalix.example.se",
    )  # fmt: skip
    ContactPersonFactory(
        membership=membership, role=ContactPerson.Role.POLITICIAN, name="Eva Ek",
        email="eva.ek@kalix.example.se",
    )  # fmt: skip
    IndicatorValueFactory(organisation=membership.organisation, indicator=waste, year=2024,
                          value="312")  # fmt: skip
    return membership.organisation


@pytest.fixture
def vaggeryd(waste):
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    IndicatorValueFactory(organisation=membership.organisation, indicator=waste, year=2024,
                          value="540")  # fmt: skip
    return membership.organisation


@pytest.fixture
def asker(vaggeryd):
    user = UserFactory(username="anna", email="anna@vaggeryd.example.se",
                       first_name="Anna", last_name="Strand")  # fmt: skip
    OrganisationAccessFactory(user=user, organisation=vaggeryd,
                              level=OrganisationAccess.Level.READER)  # fmt: skip
    return user


@pytest.fixture
def kalix_official_user(kalix):
    user = UserFactory(username="olle", email="olle.holm@kalix.example.se")
    OrganisationAccessFactory(user=user, organisation=kalix)
    return user
