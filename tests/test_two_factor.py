"""Staff log in to the admin with a second factor (django-otp TOTP, recovery codes) in
production; reporters may enable it; idle staff sessions end."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekokommun.two_factor import LAST_SEEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("kansli", "kansli@sekom.se", "lang-fras-9")


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_staff_without_a_verified_device_cannot_open_the_admin(client, staff, required):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_enrol"))
    changelist = client.get(reverse("admin:members_membership_changelist"))
    assert changelist.status_code == 302


def test_in_development_the_admin_opens_with_the_password_alone(client, staff, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_enrolment_shows_a_qr_code_and_the_secret_then_gives_recovery_codes(
    client, staff, required
):
    client.force_login(staff)
    page = client.get(reverse("two_factor_enrol") + "?next=/admin/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert re.search(r'<code class="otp-secret">[A-Z2-7 ]{20,}</code>', html)
    assert f'src="{reverse("two_factor_qr")}"' in html
    qr = client.get(reverse("two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content

    wrong = client.post(reverse("two_factor_enrol"), {"token": "000000", "next": "/admin/"})
    assert "Koden stämmer inte" in wrong.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # guessing slows down
    device.throttle_reset()

    done = client.post(reverse("two_factor_enrol"), {"token": code(device), "next": "/admin/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticDevice.objects.get(user=staff).token_set.count() == 10
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_new_login_with_a_device_asks_for_the_code_and_a_recovery_code_works_once(
    client, staff, required, settings
):
    # No pause after the wrong guess (the throttle itself is shown in the enrolment test).
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=staff, name="Reservkoder", confirmed=True)
    recovery.token_set.create(token="reserv123")
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("two_factor_verify"))

    wrong = client.post(reverse("two_factor_verify"), {"token": "123456"})
    assert "Koden stämmer inte" in wrong.content.decode()
    right = client.post(reverse("two_factor_verify"), {"token": "reserv123", "next": "/admin/"})
    assert right["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    assert not recovery.token_set.exists()  # used up

    client.logout()
    client.force_login(staff)
    again = client.post(reverse("two_factor_verify"), {"token": "reserv123"})
    assert again.status_code == 200 and "Koden stämmer inte" in again.content.decode()


def test_a_reporter_who_enabled_it_is_asked_for_the_code_on_every_page(
    client, django_user_model, settings
):
    settings.OTP_REQUIRED_FOR_STAFF = True
    reporter = django_user_model.objects.create_user("rep@vaggeryd.se", "rep@vaggeryd.se", "x-9")
    device = TOTPDevice.objects.create(user=reporter, name="app", confirmed=True)
    client.force_login(reporter)
    response = client.get(reverse("reporting_landing"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": code(device)})
    assert client.get(reverse("reporting_landing")).status_code == 200


def test_a_reporter_without_a_device_logs_in_with_the_password_alone(
    client, django_user_model, required
):
    reporter = django_user_model.objects.create_user("rep@vaggeryd.se", "rep@vaggeryd.se", "x-9")
    client.force_login(reporter)
    landing = client.get(reverse("reporting_landing"))
    assert landing.status_code == 200
    assert reverse("two_factor_enrol") in landing.content.decode()  # but may enable it
    assert client.get(reverse("two_factor_enrol")).status_code == 200


def test_a_staff_session_ends_after_eight_idle_hours(client, staff, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 8 * 3600 - 5
    session.save()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_an_active_staff_session_goes_on(client, staff, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    client.force_login(staff)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 7 * 3600
    session.save()
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.session.get_expiry_age() == 8 * 3600


def test_the_admin_never_shows_an_authenticator_secret(client, staff, django_user_model):
    colleague = django_user_model.objects.create_superuser("kollega", "k@sekom.se", "fras-9-lang")
    device = TOTPDevice.objects.create(user=colleague, name="app", confirmed=True)
    client.force_login(staff)
    for name in ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"):
        assert client.get(reverse(f"admin:{name}", args=[device.pk])).status_code == 403
        assert client.get(reverse(f"admin:{name}", args=[device.pk + 99])).status_code == 403
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert device.key not in change.content.decode()
