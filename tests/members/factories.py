import datetime
import io
from decimal import Decimal

import factory
from django.utils import timezone
from pypdf import PdfWriter

from members.hooks import current_members_changed
from members.models import (
    ContactPerson,
    County,
    FeeSchedule,
    Membership,
    MembershipApplication,
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


# Codes no real municipality has (SCB's run from 0114 to 2584), for municipalities a test makes up
# without naming a code. 9999 stays out: tests ask for it as the code nobody has.
MADE_UP_CODES = range(9000, 9999)


class MadeUpCodesExhausted(RuntimeError):
    pass


def unused_made_up_code() -> str:
    """The lowest made-up code that no row has yet, so every municipality a test makes is a new
    row (a counter that wrapped round would silently hand back an earlier test row instead)."""
    taken = set(
        Municipality.objects.filter(
            code__gte=f"{MADE_UP_CODES.start:04d}", code__lte=f"{MADE_UP_CODES.stop - 1:04d}"
        ).values_list("code", flat=True)
    )
    for number in MADE_UP_CODES:
        if f"{number:04d}" not in taken:
            return f"{number:04d}"
    raise MadeUpCodesExhausted(
        f"All {len(MADE_UP_CODES)} made-up municipality codes "
        f"({MADE_UP_CODES.start:04d}-{MADE_UP_CODES.stop - 1:04d}) are in use: "
        "give MunicipalityFactory a code."
    )


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """Reuses the reference row when the code is given and exists (`code="0665"` is Vaggeryd);
    without a code, a new row with the lowest unused made-up code (9000-9998)."""

    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    code = factory.LazyFunction(unused_made_up_code)
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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Like the membership services: a current member's values count from now on.
        membership = super()._create(model_class, *args, **kwargs)
        if membership.status == Membership.Status.ACTIVE:
            current_members_changed(joined=[membership.organisation_id])
        return membership


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
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(MunicipalityFactory)
    level = OrganisationAccess.Level.REPORTER

    @factory.post_generation
    def member(self, create, extracted, **kwargs):
        # Only a current member can have reporters (the access service refuses the rest), so a
        # reporter's organisation is made a member unless the test says member=False.
        if not create or extracted is False or self.level != OrganisationAccess.Level.REPORTER:
            return
        if not Membership.objects.active().filter(organisation=self.organisation).exists():
            MembershipFactory(organisation=self.organisation)


def pdf_bytes(text: str = "Protokollsutdrag", pages: int = 1) -> bytes:
    """A real PDF written by pypdf (A4 pages, `text` as its title), as the form requires:
    one that pypdf reads back with at least one page. The same text gives the same bytes."""
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class PendingMembershipFactory(MembershipFactory):
    status = Membership.Status.APPLIED
    applied_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    decision_date = None
    joined_on = None


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    """A pending application with its two PDFs, as the public form would leave it."""

    class Meta:
        model = MembershipApplication

    membership = factory.SubFactory(PendingMembershipFactory)
    deciding_body = MembershipApplication.DecidingBody.COUNCIL
    decided_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=40))
    decision_document = factory.django.FileField(filename="beslut.pdf", data=pdf_bytes("Beslut"))
    programme_document = factory.django.FileField(filename="program.pdf", data=pdf_bytes("Program"))
    applicant_email = "registrator@kommun.example.se"
    politician_name = "Eva Ek"
    politician_title = "Kommunstyrelsens ordförande"
    politician_email = "eva.ek@kommun.example.se"
    politician_phone = "0370-100 00"
    politician_party = "C"
    official_name = "Olle Holm"
    official_title = "Miljöstrateg"
    official_email = "olle.holm@kommun.example.se"
    official_phone = "0370-100 01"


class FeeScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeSchedule
        django_get_or_create = ["year"]

    year = 2024
    fixed_amount = Decimal("4000")
    per_inhabitant = Decimal("0.30")
    ceiling = None
