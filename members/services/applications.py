"""Applications and the board's decisions on them (approve, reject)."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import mail_managers
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from members.hooks import current_members_changed
from members.models import (
    ContactPerson,
    Membership,
    MembershipApplication,
    MembershipDecision,
    Municipality,
)
from members.selectors import organisation_application_block
from members.services.contacts import ContactDetails, _account_message, _reporting_account
from members.services.mail import _message, _send_after_commit

# --- the application -------------------------------------------------------------------------


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


def _membership_activate(*, membership: Membership, board_meeting_on: datetime.date, user) -> None:
    """Active from the meeting's date, recorded as approved (or re-joined, for a former member)."""
    membership.status = Membership.Status.ACTIVE
    membership.decision_date = board_meeting_on
    membership.joined_on = board_meeting_on
    membership.save(update_fields=["status", "decision_date", "joined_on"])
    current_members_changed(joined=[membership.organisation_id])
    was_member = (
        Membership.objects.filter(
            organisation=membership.organisation, status=Membership.Status.RESIGNED
        )
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


def _proposed_contacts_take_office(
    *, membership: Membership, started_on: datetime.date
) -> tuple[ContactPerson, ContactPerson]:
    """The application's politician and official become the contact persons; the official
    gets the reporting account."""
    application = membership.application
    politician = ContactPerson.objects.create(
        membership=membership,
        role=ContactPerson.Role.POLITICIAN,
        started_on=started_on,
        **application.contact_details(ContactPerson.Role.POLITICIAN),
    )
    details = application.contact_details(ContactPerson.Role.OFFICIAL)
    official = ContactPerson.objects.create(
        membership=membership,
        role=ContactPerson.Role.OFFICIAL,
        started_on=started_on,
        user=_reporting_account(
            organisation=membership.organisation, name=details["name"], email=details["email"]
        ),
        **details,
    )
    return politician, official


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
    _membership_activate(membership=membership, board_meeting_on=board_meeting_on, user=user)
    politician, official = _proposed_contacts_take_office(
        membership=membership, started_on=board_meeting_on
    )
    application = membership.application
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
