import datetime

import factory

from members.models import (
    ContactPerson,
    County,
    Membership,
    Municipality,
    OrganisationAccess,
    Population,
)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["code"]

    code = "06"
    name = "Jönköpings län"
    short_name = "Jönköping"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """Reuses the reference row when the code exists; new codes get the 99xx range."""

    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"99{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    county = factory.SubFactory(CountyFactory)
    kind = Municipality.Kind.MUNICIPALITY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(MunicipalityFactory)
    status = Membership.Status.ACTIVE
    applied_on = datetime.date(2012, 1, 30)
    decision_date = datetime.date(2012, 12, 17)
    joined_on = datetime.date(2012, 12, 17)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    membership = factory.SubFactory(MembershipFactory)
    role = ContactPerson.Role.OFFICIAL
    name = factory.Faker("name", locale="sv_SE")
    title = "Miljöstrateg"
    email = factory.Sequence(lambda n: f"person{n}@example.se")
    phone = "0370-123 45"


class PopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Population

    municipality = factory.SubFactory(MunicipalityFactory)
    year = 2024
    inhabitants = 14000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.se")
    password = factory.django.Password("hemligt-lösenord-1")


class OrganisationAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationAccess

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(MunicipalityFactory)
    level = OrganisationAccess.Level.REPORTER
