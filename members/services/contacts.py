"""Contact persons and the official's reporting account."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from members.models import ContactPerson, Membership, Municipality, OrganisationAccess
from members.services.access import _access_end, organisation_access_grant
from members.services.mail import _message, _send_after_commit
from members.tokens import account_activation_token, account_awaits_activation


@dataclass(frozen=True)
class ContactDetails:
    name: str
    title: str
    email: str
    phone: str
    party: str = ""


def _account_link(*, user, site_url: str) -> str:
    path = reverse(
        "account_activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": account_activation_token.make_token(user),
        },
    )
    return site_url.rstrip("/") + path


def _reporting_account(*, organisation: Municipality, name: str, email: str):
    """The official's login for reporting: reused when the address already has one, otherwise
    created inactive and without a password (set through the link in the e-mail)."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).strip()
    user = (
        user_model.objects.filter(email__iexact=email).order_by("pk").first()
        or user_model.objects.filter(username__iexact=email).order_by("pk").first()
    )
    if user is None:
        first_name, _space, last_name = name.strip().partition(" ")
        user = user_model(
            username=email.lower(),
            email=email,
            first_name=first_name[:150],
            last_name=last_name[:150],
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    organisation_access_grant(
        user=user, organisation=organisation, level=OrganisationAccess.Level.REPORTER
    )
    return user


def _needs_password(user) -> bool:
    # Only accounts that never had a password get a link that opens them. An account staff
    # switched off keeps its password and stays off: a link must never switch it back on.
    return account_awaits_activation(user)


def _account_message(*, contact: ContactPerson, organisation: Municipality, site_url: str):
    user = contact.user
    context = {
        "contact": contact,
        "organisation": organisation,
        "username": user.get_username(),
        "needs_password": _needs_password(user),
        "account_active": user.is_active,
        "link": _account_link(user=user, site_url=site_url) if _needs_password(user) else "",
        "login_url": site_url.rstrip("/") + reverse("login"),
        "valid_days": max(1, settings.ACCOUNT_ACTIVATION_TIMEOUT // 86400),
    }
    return _message("reporting_account", context, to=[contact.email])


def _previous_contact_end(
    *, membership: Membership, role: str, started_on: datetime.date
) -> ContactPerson | None:
    """Check the date against the membership and the current person in `role`, and end that
    person's term the day the new one takes office; returns the ended person, if any."""
    organisation = membership.organisation
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(
            _("Kontaktpersoner kan bara bytas för aktiva medlemmar; %(org)s är %(status)s.")
            % {"org": organisation.name, "status": membership.get_status_display()}
        )
    if started_on < membership.joined_on:
        raise ValidationError(
            {
                "started_on": _("Datumet kan inte ligga före inträdet (%(date)s).")
                % {"date": membership.joined_on.isoformat()}
            }
        )
    previous = membership.contact_persons.current().select_for_update().filter(role=role).first()
    if previous is not None:
        if previous.started_on and started_on < previous.started_on:
            raise ValidationError(
                {
                    "started_on": _(
                        "Datumet kan inte ligga före när %(name)s tillträdde (%(date)s)."
                    )
                    % {"name": previous.name, "date": previous.started_on.isoformat()}
                }
            )
        previous.ended_on = started_on
        previous.save(update_fields=["ended_on"])
    return previous


def _new_contact(
    *,
    membership: Membership,
    role: str,
    details: ContactDetails,
    started_on: datetime.date,
    previous: ContactPerson | None,
) -> ContactPerson:
    """The new person, checked; a new official gets the reporting account and the previous
    official's access to the organisation ends (saved by the caller)."""
    organisation = membership.organisation
    is_official = role == ContactPerson.Role.OFFICIAL
    contact = ContactPerson(
        membership=membership,
        role=role,
        name=details.name,
        title=details.title,
        email=details.email,
        phone=details.phone,
        party="" if is_official else details.party,
        started_on=started_on,
    )
    contact.full_clean(exclude=["membership", "user"], validate_constraints=False)
    if is_official:
        contact.user = _reporting_account(
            organisation=organisation, name=details.name, email=details.email
        )
        if previous is not None and previous.user_id and previous.user_id != contact.user_id:
            _access_end(
                accesses=OrganisationAccess.objects.filter(
                    user_id=previous.user_id, organisation=organisation
                ),
                ended_on=started_on,
                reason=_("Ny tjänsteperson: %(name)s") % {"name": details.name},
            )
    return contact


@transaction.atomic
def contact_person_replace(
    *,
    membership: Membership,
    role: str,
    details: ContactDetails,
    started_on: datetime.date,
    site_url: str,
) -> ContactPerson:
    """A new contact person in `role` from `started_on`; the previous one is kept as history,
    ended that day. A new official gets a reporting account; the previous official's access
    to the organisation is withdrawn."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=membership.pk)
    )
    organisation = membership.organisation
    previous = _previous_contact_end(membership=membership, role=role, started_on=started_on)
    contact = _new_contact(
        membership=membership, role=role, details=details, started_on=started_on, previous=previous
    )
    contact.save()
    if contact.role == ContactPerson.Role.OFFICIAL:
        _send_after_commit(
            _account_message(contact=contact, organisation=organisation, site_url=site_url)
        )
    return contact


@transaction.atomic
def reporting_account_invite(*, contact: ContactPerson, site_url: str) -> ContactPerson:
    """Send the official a fresh link to set a password (the first one may have expired)."""
    contact = ContactPerson.objects.select_related("membership__organisation", "user").get(
        pk=contact.pk
    )
    organisation = contact.membership.organisation
    if contact.role != ContactPerson.Role.OFFICIAL or not contact.is_current:
        raise ValidationError(
            _("%(name)s är inte nuvarande tjänsteperson för %(org)s.")
            % {"name": contact.name, "org": organisation.name}
        )
    if contact.user is None:
        contact.user = _reporting_account(
            organisation=organisation, name=contact.name, email=contact.email
        )
        contact.save(update_fields=["user"])
    _send_after_commit(
        _account_message(contact=contact, organisation=organisation, site_url=site_url)
    )
    return contact


@transaction.atomic
def reporting_account_activate(*, user, password: str):
    """The official chose a password through the e-mailed link: the account opens.

    Only an account that was never opened: one that staff switched off stays off."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not account_awaits_activation(user):
        raise ValidationError(_("Kontot kan inte öppnas med den här länken."))
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    return user
