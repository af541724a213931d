"""The header on every page: the menu, who is logged in and "Logga ut"; after logging in a
reporter lands on reporting."""

import pytest
from django.urls import reverse

from tests.members.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "hemligt-lösenord-1"
PAGES = [
    "/",
    "/sok/?q=zz",
    "/kommun/0665/",
    "/nyckeltal/GN.6a/",
    "/jamfor/?nyckeltal=GN.6a&medlem=0665",
    "/medlemmar/",
    "/ansok/",
    "/rapportera/",
    "/rapportera/2024/?org=0665",
    "/egna-nyckeltal/",
    "/tillganglighet/",
]


@pytest.fixture
def reporter(reference_data):
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    user = UserFactory(username="strateg", email="strateg@vaggeryd.se", first_name="")
    OrganisationAccessFactory(user=user, organisation=vaggeryd)
    return user


def test_after_logging_in_a_reporter_lands_on_reporting(client, reporter):
    response = client.post(
        reverse("login"), {"username": "strateg@vaggeryd.se", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting_landing") == "/rapportera/"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_who_is_logged_in_and_offers_to_log_out(client, reporter, path):
    client.get(path)  # an anonymous visit first: the page may now be in the page cache
    client.force_login(reporter)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inloggad som strateg@vaggeryd.se" in html
    assert '<button type="submit">Logga ut</button>' in html
    assert '<details class="menu">' in html and "<summary>Meny</summary>" in html


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_offered_to_log_in(client, reporter, path):
    response = client.get(path, follow=True)
    html = response.content.decode()
    assert f'<a href="{reverse("login")}">Logga in</a>' in html
    assert "Inloggad som" not in html and "Logga ut" not in html
