"""Writes for members: reference data and the membership life cycle.

Each public function is one transaction. E-mails are rendered inside the transaction (so a
template error rolls everything back) and sent only after it commits, so a failure anywhere
leaves neither half-written rows nor a message that promises something that did not happen.
"""

import csv
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, mail_managers
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from members.hooks import current_members_changed
from members.models import (
    ContactPerson,
    County,
    FeeSchedule,
    Membership,
    MembershipApplication,
    MembershipDecision,
    Municipality,
    OrganisationAccess,
    SiteState,
)
from members.selectors import organisation_application_block
from members.tokens import account_activation_token, account_awaits_activation

logger = logging.getLogger(__name__)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_data_load(*, fixtures_dir: Path) -> dict[str, int]:
    """Load counties, municipalities and regions; safe to run again (it updates in place)."""
    counties = {}
    for row in _rows(fixtures_dir / "counties.csv"):
        county, _created = County.objects.update_or_create(
            code=row["county_code"],
            defaults={"name": row["county_name"], "short_name": row["county_name_short"]},
        )
        counties[county.code] = county

    municipalities = 0
    for row in _rows(fixtures_dir / "municipalities.csv"):
        Municipality.objects.update_or_create(
            code=row["municipality_code"],
            defaults={
                "name": row["municipality_name"],
                "county": counties[row["county_code"]],
                "kind": Municipality.Kind.MUNICIPALITY,
            },
        )
        municipalities += 1

    regions = 0
    for row in _rows(fixtures_dir / "regions.csv"):
        Municipality.objects.update_or_create(
            code=row["county_code"],
            defaults={
                "name": row["region_name"],
                "county": counties[row["county_code"]],
                "kind": Municipality.Kind.REGION,
            },
        )
        regions += 1
    return {"counties": len(counties), "municipalities": municipalities, "regions": regions}


def site_data_changed() -> None:
    """Mark the public data as changed: every cached page and figure is rebuilt on next view.

    Called by every write that changes what public pages show, inside its transaction: other
    processes see the new version exactly when they can see the new data (at commit), and a
    rolled-back write leaves the version as it was. The row lock this takes also orders
    concurrent writers, which is cheap at this association's scale.
    """
    version = SiteState.new_version()
    updated = SiteState.objects.filter(pk=SiteState.SINGLETON_ID).update(data_version=version)
    if not updated:
        SiteState.objects.update_or_create(
            pk=SiteState.SINGLETON_ID, defaults={"data_version": version}
        )


def site_demo_set(*, parameters: dict | None) -> None:
    SiteState.objects.update_or_create(pk=SiteState.SINGLETON_ID, defaults={"demo": parameters})
    site_data_changed()


@transaction.atomic
def fee_schedule_copy(*, schedule: FeeSchedule, to_year: int) -> FeeSchedule:
    """A new year's schedule with the same amounts as `schedule` (the annual meeting usually
    keeps the fee); the decision date is left for the office to fill in."""
    if FeeSchedule.objects.filter(year=to_year).exists():
        raise ValidationError(
            _("Det finns redan en avgiftsmodell för %(year)s.") % {"year": to_year}
        )
    copy = FeeSchedule(
        year=to_year,
        fixed_amount=schedule.fixed_amount,
        per_inhabitant=schedule.per_inhabitant,
        ceiling=schedule.ceiling,
    )
    copy.full_clean()
    copy.save()
    return copy


# --- e-mail -------------------------------------------------------------------------------


def _message(template: str, context: dict, *, to: list[str]) -> EmailMessage:
    """Render templates/members/email/<template>_subject.txt and _body.txt into a message."""
    subject = render_to_string(f"members/email/{template}_subject.txt", context)
    body = render_to_string(f"members/email/{template}_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=to)


def _send_after_commit(*messages: EmailMessage) -> None:
    def send() -> None:
        for message in messages:
            message.send()

    # robust: a mail server outage after the commit is logged, it does not undo the decision.
    transaction.on_commit(send, robust=True)


# --- the application -------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDetails:
    name: str
    title: str
    email: str
    phone: str
    party: str = ""


def application_submit(
    *,
    organisation: Municipality,
    deciding_body: str,
    decided_on: datetime.date,
    decision_document: UploadedFile,
    programme_document: UploadedFile | None,
    programme_url: str,
    applicant_email: str,
    politician: ContactDetails,
    official: ContactDetails,
) -> MembershipApplication:
    """Record a new application as a pending membership and send the applicant a receipt.

    Raises ValidationError (keyed by field) for anything the rules refuse; then no row and no
    file is left behind.
    """
    membership = Membership(
        organisation=organisation,
        status=Membership.Status.APPLIED,
        applied_on=timezone.localdate(),
    )
    application = MembershipApplication(
        membership=membership,
        deciding_body=deciding_body,
        decided_on=decided_on,
        decision_document=decision_document,
        programme_document=programme_document or "",
        programme_url=programme_url,
        applicant_email=applicant_email,
        politician_name=politician.name,
        politician_title=politician.title,
        politician_email=politician.email,
        politician_phone=politician.phone,
        politician_party=politician.party,
        official_name=official.name,
        official_title=official.title,
        official_email=official.email,
        official_phone=official.phone,
    )
    try:
        with transaction.atomic():
            _application_save(membership=membership, application=application)
    except Exception:
        # The database forgets the rows; the files already written to MEDIA_ROOT go too.
        _documents_delete(application)
        raise
    return application


def _application_save(*, membership: Membership, application: MembershipApplication) -> None:
    # Lock the organisation row so two simultaneous applications cannot both pass the check.
    organisation = Municipality.objects.select_for_update().get(pk=membership.organisation_id)
    blocked = organisation_application_block(organisation=organisation)
    if blocked:
        raise ValidationError({"organisation": blocked})

    membership.full_clean()
    application.full_clean(exclude=["membership"])
    try:
        membership.save()
        application.membership = membership
        application.save()  # Writes the documents to storage under generated names.
    except IntegrityError as error:  # A race the check above could not see.
        raise ValidationError(
            {
                "organisation": _("Det finns redan en ansökan eller ett medlemskap för %(org)s.")
                % {"org": organisation.name}
            }
        ) from error

    context = {"application": application, "organisation": organisation}
    _send_after_commit(
        _message("application_received", context, to=[application.applicant_email]),
    )
    transaction.on_commit(
        lambda: mail_managers(
            _("Ny ansökan om medlemskap: %(org)s") % {"org": organisation.name},
            render_to_string("members/email/application_to_office_body.txt", context),
        ),
        robust=True,
    )


def _documents_delete(application: MembershipApplication) -> None:
    for field in (application.decision_document, application.programme_document):
        # Only files this call wrote (committed to storage under their generated name); an
        # upload that never reached the disk still carries the applicant's file name.
        if field and getattr(field, "_committed", False):
            field.storage.delete(field.name)


# --- the board's decision --------------------------------------------------------------------


def _decision_date_check(*, membership: Membership, board_meeting_on: datetime.date) -> None:
    name = membership.organisation.name
    if membership.status != Membership.Status.APPLIED:
        raise ValidationError(
            _("Ansökan från %(org)s är redan behandlad (%(status)s).")
            % {"org": name, "status": membership.get_status_display()}
        )
    if board_meeting_on > timezone.localdate():
        raise ValidationError(_("Styrelsemötets datum kan inte ligga i framtiden."))
    if board_meeting_on < membership.applied_on:
        raise ValidationError(
            _("Styrelsemötet kan inte ligga före ansökan från %(org)s (inkom %(date)s).")
            % {"org": name, "date": membership.applied_on.isoformat()}
        )


def _locked_application(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation__county", "application")
        .get(pk=membership.pk)
    )


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


def _decision_record(
    *,
    membership: Membership,
    kind: str,
    effective_on: datetime.date,
    board_meeting_on: datetime.date | None,
    reason: str = "",
    user=None,
) -> MembershipDecision:
    if user is not None and not user.is_authenticated:
        user = None
    return MembershipDecision.objects.create(
        membership=membership,
        kind=kind,
        effective_on=effective_on,
        board_meeting_on=board_meeting_on,
        reason=reason,
        decided_by=user,
    )


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


@transaction.atomic
def membership_approve(
    *, membership: Membership, board_meeting_on: datetime.date, site_url: str, user=None
) -> Membership:
    """The board said yes: the membership becomes active from the meeting's date, the proposed
    contact persons take office, and the official gets a (still inactive) reporting account.

    `site_url` (e.g. "https://ekokommun.se") makes the links in the e-mails absolute.
    """
    membership = _locked_application(membership)
    _decision_date_check(membership=membership, board_meeting_on=board_meeting_on)
    organisation = membership.organisation
    if Membership.objects.active().filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(org)s är redan medlem; ansökan kan inte godkännas.") % {"org": organisation.name}
        )
    application = membership.application

    membership.status = Membership.Status.ACTIVE
    membership.decision_date = board_meeting_on
    membership.joined_on = board_meeting_on
    membership.save(update_fields=["status", "decision_date", "joined_on"])
    current_members_changed(joined=[organisation.pk])
    was_member = (
        Membership.objects.filter(organisation=organisation, status=Membership.Status.RESIGNED)
        .exclude(pk=membership.pk)
        .exists()
    )
    _decision_record(
        membership=membership,
        kind=MembershipDecision.Kind.REJOINED if was_member else MembershipDecision.Kind.APPROVED,
        effective_on=board_meeting_on,
        board_meeting_on=board_meeting_on,
        user=user,
    )

    politician = ContactPerson.objects.create(
        membership=membership,
        role=ContactPerson.Role.POLITICIAN,
        started_on=board_meeting_on,
        **application.contact_details(ContactPerson.Role.POLITICIAN),
    )
    details = application.contact_details(ContactPerson.Role.OFFICIAL)
    official = ContactPerson.objects.create(
        membership=membership,
        role=ContactPerson.Role.OFFICIAL,
        started_on=board_meeting_on,
        user=_reporting_account(
            organisation=organisation, name=details["name"], email=details["email"]
        ),
        **details,
    )

    context = {
        "application": application,
        "organisation": organisation,
        "membership": membership,
        "politician": politician,
        "official": official,
    }
    _send_after_commit(
        _message("application_approved", context, to=[application.applicant_email]),
        _account_message(contact=official, organisation=organisation, site_url=site_url),
    )
    return membership


@transaction.atomic
def memberships_approve(
    *,
    memberships: Iterable[Membership],
    board_meeting_on: datetime.date,
    site_url: str,
    user=None,
) -> list[Membership]:
    """Approve several applications from one board meeting: all of them or none."""
    return [
        membership_approve(
            membership=membership, board_meeting_on=board_meeting_on, site_url=site_url, user=user
        )
        for membership in memberships
    ]


@transaction.atomic
def membership_reject(
    *, membership: Membership, board_meeting_on: datetime.date, reason: str, user=None
) -> Membership:
    """The board said no: the application stays, with the meeting's date and the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Ange skälet till avslaget; det skickas till den sökande."))
    membership = _locked_application(membership)
    _decision_date_check(membership=membership, board_meeting_on=board_meeting_on)
    membership.status = Membership.Status.REJECTED
    membership.decision_date = board_meeting_on
    membership.rejection_reason = reason
    membership.save(update_fields=["status", "decision_date", "rejection_reason"])
    _decision_record(
        membership=membership,
        kind=MembershipDecision.Kind.REJECTED,
        effective_on=board_meeting_on,
        board_meeting_on=board_meeting_on,
        reason=reason,
        user=user,
    )

    application = membership.application
    context = {
        "application": application,
        "organisation": membership.organisation,
        "membership": membership,
    }
    _send_after_commit(
        _message("application_rejected", context, to=[application.applicant_email]),
    )
    return membership


@transaction.atomic
def memberships_reject(
    *,
    memberships: Iterable[Membership],
    board_meeting_on: datetime.date,
    reason: str,
    user=None,
) -> list[Membership]:
    return [
        membership_reject(
            membership=membership, board_meeting_on=board_meeting_on, reason=reason, user=user
        )
        for membership in memberships
    ]


# --- a living membership ---------------------------------------------------------------------


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
    contact.save()
    if is_official:
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
