"""Access grants: which login may report or read which organisation's figures."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Membership, Municipality, OrganisationAccess

# --- access to an organisation's figures --------------------------------------------------


def organisation_access_check(*, organisation: Municipality, level: str) -> None:
    """ValidationError (on "organisation") when `organisation` cannot have access at `level`."""
    if (
        level == OrganisationAccess.Level.REPORTER
        and not Membership.objects.active().filter(organisation=organisation).exists()
    ):
        raise ValidationError(
            {
                "organisation": _(
                    "%(org)s är inte medlem; bara en nuvarande medlem kan ha rapportörer."
                )
                % {"org": organisation.name}
            }
        )


@transaction.atomic
def organisation_access_grant(
    *, user, organisation: Municipality, level: str = OrganisationAccess.Level.REPORTER
) -> OrganisationAccess:
    """Give `user` access to `organisation` (or change the level of the access they have).

    Reporters write a member's figures, so only a current member can have one: a former
    member's figures are history, and nobody should be able to add to them.
    """
    organisation_access_check(organisation=organisation, level=level)
    access = (
        OrganisationAccess.objects.current()
        .select_for_update()
        .filter(user=user, organisation=organisation)
        .first()
    )
    if access is None:
        return OrganisationAccess.objects.create(user=user, organisation=organisation, level=level)
    if access.level != level:
        access.level = level
        access.save(update_fields=["level"])
    return access


def _access_end(*, accesses, ended_on: datetime.date, reason: str) -> int:
    """End the given access rows; they stay, with the date and why, as history."""
    return accesses.current().update(ended_on=ended_on, ended_reason=reason[:200])


@transaction.atomic
def organisation_access_end(
    *, access: OrganisationAccess, ended_on: datetime.date | None = None, reason: str = ""
) -> OrganisationAccess:
    """End one login's access to an organisation (kept as history, not deleted)."""
    _access_end(
        accesses=OrganisationAccess.objects.filter(pk=access.pk),
        ended_on=ended_on or timezone.localdate(),
        reason=reason or _("Avslutad av kansliet"),
    )
    access.refresh_from_db()
    return access
