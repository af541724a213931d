"""The access policy (members.access), as a table: who may read organisation A's reporting
pages, write A's figures, see contact persons, and act as the office.

| who                                      | read A | write A | contacts | office |
|------------------------------------------|--------|---------|----------|--------|
| anonymous                                | no     | no      | no       | no     |
| logged in, no access                     | no     | no      | no       | no     |
| reader of A                              | yes    | no      | yes      | no     |
| reporter of A                            | yes    | yes     | yes      | no     |
| reporter of A after A left (former member)| yes   | no      | no       | no     |
| reporter of A whose access ended         | no     | no      | no       | no     |
| staff                                    | yes    | yes     | yes      | yes    |

Each row is checked twice: against the policy's functions, and against the pages that ask it
(the reporting form, a save, the member list, the office's overview, the menu's admin link).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import IndicatorValue
from members import access
from members.models import ContactPerson, Membership, OrganisationAccess
from tests.indicators.reporting_support import YEAR, indicator, page_post, year_url
from tests.members.factories import (
    ContactPersonFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

YES, NO = True, False

# who: (read A, write A, see contacts, act as office)
POLICY = {
    "anonymous": (NO, NO, NO, NO),
    "no_access": (NO, NO, NO, NO),
    "reader": (YES, NO, YES, NO),
    "reporter": (YES, YES, YES, NO),
    "former_member": (YES, NO, NO, NO),
    "ended_access": (NO, NO, NO, NO),
    "staff": (YES, YES, YES, YES),
}


@pytest.fixture
def other_member():
    """A current member with contact persons, so that the member list has some to show."""
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0680"))
    ContactPersonFactory(
        membership=membership, role=ContactPerson.Role.OFFICIAL, email="olle@jonkoping.example.se"
    )
    return membership


def _who(role: str):
    """Organisation A (Vaggeryd) and the user playing `role` on it."""
    a = MunicipalityFactory(code="0665")
    if role == "former_member":
        # A left the association; the reporter's access row was never ended.
        MembershipFactory(
            organisation=a,
            status=Membership.Status.RESIGNED,
            left_on=datetime.date(2020, 12, 31),
        )
        user = OrganisationAccessFactory(organisation=a, member=False).user
        return a, user
    MembershipFactory(organisation=a)
    if role == "anonymous":
        return a, AnonymousUser()
    if role == "no_access":
        return a, UserFactory()
    if role == "reader":
        return a, OrganisationAccessFactory(
            organisation=a, level=OrganisationAccess.Level.READER
        ).user
    if role == "reporter":
        return a, OrganisationAccessFactory(organisation=a).user
    if role == "ended_access":
        ended = OrganisationAccessFactory(organisation=a, ended_on=datetime.date(2023, 6, 30))
        return a, ended.user
    if role == "staff":
        return a, UserFactory(is_staff=True)
    raise AssertionError(role)


@pytest.mark.parametrize("role", POLICY)
def test_the_policy_answers_the_table(role, other_member):
    a, user = _who(role)
    answers = (
        access.access_level(user=user, organisation=a) in (access.READ, access.WRITE),
        access.may_write(user=user, organisation=a),
        access.sees_contacts(user=user),
        access.acts_as_office(user=user),
    )
    assert answers == POLICY[role]


@pytest.mark.parametrize("role", POLICY)
def test_the_pages_follow_the_table(role, client, other_member):
    a, user = _who(role)
    read, write, contacts, office = POLICY[role]
    if role != "anonymous":
        client.force_login(user)
    login = reverse("login")

    page = client.get(year_url(a))
    if role == "anonymous":
        assert page.status_code == 302 and page["Location"].startswith(login)
    else:
        assert page.status_code == (200 if read else 403)

    saved = client.post(year_url(a), page_post({"GN.7": "80"}))
    if role == "anonymous":
        assert saved.status_code == 302 and saved["Location"].startswith(login)
    else:
        assert saved.status_code == (302 if write else 403)
    assert (
        IndicatorValue.objects.filter(
            organisation=a, indicator=indicator("GN.7"), year=YEAR, value=Decimal("80")
        ).exists()
        == write
    )

    listing = client.get(reverse("member_list"))
    assert listing.status_code == 200
    assert listing.context["include_contacts"] is contacts
    assert ("olle@jonkoping.example.se" in listing.content.decode()) is contacts
    # The menu's link to the office's admin.
    assert (f'href="{reverse("admin:index")}"' in listing.content.decode()) is office

    overview = client.get(reverse("reporting_overview", args=[YEAR]))
    if role == "anonymous":
        assert overview.status_code == 302 and overview["Location"].startswith(login)
    else:
        assert overview.status_code == (200 if office else 403)


def test_a_switched_off_account_may_do_nothing(other_member):
    a, staff = _who("staff")
    reporter = OrganisationAccessFactory(organisation=a).user
    for user in (staff, reporter):
        user.is_active = False
        assert access.access_level(user=user, organisation=a) is None
        assert not access.sees_contacts(user=user)
        assert not access.acts_as_office(user=user)


def test_access_to_one_organisation_gives_nothing_on_another(other_member):
    a, reporter = _who("reporter")
    assert access.access_level(user=reporter, organisation=other_member.organisation) is None
    assert not access.may_write(user=reporter, organisation=other_member.organisation)


def test_a_reader_of_a_former_member_reads_its_history_but_sees_no_contacts(other_member):
    a = MunicipalityFactory(code="0665")
    MembershipFactory(
        organisation=a, status=Membership.Status.RESIGNED, left_on=datetime.date(2020, 12, 31)
    )
    reader = OrganisationAccessFactory(organisation=a, level=OrganisationAccess.Level.READER).user
    assert access.access_level(user=reader, organisation=a) == access.READ
    assert not access.sees_contacts(user=reader)


def test_only_a_current_member_can_be_given_reporters():
    a = MunicipalityFactory(code="0665")
    with pytest.raises(ValidationError) as raised:
        access.access_grant_check(organisation=a, level=OrganisationAccess.Level.REPORTER)
    assert (
        "bara en nuvarande medlem kan ha rapportörer"
        in raised.value.message_dict["organisation"][0]
    )
    # A reader may be given to anyone (a former member's figures stay readable).
    access.access_grant_check(organisation=a, level=OrganisationAccess.Level.READER)
    MembershipFactory(organisation=a)
    access.access_grant_check(organisation=a, level=OrganisationAccess.Level.REPORTER)


def test_the_office_accounts_include_switched_off_staff_and_superusers():
    assert access.is_office_account(user=UserFactory(is_staff=True, is_active=False))
    assert access.is_office_account(user=UserFactory(is_superuser=True))
    assert not access.is_office_account(user=UserFactory())
