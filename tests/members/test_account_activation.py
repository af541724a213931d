"""The approval e-mail's link opens a new reporting account, and nothing else does: a
password-reset link never activates, an account staff switched off stays off whichever came
first, and the link expires."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from members.models import ContactPerson
from members.services import membership_approve, reporting_account_activate
from members.tokens import account_activation_token
from tests.members.factories import MembershipApplicationFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
SITE = "https://ekokommun.example.se/"
PASSWORD = "Gröna-nyckeltal-25"


@pytest.fixture
def approved(django_capture_on_commit_callbacks):
    """Vaggeryd approved: the official's new account is inactive, its link in the e-mail."""
    application = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0665")
    )
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(
            membership=application.membership,
            board_meeting_on=timezone.localdate() - datetime.timedelta(days=3),
            site_url=SITE,
        )
    link = re.search(r"https://ekokommun\.example\.se(/konto/aktivera/\S+/)", mail.outbox[-1].body)
    return ContactPerson.objects.get(role="official").user, link.group(1)


def choose_password(client, path):
    """Follow a link to the activation page and choose a password: the page shown after."""
    page = client.get(path, follow=True)
    if not page.context["validlink"]:
        return page
    return client.post(
        page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )


def activation_path(user, token):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/konto/aktivera/{uid}/{token}/"


def reset_link_for(client, email):
    client.post("/konto/password_reset/", {"email": email})
    match = re.search(r"http://testserver/konto/reset/(\S+)/(\S+)/", mail.outbox[-1].body)
    return match.group(1), match.group(2)


def test_the_approval_link_opens_the_new_account(client, approved):
    account, path = approved
    choose_password(client, path)
    account.refresh_from_db()
    assert account.is_active is True
    assert account.check_password(PASSWORD)


def test_a_reset_link_requested_while_active_does_not_reopen_an_account_staff_disabled(client):
    """Reset first, then disabled: the reset token at the activation address is refused."""
    reporter = User.objects.create_user(
        "repb", email="repb@askersund.se", password="Gammalt-2024-x"
    )
    uid, reset_token = reset_link_for(client, "repb@askersund.se")
    reporter.is_active = False  # staff switch the account off in the admin
    reporter.save(update_fields=["is_active"])

    page = choose_password(client, f"/konto/aktivera/{uid}/{reset_token}/")
    assert page.context["validlink"] is False
    assert "Länken fungerar inte längre" in page.content.decode()
    reporter.refresh_from_db()
    assert reporter.is_active is False
    assert reporter.check_password("Gammalt-2024-x")


def test_an_account_disabled_first_gets_no_reset_link_and_its_old_link_stays_dead(client, approved):
    """Disabled first, then the reporter tries: no reset mail, and the approval link (or a
    fresh activation token) never switches the account back on."""
    account, path = approved
    choose_password(client, path)
    client.logout()
    account.refresh_from_db()
    account.is_active = False
    account.save(update_fields=["is_active"])
    mail.outbox.clear()

    client.post("/konto/password_reset/", {"email": account.email})
    assert mail.outbox == []
    assert choose_password(client, path).context["validlink"] is False
    fresh = activation_path(account, account_activation_token.make_token(account))
    assert choose_password(client, fresh).context["validlink"] is False
    account.refresh_from_db()
    assert account.is_active is False


def test_a_password_reset_token_never_activates_even_an_account_awaiting_activation(
    client, approved
):
    account, _path = approved
    page = choose_password(
        client, activation_path(account, default_token_generator.make_token(account))
    )
    assert page.context["validlink"] is False
    account.refresh_from_db()
    assert account.is_active is False


def test_the_link_dies_when_staff_change_the_account(client, approved):
    account, path = approved
    account.email = "ny.adress@kommun.example.se"
    account.save(update_fields=["email"])
    assert choose_password(client, path).context["validlink"] is False


def test_the_activation_link_expires(client, approved, settings, monkeypatch):
    account, path = approved
    settings.ACCOUNT_ACTIVATION_TIMEOUT = 3 * 86400
    later = datetime.datetime.now() + datetime.timedelta(days=3, minutes=1)
    monkeypatch.setattr(account_activation_token, "_now", lambda: later)
    assert choose_password(client, path).context["validlink"] is False
    account.refresh_from_db()
    assert account.is_active is False


def test_the_service_refuses_to_reopen_a_disabled_account():
    reporter = User.objects.create_user("repb", email="repb@askersund.se", password="x-Gammalt-1")
    reporter.is_active = False
    reporter.save()
    with pytest.raises(ValidationError):
        reporting_account_activate(user=reporter, password=PASSWORD)
    reporter.refresh_from_db()
    assert reporter.is_active is False
