"""Setting the first password through the activation link logs the new reporter in and takes
them to reporting; password errors stand beside the first password field."""

import datetime
import re

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from members.services import membership_approve
from tests.members.factories import MembershipApplicationFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

SITE = "https://ekokommun.example.se/"
PASSWORD = "Gröna-nyckeltal-25"


def logged_in_user(client):
    request = HttpRequest()
    request.session = client.session
    return get_user(request)


@pytest.fixture
def password_page(client, django_capture_on_commit_callbacks):
    """The approved applicant's official has opened the link in the e-mail: the form's URL."""
    application = MembershipApplicationFactory(membership__organisation=MunicipalityFactory())
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(
            membership=application.membership,
            board_meeting_on=timezone.localdate() - datetime.timedelta(days=3),
            site_url=SITE,
        )
    body = next(m.body for m in mail.outbox if "/konto/aktivera/" in m.body)
    path = re.search(r"https://ekokommun\.example\.se(/konto/aktivera/\S+)", body).group(1)
    return client.get(path)["Location"]


def test_choosing_the_password_logs_the_reporter_in_and_opens_reporting(client, password_page):
    done = client.post(password_page, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("reporting_landing")
    user = logged_in_user(client)
    assert user.is_authenticated and user.is_active
    landing = client.get(done["Location"]).content.decode()
    assert "Lösenordet är sparat och du är inloggad." in landing
    assert f"Inloggad som {user.get_full_name() or user.email}" in landing
    assert ">Logga ut</button>" in landing


@pytest.mark.parametrize(
    "first, second",
    [("abc", "abc"), (PASSWORD, PASSWORD + "x"), ("12345678901", "12345678901")],
    ids=["too short", "mismatch", "only digits"],
)
def test_password_errors_stand_beside_the_first_password_field(
    client, password_page, first, second
):
    response = client.post(password_page, {"new_password1": first, "new_password2": second})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["new_password1"]
    assert "new_password2" not in form.errors
    assert not logged_in_user(client).is_authenticated
    html = response.content.decode()
    first_field = html.index('name="new_password1"')
    second_field = html.index('name="new_password2"')
    error = html.index('class="errorlist', html.index('for="id_new_password1"'))
    assert error < second_field and first_field < second_field
