"""Art. 17: erasure of one person's data; refused for a current contact of an active member and
for the office's own accounts."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.gdpr.anonymise import _anonymise_application_fields, _anonymise_contacts
from members.gdpr.extract import _accounts
from members.gdpr.register import _erased_placeholder
from members.models import ContactPerson, Membership, MembershipApplication
from members.services import site_data_changed

# --- Art. 17: erasure ---------------------------------------------------------------------------


@dataclass
class ErasureResult:
    contacts: int = 0
    applications: int = 0
    accounts: int = 0
    login_records: int = 0
    refused: list[str] = field(default_factory=list)


def _current_contact_roles(email: str):
    return ContactPerson.objects.current().filter(
        email__iexact=email, membership__status=Membership.Status.ACTIVE
    )


def _references_to(user_model) -> list:
    """Every many-to-one field pointing at accounts, histories' copies included (those have no
    database constraint, so a deleted account would leave them dangling)."""
    return [
        model_field
        for model in apps.get_models()
        for model_field in model._meta.concrete_fields
        if model_field.many_to_one and model_field.related_model is user_model
    ]


def _account_erase(user, placeholder) -> None:
    """Delete the account; what it wrote stays, by "borttagen användare"."""
    user_model = get_user_model()
    for reference in _references_to(user_model):
        on_delete = reference.remote_field.on_delete
        if on_delete in (models.CASCADE, models.PROTECT):
            continue  # access rows and devices go with the account
        related = reference.model._base_manager.filter(**{reference.attname: user.pk})
        if reference.model is ContactPerson:
            related.update(user=None)  # the role is a fact; the login behind it is gone
        else:  # an author: the value history and its copies, "inmatat av", the admin log
            related.update(**{reference.attname: placeholder.pk})
    # The admin log is the office's record of decisions: kept, under the placeholder.
    LogEntry.objects.filter(user=user).update(user=placeholder)
    for session in Session.objects.filter(expire_date__gte=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    user.delete()


def _login_records_erase(usernames: list[str]) -> int:
    if not apps.is_installed("axes"):
        return 0
    axes = apps.get_app_config("axes")
    removed = 0
    for model_name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        removed += axes.get_model(model_name).objects.filter(username__in=usernames).delete()[0]
    return removed


@transaction.atomic
def personal_data_erase(*, email: str) -> ErasureResult:
    """Erase the person with `email` (Art. 17) and keep the association's records consistent:
    contact rows and applications keep their facts, anonymised; the login account is deleted,
    its changes attributed to "borttagen användare"; its login records go.

    Refused (ValidationError) while the person is a current contact of an active member
    (replace them first) or for a staff account (the office's own accounts are closed by
    hand, as they carry decisions).
    """
    email = email.strip()
    if not email:
        raise ValidationError(_("Ange en e-postadress."))
    current = list(_current_contact_roles(email).select_related("membership__organisation"))
    if current:
        raise ValidationError(
            _(
                "%(email)s är nuvarande kontaktperson för %(orgs)s. Byt kontaktperson först; "
                "sedan kan personuppgifterna raderas."
            )
            % {
                "email": email,
                "orgs": ", ".join(c.membership.organisation.name for c in current),
            }
        )
    accounts = list(_accounts(email))
    staff = [user.get_username() for user in accounts if user.is_staff or user.is_superuser]
    if staff:
        raise ValidationError(
            _("%(names)s är ett konto för kansliet och raderas inte här.")
            % {"names": ", ".join(staff)}
        )
    result = ErasureResult()
    result.contacts = _anonymise_contacts(ContactPerson.objects.filter(email__iexact=email))
    lowered = {email.lower()}
    for application in MembershipApplication.objects.filter(
        Q(applicant_email__iexact=email)
        | Q(politician_email__iexact=email)
        | Q(official_email__iexact=email)
    ):
        result.applications += _anonymise_application_fields(application, lowered)
    usernames = [email, *(user.get_username() for user in accounts)]
    if accounts:
        placeholder = _erased_placeholder()
        for user in accounts:
            _account_erase(user, placeholder)
    result.accounts = len(accounts)
    result.login_records = _login_records_erase(usernames)
    site_data_changed()  # no cached page may show the old name
    return result
