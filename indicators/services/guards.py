"""Permission checks the write services share."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from indicators.selectors import can_write
from members.models import Municipality


def require_write(*, user, organisation: Municipality) -> None:
    if not can_write(user=user, organisation=organisation):
        raise PermissionDenied(
            _("Du får inte ändra %(name)s nyckeltal.") % {"name": organisation.name}
        )
