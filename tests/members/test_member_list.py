"""The public member list at /medlemmar/: by county with counts, contact persons only for
member organisations' users and staff, and a fixed number of queries."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from members.models import Membership, Municipality, OrganisationAccess
from tests.members.factories import ContactPersonFactory, MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db
URL = "/medlemmar/"
User = get_user_model()

JONKOPING_COUNTY = ["0604", "0617", "0642", "0665", "0680", "0682"]  # Six, as in 2019.


def make_members(codes: list[str]) -> list[Membership]:
    members = []
    for code in codes:
        membership = MembershipFactory(organisation=MunicipalityFactory(code=code))
        ContactPersonFactory(
            membership=membership, role="politician", name=f"Politiker {code}",
            email=f"politiker.{code}@example.se",
        )  # fmt: skip
        ContactPersonFactory(
            membership=membership, role="official", name=f"Strateg {code}",
            email=f"strateg.{code}@example.se",
        )  # fmt: skip
        members.append(membership)
    return members


def test_members_are_grouped_by_county_with_counts_and_member_since(client):
    make_members(JONKOPING_COUNTY + ["0180"])  # Plus Stockholm.
    MembershipFactory(
        organisation=MunicipalityFactory(code="0684"),
        status=Membership.Status.RESIGNED,
        left_on=datetime.date(2019, 12, 31),
    )
    MembershipFactory(
        organisation=MunicipalityFactory(code="0685"),
        status=Membership.Status.APPLIED,
        joined_on=None,
        decision_date=None,
    )
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "6 medlemmar i Jönköpings län" in html
    assert "1 medlem i Stockholms län" in html
    assert "Sveriges Ekokommuner har 7 medlemmar" in html
    groups = response.context["groups"]
    assert [g["county"] for g in groups] == ["Stockholms län", "Jönköpings län"]
    assert [m["name"] for m in groups[1]["members"]] == [
        "Aneby", "Gnosjö", "Jönköping", "Mullsjö", "Nässjö", "Vaggeryd"
    ]  # fmt: skip
    assert groups[1]["members"][5]["joined_on"] == datetime.date(2012, 12, 17)
    assert '<time datetime="2012-12-17">2012</time>' in html
    assert 'href="/kommun/0665/"' in html
    # Resigned and pending organisations are not members.
    assert "Sävsjö" not in html and "Vetlanda" not in html


def test_regions_are_members_too(client):
    region = Municipality.objects.get(code="06", kind="region")
    MembershipFactory(organisation=region)
    make_members(["0665"])
    html = client.get(URL).content.decode()
    assert "Region Jönköpings län" in html
    assert "2 medlemmar i Jönköpings län" in html
    assert "1 kommun" in html and "1 region" in html


def test_the_public_sees_no_contact_persons(client):
    make_members(["0665"])
    html = client.get(URL).content.decode()
    assert "Strateg 0665" not in html
    assert "strateg.0665@example.se" not in html
    assert "Politiker 0665" not in html
    assert "visas för inloggade användare från medlemsorganisationer" in html


def test_a_logged_in_user_without_a_member_organisation_sees_none(client):
    make_members(["0665"])
    outsider = User.objects.create_user("forskare", password="Forskning-2025")
    client.force_login(outsider)
    assert "strateg.0665@example.se" not in client.get(URL).content.decode()

    # Access to an organisation that is no longer a member does not count either.
    former = MembershipFactory(
        organisation=MunicipalityFactory(code="0684"),
        status=Membership.Status.RESIGNED,
        left_on=datetime.date(2019, 12, 31),
    )
    OrganisationAccess.objects.create(user=outsider, organisation=former.organisation)
    assert "strateg.0665@example.se" not in client.get(URL).content.decode()


@pytest.mark.parametrize("level", ["reporter", "reader"])
def test_users_of_member_organisations_see_names_and_addresses(client, level):
    vaggeryd, jonkoping = make_members(["0665", "0680"])
    user = User.objects.create_user("strateg", password="Gröna-nyckeltal-25")
    OrganisationAccess.objects.create(user=user, organisation=vaggeryd.organisation, level=level)
    client.force_login(user)
    html = client.get(URL).content.decode()
    # Every member's contacts, so members can call each other.
    assert "Strateg 0680" in html
    assert '<a href="mailto:strateg.0680@example.se">strateg.0680@example.se</a>' in html
    assert "Politiker 0665" in html


def test_staff_see_contacts_and_a_missing_one_is_marked(admin_client):
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    ContactPersonFactory(membership=membership, role="official", email="o@vaggeryd.example.se")
    html = admin_client.get(URL).content.decode()
    assert "o@vaggeryd.example.se" in html
    assert "saknas" in html  # No politician.


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_page_runs_a_fixed_number_of_queries(
    client, admin_user, django_assert_max_num_queries, logged_in
):
    if logged_in:
        client.force_login(admin_user)
    make_members(["0665"])
    with django_assert_max_num_queries(6) as small:
        assert client.get(URL).status_code == 200
    make_members(JONKOPING_COUNTY[:3] + ["0180", "0181", "0182", "0183", "0184", "0186"])
    with django_assert_max_num_queries(6) as large:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["groups"]) == 2
    assert len(large.captured_queries) == len(small.captured_queries)
