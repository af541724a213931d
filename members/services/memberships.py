"""A living membership: resignation (utträde)."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.hooks import current_members_changed
from members.models import Membership, MembershipDecision, OrganisationAccess
from members.services.access import _access_end
from members.services.applications import _decision_record

# --- a living membership ---------------------------------------------------------------------


def _resignation_check(*, membership: Membership, left_on: datetime.date, decision: str) -> None:
    name = membership.organisation.name
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(
            _("%(org)s är inte aktiv medlem (%(status)s).")
            % {"org": name, "status": membership.get_status_display()}
        )
    if not decision:
        raise ValidationError(
            {"decision": _("Ange beslutet om utträde, t.ex. ”KF 2019-10-28 § 112”.")}
        )
    if left_on > timezone.localdate():
        raise ValidationError(
            {"left_on": _("Registrera utträdet när det har trätt i kraft; datumet är i framtiden.")}
        )
    if left_on < membership.joined_on:
        raise ValidationError(
            {
                "left_on": _("Utträdet kan inte ligga före inträdet (%(date)s).")
                % {"date": membership.joined_on.isoformat()}
            }
        )


@transaction.atomic
def membership_resign(
    *,
    membership: Membership,
    left_on: datetime.date,
    decision: str,
    board_meeting_on: datetime.date | None = None,
    user=None,
) -> Membership:
    """Record a member's resignation (utträde).

    The membership row, its contact persons (ended on the leaving date) and every key figure
    stay as history; the organisation's logins lose their access to it (the access rows are
    ended, not deleted), and it may apply again.
    """
    decision = decision.strip()
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=membership.pk)
    )
    _resignation_check(membership=membership, left_on=left_on, decision=decision)
    membership.status = Membership.Status.RESIGNED
    membership.left_on = left_on
    membership.resignation_decision = decision
    membership.save(update_fields=["status", "left_on", "resignation_decision"])
    current_members_changed(left=[membership.organisation_id])
    for contact in membership.contact_persons.current():
        # A person who took office after the leaving date (a data error) ends the same day.
        contact.ended_on = max(left_on, contact.started_on or left_on)
        contact.save(update_fields=["ended_on"])
    _access_end(
        accesses=OrganisationAccess.objects.filter(organisation=membership.organisation),
        ended_on=left_on,
        reason=_("Utträde: %(decision)s") % {"decision": decision},
    )
    _decision_record(
        membership=membership,
        kind=MembershipDecision.Kind.RESIGNED,
        effective_on=left_on,
        board_meeting_on=board_meeting_on,
        reason=decision,
        user=user,
    )
    return membership


@transaction.atomic
def memberships_resign(
    *,
    memberships: Iterable[Membership],
    left_on: datetime.date,
    decision: str,
    board_meeting_on: datetime.date | None = None,
    user=None,
) -> list[Membership]:
    """Resign several members at once, all or none."""
    return [
        membership_resign(
            membership=membership,
            left_on=left_on,
            decision=decision,
            board_meeting_on=board_meeting_on,
            user=user,
        )
        for membership in memberships
    ]
