"""Logging in with an e-mail address, as SEKOM's reporters are used to.

Reporters type their e-mail address; staff may still use their user name. django-axes
(settings.AUTHENTICATION_BACKENDS, first) counts failed attempts per typed login name.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


def login_name(request, credentials: dict | None) -> str:
    """The name django-axes counts failures under: case and spaces do not make a new one."""
    name = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(name).strip().lower()


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


class EmailOrUsernameBackend(ModelBackend):
    """Authenticate by e-mail address (case-insensitive) or, failing that, by user name."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        name = username.strip()
        matches = list(User._default_manager.filter(email__iexact=name)[:2])
        if len(matches) == 1:
            user = matches[0]
        else:
            # No address, or one shared by two accounts (ambiguous): try it as a user name.
            try:
                user = User._default_manager.get_by_natural_key(name)
            except User.DoesNotExist:
                # Spend the time of a password check anyway, so timing does not reveal accounts.
                User().set_password(password)
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
