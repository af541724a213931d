"""The page cache keys on scheme and host: an answer with absolute links for one host is
never served to another (issue 13, finding 7)."""

import pytest
from django.test import override_settings

from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@override_settings(ALLOWED_HOSTS=["ekokommun.se", "annan.example"])
def test_the_apis_next_link_names_the_host_and_scheme_it_was_asked_on(client):
    MembershipFactory.create_batch(2)
    url = "/api/v1/organisations/?page_size=1"
    first = client.get(url, HTTP_HOST="ekokommun.se").json()
    assert first["next"].startswith("http://ekokommun.se/api/v1/organisations/")

    other = client.get(url, HTTP_HOST="annan.example")
    assert other["X-Page-Cache"] == "miss"
    assert other.json()["next"].startswith("http://annan.example/")

    secure = client.get(url, HTTP_HOST="ekokommun.se", secure=True)
    assert secure["X-Page-Cache"] == "miss"
    assert secure.json()["next"].startswith("https://ekokommun.se/")

    again = client.get(url, HTTP_HOST="ekokommun.se")
    assert again["X-Page-Cache"] == "hit"
    assert again.json()["next"] == first["next"]
