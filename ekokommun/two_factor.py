"""A second factor at login (TOTP apps through django-otp, with single-use recovery codes).

- Staff must use it for the admin where OTP_REQUIRED_FOR_STAFF is on (the default in
  production): a staff login without a confirmed device is sent to enrolment first, one with a
  device to the code prompt.
- Anyone else (reporters) may enable it; who has a device is asked for a code after the
  password, on every page, until it is given.
- A staff session ends after STAFF_SESSION_IDLE_SECONDS without a request.
"""

import base64
import io
import time

import django_otp
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

HAS_DEVICE = "otp_has_device"  # session key: does this login have a confirmed device?
LAST_SEEN = "staff_last_seen"  # session key: time of the staff member's latest request
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"


@receiver(user_logged_in, dispatch_uid="ekokommun-otp-has-device")
def _remember_device(sender, request, user, **kwargs):
    # Looked up once per login, so pages pay no query for it (query ceilings hold); likewise
    # a staff login starts its idle clock here rather than with a session write on its first page.
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = django_otp.user_has_device(user)
        if user.is_staff:
            request.session[LAST_SEEN] = int(time.time())
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)


def _exempt(path: str) -> bool:
    prefixes = [
        reverse("two_factor_verify"),
        reverse("two_factor_enrol"),
        reverse("logout"),
        reverse("admin:logout"),
        settings.STATIC_URL,
    ]
    return any(path.startswith(prefix) for prefix in prefixes)


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: sends a login that still owes its second factor to
    the code prompt (or, for staff opening the admin without a device, to enrolment), and ends
    idle staff sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from common.data_version import OUTAGE_ERRORS
        from ekokommun.middleware import outage_response

        try:
            # Reads the session (and the account) from the database: the first to notice an
            # outage for a logged-in visitor.
            redirect_to = self._owed(request)
        except OUTAGE_ERRORS:
            return outage_response(request)
        return redirect_to or self.get_response(request)

    def _owed(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff and self._idle_too_long(request):
            logout(request)
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        if user.is_authenticated and not user.is_verified() and not _exempt(request.path):
            admin = request.path.startswith(reverse("admin:index"))
            staff_must = admin and user.is_staff and settings.OTP_REQUIRED_FOR_STAFF
            if request.session.get(HAS_DEVICE):
                return redirect(f"{reverse('two_factor_verify')}?next={request.path}")
            if staff_must:
                return redirect(f"{reverse('two_factor_enrol')}?next={request.path}")
        return None

    @staticmethod
    def _idle_too_long(request) -> bool:
        now = int(time.time())
        last = request.session.get(LAST_SEEN)
        if last is not None and now - last > settings.STAFF_SESSION_IDLE_SECONDS:
            return True
        if last is None or now - last > 60:  # one session write a minute at most
            request.session[LAST_SEEN] = now
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return False


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("admin:index") if request.user.is_staff else reverse("home")


@never_cache
@login_required
def verify(request):
    """Asks for the code from the app, or one of the recovery codes."""
    if request.user.is_verified():
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split())
        device = django_otp.match_token(request.user, token) if token else None
        if device is not None:
            django_otp.login(request, device)
            request.session[HAS_DEVICE] = True
            return redirect(_next(request))
        error = _("Koden stämmer inte. Ange den sexsiffriga koden från appen eller en reservkod.")
    return render(request, "registration/otp_verify.html", {"error": error, "next": _next(request)})


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@never_cache
@login_required
def enrol(request):
    """Enrolment: a QR code (or the secret as text) for the app, then a code to confirm it;
    the recovery codes are shown once."""
    if django_otp.user_has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?next={_next(request)}")
    device = _pending_device(request.user)
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split())
        if token and device.verify_token(token):
            codes = _confirm(device=device)
            django_otp.login(request, device)
            request.session[HAS_DEVICE] = True
            return render(
                request,
                "registration/otp_recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        error = _(
            "Koden stämmer inte. Kontrollera att klockan i telefonen går rätt och försök igen."
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "error": error,
        "next": _next(request),
        "already_enabled": django_otp.user_has_device(request.user),
    }
    return render(request, "registration/otp_enrol.html", context)


@transaction.atomic
def _confirm(*, device: TOTPDevice) -> list[str]:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    recovery, _created = StaticDevice.objects.get_or_create(
        user=device.user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


@never_cache
@login_required
def qr_code(request):
    """The pending device's set-up address as an SVG QR code (drawn here, no outside service)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        return HttpResponse(status=404)
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")
