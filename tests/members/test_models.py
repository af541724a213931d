import datetime

import pytest
from django.db import IntegrityError, transaction

from members.models import ContactPerson, Membership
from tests.members.factories import ContactPersonFactory, MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_a_second_current_contact_in_the_same_role_is_refused_by_the_database():
    first = ContactPersonFactory(role=ContactPerson.Role.OFFICIAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPerson.objects.create(
            membership=first.membership,
            role=ContactPerson.Role.OFFICIAL,
            name="Ny Person",
            email="ny@example.se",
        )


def test_a_replaced_contact_stays_as_history_beside_the_new_one():
    first = ContactPersonFactory(role=ContactPerson.Role.OFFICIAL)
    first.ended_on = datetime.date(2024, 6, 30)
    first.save()
    ContactPersonFactory(membership=first.membership, role=ContactPerson.Role.OFFICIAL)
    ContactPersonFactory(membership=first.membership, role=ContactPerson.Role.POLITICIAN)
    assert first.membership.contact_persons.count() == 3
    assert first.membership.contact_persons.current().count() == 2


def test_one_active_membership_per_organisation():
    vaggeryd = MunicipalityFactory(code="0665")
    MembershipFactory(organisation=vaggeryd)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(organisation=vaggeryd)


def test_leaving_and_rejoining_keeps_the_old_membership():
    vaggeryd = MunicipalityFactory(code="0665")
    old = MembershipFactory(organisation=vaggeryd)
    old.status = Membership.Status.RESIGNED
    old.left_on = datetime.date(2019, 12, 31)
    old.save()
    MembershipFactory(organisation=vaggeryd, joined_on=datetime.date(2025, 3, 1))
    assert vaggeryd.memberships.count() == 2
    assert Membership.objects.active().get().joined_on == datetime.date(2025, 3, 1)


def test_a_resignation_needs_a_leaving_date():
    membership = MembershipFactory()
    membership.status = Membership.Status.RESIGNED
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_leaving_cannot_come_before_joining():
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(joined_on=datetime.date(2012, 12, 17), left_on=datetime.date(2010, 1, 1))
