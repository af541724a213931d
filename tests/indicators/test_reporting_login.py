"""Reporters log in with their e-mail address; guessing is stopped by django-axes."""

import pytest
from django.urls import reverse

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "hemligt-lösenord-1"


@pytest.fixture
def anna():
    return UserFactory(username="anna", email="Anna.Svensson@vaggeryd.se")


def logged_in_user(client):
    # Read from the session: public pages may come from the page cache, without a context.
    from django.contrib.auth import get_user
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = client.session
    return get_user(request)


def test_a_reporter_logs_in_with_the_e_mail_address_in_any_case(client, anna):
    page = client.get(reverse("login")).content.decode()
    assert "E-postadress" in page and 'name="csrfmiddlewaretoken"' in page
    response = client.post(
        reverse("login"),
        {"username": " anna.svensson@VAGGERYD.se ", "password": PASSWORD, "next": "/rapportera/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/rapportera/"
    assert logged_in_user(client) == anna


def test_staff_may_still_use_their_user_name(client, anna):
    assert (
        client.post(reverse("login"), {"username": "anna", "password": PASSWORD}).status_code == 302
    )
    assert logged_in_user(client) == anna


def test_a_wrong_password_gets_a_swedish_message(client, anna):
    response = client.post(
        reverse("login"), {"username": "anna.svensson@vaggeryd.se", "password": "fel"}
    )
    assert response.status_code == 200
    assert "E-postadressen eller lösenordet stämmer inte." in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_an_address_shared_by_two_accounts_logs_in_neither_by_address(client, anna):
    UserFactory(username="anna2", email="anna.svensson@vaggeryd.se")
    client.post(reverse("login"), {"username": "anna.svensson@vaggeryd.se", "password": PASSWORD})
    assert not logged_in_user(client).is_authenticated


def test_logins_are_locked_after_five_failures(client, anna, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        response = client.post(
            reverse("login"), {"username": "anna.svensson@vaggeryd.se", "password": "gissning"}
        )
    # Locked now: even the right password is refused, in Swedish, with 429.
    response = client.post(
        reverse("login"), {"username": "Anna.Svensson@vaggeryd.se", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "För många inloggningsförsök" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_a_few_mistakes_do_not_lock(client, anna, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        client.post(reverse("login"), {"username": "anna", "password": "gissning"})
    response = client.post(reverse("login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user(client) == anna


def test_the_menu_links_to_reporting_and_to_logging_in_and_out(client, anna):
    html = client.get(reverse("home")).content.decode()
    assert 'href="/rapportera/"' in html and ">Logga in</a>" in html
    client.force_login(anna)
    html = client.get(reverse("home")).content.decode()
    assert 'action="/konto/logout/"' in html and "Logga ut" in html
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not logged_in_user(client).is_authenticated
