"""Logging in with an e-mail address, as SEKOM's reporters are used to.

Reporters type their e-mail address; staff may still use their user name. django-axes
(settings.AUTHENTICATION_BACKENDS, first) counts failed attempts per account and address
together (settings.AXES_LOCKOUT_PARAMETERS), so a stranger guessing elsewhere cannot lock a
reporter out, and per address alone with a higher limit (AddressLimitAxesHandler), so one
address cannot guess at many accounts.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _


def account_for_login(name: str):
    """The account a typed login name means: by e-mail address (case-insensitive, if only one
    account has it), otherwise by user name; None when there is no such account."""
    User = get_user_model()
    name = name.strip()
    if not name:
        return None
    matches = list(User._default_manager.filter(email__iexact=name)[:2])
    if len(matches) == 1:
        return matches[0]
    # No address, or one shared by two accounts (ambiguous): try it as a user name.
    try:
        return User._default_manager.get_by_natural_key(name)
    except User.DoesNotExist:
        return None


def login_name(request, credentials: dict | None) -> str:
    """The name django-axes counts failures under: the account's user name when the typed name
    (e-mail address or user name, any case) belongs to one, so "repb" and "repb@askersund.se"
    are one counter; otherwise the typed name without case and spaces."""
    name = str((credentials or {}).get("username") or request.POST.get("username", ""))
    account = account_for_login(name)
    return account.get_username().lower() if account is not None else name.strip().lower()


def client_ip(request) -> str | None:
    """The client's address for django-axes, seen through TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is the
    entry that many places from the end; anything before it could be forged by the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def ratelimit_address(group, request) -> str:
    """django-ratelimit's key: the client's address, seen through the trusted proxies."""
    return client_ip(request) or ""


class AddressLimitAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher limit per address alone.

    Failures are counted for the account and address together (AXES_FAILURE_LIMIT) and, over
    every name tried, for the address (AXES_ADDRESS_FAILURE_LIMIT): one office behind a NAT
    does not lock itself out because one person forgot a password, yet an address guessing at
    many accounts is stopped.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_account = super().get_failures(request, credentials)
        per_address = (
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address,
                attempt_time__gte=get_cool_off_threshold(request),
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        # django-axes compares one number with AXES_FAILURE_LIMIT; the address's failures are
        # scaled so that they reach it exactly when they reach their own limit.
        scaled = per_address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(per_account, scaled)


class EmailOrUsernameBackend(ModelBackend):
    """Authenticate by e-mail address (case-insensitive) or, failing that, by user name."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = account_for_login(username)
        if user is None:
            # Spend the time of a password check anyway, so timing does not reveal accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-postadress"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "E-postadressen eller lösenordet stämmer inte. Tänk på att lösenordet skiljer på "
            "stora och små bokstäver."
        ),
    }
