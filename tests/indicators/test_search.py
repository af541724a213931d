"""The member search: by name or kommunkod; a non-member is named as such, with the way in."""

import datetime

import pytest
from django.urls import reverse

from tests.members.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marks(reference_data):
    """Mark and Markaryd are both members: one name is the start of the other."""
    for code in ("1463", "0767", "0665"):
        MembershipFactory(organisation=MunicipalityFactory(code=code))


def test_a_member_is_found_by_its_kommunkod(client, marks):
    response = client.get(reverse("search"), {"q": "0665"})
    assert response.status_code == 302
    assert response["Location"] == reverse("member_detail", args=["0665"])


def test_the_whole_name_finds_that_member_even_when_it_starts_another(client, marks):
    assert client.get(reverse("search"), {"q": "Mark"})["Location"] == "/kommun/1463/"
    assert client.get(reverse("search"), {"q": "markaryd"})["Location"] == "/kommun/0767/"
    both = client.get(reverse("search"), {"q": "mar"}).content.decode()
    assert ">Mark</a>" in both and ">Markaryd</a>" in both


def test_a_municipality_that_is_not_a_member_is_named_with_a_link_to_apply(client, marks):
    response = client.get(reverse("search"), {"q": "Malmö"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Malmö är inte medlem i Sveriges Ekokommuner." in html
    assert f'href="{reverse("membership_application")}">Bli medlem</a>' in html
    by_code = client.get(reverse("search"), {"q": "1280"}).content.decode()  # Malmö's code
    assert "Malmö är inte medlem" in by_code


def test_a_former_member_is_not_a_member_either(client, marks):
    from members.models import Membership

    stockholm = MunicipalityFactory(code="0180")
    MembershipFactory(
        organisation=stockholm,
        status=Membership.Status.RESIGNED,
        left_on=datetime.date(2019, 12, 31),
    )
    html = client.get(reverse("search"), {"q": "stockholm"}).content.decode()
    assert "Stockholm är inte medlem i Sveriges Ekokommuner." in html


def test_part_of_a_non_members_name_names_it_when_no_member_matches(client, marks):
    html = client.get(reverse("search"), {"q": "malm"}).content.decode()
    assert "Malmö är inte medlem i Sveriges Ekokommuner." in html
    assert "Ingen medlem heter" not in html
    # With members matching, only an exact name is named as a non-member.
    html = client.get(reverse("search"), {"q": "a"}).content.decode()
    assert "inte medlem" not in html


def test_a_name_that_matches_nothing_says_so(client, marks):
    html = client.get(reverse("search"), {"q": "Atlantis"}).content.decode()
    assert "Ingen medlem heter något med ”Atlantis”." in html
    assert "inte medlem i Sveriges Ekokommuner" not in html
