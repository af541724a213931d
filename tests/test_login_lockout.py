"""Nobody can lock a reporter out from elsewhere: django-axes locks the combination of account
and address, counts "repb" and "repb@askersund.se" as one account, and stops one address that
guesses at many accounts with a separate, higher limit."""

import pytest
from django.urls import reverse

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Rätt-lösenord-2025"
HOME = "10.0.0.7"  # the reporter's office
ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    # Dozens of logins: a fast hash keeps the test quick (what is tested is the counting).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def repb():
    return UserFactory(username="repb", email="repb@askersund.se", password=PASSWORD)


def login(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_failures_from_another_address_never_lock_the_real_user_out(client, repb):
    for _ in range(10):
        login(client, "repb@askersund.se", "gissning", ATTACKER)
    assert login(client, "repb@askersund.se", PASSWORD, ATTACKER).status_code == 429

    response = login(client, "repb@askersund.se", PASSWORD, HOME)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(repb.pk)


def test_user_name_and_address_of_one_account_are_one_counter(client, repb):
    names = ["repb", "repb@askersund.se", "REPB@Askersund.se", " repb ", "Repb@askersund.se"]
    statuses = [login(client, name, "gissning", ATTACKER).status_code for name in names]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = login(client, "repb", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "För många inloggningsförsök" in response.content.decode()


def test_four_mistakes_then_the_right_password_logs_in(client, repb):
    for name in ["repb", "repb@askersund.se", "repb", "repb@askersund.se"]:
        login(client, name, "gissning", HOME)
    assert login(client, "repb@askersund.se", PASSWORD, HOME).status_code == 302


def test_one_address_guessing_at_many_accounts_is_stopped_at_its_own_higher_limit(client, repb):
    colleague = UserFactory(username="anna", email="anna@askersund.se", password=PASSWORD)
    # Twelve failures spread over accounts, none of them five times: the address is locked...
    for number in range(11):
        assert login(client, f"person{number % 4}@askersund.se", "x", ATTACKER).status_code == 200
    assert login(client, "repb", "gissning", ATTACKER).status_code == 429
    assert login(client, "anna@askersund.se", PASSWORD, ATTACKER).status_code == 429
    # ...but only that address.
    assert login(client, "anna@askersund.se", PASSWORD, HOME).status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_an_office_behind_one_address_survives_a_few_forgotten_passwords(client, repb):
    for number in range(4):
        for _ in range(2):
            login(client, f"kollega{number}@askersund.se", "glömt", HOME)  # 8 failures in all
    assert login(client, "repb@askersund.se", PASSWORD, HOME).status_code == 302


def test_the_counter_is_named_after_the_account_whatever_was_typed(rf, repb):
    from ekokommun.auth import login_name

    request = rf.post("/konto/login/")
    names = ["repb", " repb", "repb@askersund.se", "REPB@ASKERSUND.SE"]
    assert {login_name(request, {"username": name}) for name in names} == {"repb"}
    assert login_name(request, {"username": " Okänd@Example.se "}) == "okänd@example.se"
