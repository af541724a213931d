"""The token in the approval e-mail's link that opens a new reporting account.

It is not a password-reset token: its own salt means a reset link never activates an account,
and its hash covers the account's state (active or not, password, last login, address), so
the link stops working once the account is opened, or once staff change anything about it.
It expires after settings.ACCOUNT_ACTIVATION_TIMEOUT seconds.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


def account_awaits_activation(user) -> bool:
    """Only an account that never had a password and never logged in may be opened through a
    link. An account staff switched off keeps its password (or its last login), and a link
    never switches it back on."""
    return user is not None and not user.has_usable_password() and user.last_login is None


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "members.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        login_timestamp = (
            "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        )
        return (
            f"{user.pk}|{user.password}|{login_timestamp}|{int(user.is_active)}|"
            f"{user.email or ''}|{timestamp}"
        )

    def check_token(self, user, token):
        if not (user and token) or not account_awaits_activation(user):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(
                self._make_token_with_timestamp(user, timestamp, secret), token
            ):
                break
        else:
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= settings.ACCOUNT_ACTIVATION_TIMEOUT


account_activation_token = AccountActivationTokenGenerator()
