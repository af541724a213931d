"""Personal data (GDPR): deletion with files, retention, register extract (Art. 15) and erasure
(Art. 17).

The register of what is held, where and why is in the README ("Personuppgifter") and on the
admin's page /admin/personuppgifter/. Rules kept here:
- Facts stay, persons go: a contact person's row keeps its membership, role and dates after
  their name, e-mail, phone and party are removed; a rejected membership keeps the board's
  decision after its application (with the PDFs) is deleted.
- Files go with their rows, and only after the transaction commits, so a rolled-back delete
  never leaves a row pointing at a missing file.
- An erased account's changes stay in every history, attributed to one inactive placeholder
  account shown as "borttagen användare".
"""

import datetime
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.hooks import current_members_changed
from members.models import ContactPerson, Membership, MembershipApplication, OrganisationAccess
from members.services import site_data_changed

ANONYMISED_NAME = "(anonymiserad)"
ANONYMISED_EMAIL = "anonymiserad@sekom.invalid"
ERASED_USERNAME = "borttagen-anvandare"


# --- the register (shown in the admin; the README has the same table) --------------------------

REGISTER = [
    {
        "what": gettext_lazy(
            "Kontaktpersoner (politiker och tjänsteperson): namn, titel, e-post, telefon, parti"
        ),
        "where": gettext_lazy("Kontaktpersoner (members_contactperson)"),
        "why": gettext_lazy(
            "Medlemmens representation i föreningen: kallelser, information, rapportering."
        ),
        "how_long": gettext_lazy(
            "Så länge uppdraget varar. 24 månader efter att uppdraget upphört anonymiseras namn, "
            "e-post, telefon och parti; roll och datum finns kvar."
        ),
    },
    {
        "what": gettext_lazy(
            "Ansökningar: sökandens e-post, föreslagna kontaktpersoner, beslut och program (PDF)"
        ),
        "where": gettext_lazy(
            "Ansökningar (members_membershipapplication) och filerna i MEDIA_ROOT/ansokningar/"
        ),
        "why": gettext_lazy("Handläggning av ansökan och styrelsens beslut."),
        "how_long": gettext_lazy(
            "Avslagna ansökningar och deras PDF:er tas bort 12 månader efter beslutet; beslutet "
            "finns kvar på medlemskapet. Tidigare medlemmars ansökningar anonymiseras 24 månader "
            "efter utträdet."
        ),
    },
    {
        "what": gettext_lazy(
            "Konton: e-post, namn, lösenord (som hash), senaste inloggning, behörigheter, "
            "tvåstegsenheter"
        ),
        "where": gettext_lazy(
            "Användare (auth_user), behörigheter till organisationer, django-otp:s enheter"
        ),
        "why": gettext_lazy("Inloggning för rapportering och för kansliets administration."),
        "how_long": gettext_lazy(
            "Tas bort 24 månader efter att personens sista uppdrag upphört, om kontot saknar "
            "behörighet och inte använts sedan dess, eller när personen begär det."
        ),
    },
    {
        "what": gettext_lazy("Värdehistorik: vem som ändrade ett nyckeltal och när"),
        "where": gettext_lazy("Historik för värden (simple-history), fältet ”inmatat av”"),
        "why": gettext_lazy("Spårbarhet: vem som står bakom en siffra."),
        "how_long": gettext_lazy(
            "Så länge värdet finns. Efter radering av kontot visas ”borttagen användare”."
        ),
    },
    {
        "what": gettext_lazy("Inloggningsförsök: användarnamn, IP-adress, webbläsare, tid"),
        "where": gettext_lazy("django-axes (åtkomstförsök och -loggar)"),
        "why": gettext_lazy("Skydd mot lösenordsgissning."),
        "how_long": gettext_lazy(
            "Spärrar släpper efter en timme; loggarna rensas med axes_reset_logs och vid radering."
        ),
    },
    {
        "what": gettext_lazy("Sessioner och kansliets adminlogg"),
        "where": gettext_lazy("django_session, django_admin_log"),
        "why": gettext_lazy("Inloggningen; spårbarhet för kansliets ändringar och beslut."),
        "how_long": gettext_lazy(
            "Sessioner upphör (kansliet efter 8 timmars inaktivitet) och rensas med "
            "clearsessions. Adminloggen sparas; anonymiserade personers namn tas bort ur den."
        ),
    },
]

# --- who an account is, also after erasure ------------------------------------------------------


def account_display_name(user) -> str:
    """How pages and histories name the author of a change; "borttagen användare" once the
    account has been erased (its changes point at the placeholder account)."""
    if user is None:
        return ""
    if user.get_username() == ERASED_USERNAME:
        return _("borttagen användare")
    return user.get_full_name() or user.email or user.get_username()


def _erased_placeholder():
    user_model = get_user_model()
    placeholder, created = user_model.objects.get_or_create(
        username=ERASED_USERNAME, defaults={"is_active": False}
    )
    if created:
        placeholder.set_unusable_password()
        placeholder.save(update_fields=["password"])
    return placeholder


# --- deleting rows together with their files ----------------------------------------------------


def _document_names(applications) -> list[tuple]:
    names = []
    for application in applications:
        for document in (application.decision_document, application.programme_document):
            if document:
                names.append((document.storage, document.name))
    return names


def _delete_files_after_commit(names: list[tuple]) -> None:
    def delete() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def applications_delete(*, applications) -> int:
    """Delete applications and, once committed, their PDFs from storage. The membership rows
    (the board's decision) stay."""
    applications = list(applications)
    _delete_files_after_commit(_document_names(applications))
    MembershipApplication.objects.filter(pk__in=[a.pk for a in applications]).delete()
    return len(applications)


@transaction.atomic
def memberships_delete(*, memberships) -> int:
    """Delete memberships with their application, contact persons and, once committed, the
    application's PDFs from storage."""
    ids = [m.pk for m in memberships]
    applications = MembershipApplication.objects.filter(membership_id__in=ids)
    _delete_files_after_commit(_document_names(applications))
    # Deleting a current membership ends it: the maintained figures must hear of it.
    leaving = list(
        Membership.objects.active().filter(pk__in=ids).values_list("organisation_id", flat=True)
    )
    Membership.objects.filter(pk__in=ids).delete()
    current_members_changed(left=leaving)
    return len(ids)


# --- anonymising --------------------------------------------------------------------------------

APPLICATION_ROLES = {
    "politician": ("politician_name", "politician_email", "politician_phone", "politician_party"),
    "official": ("official_name", "official_email", "official_phone"),
}


def _anonymise_application_fields(application: MembershipApplication, emails: set[str]) -> bool:
    """Blank out the people in `application` whose address is in `emails` (all if None)."""
    changed = False
    if emails is None or application.applicant_email.lower() in emails:
        application.applicant_email = ANONYMISED_EMAIL
        changed = True
    for role, names in APPLICATION_ROLES.items():
        if emails is None or getattr(application, f"{role}_email").lower() in emails:
            setattr(application, f"{role}_name", ANONYMISED_NAME)
            setattr(application, f"{role}_email", ANONYMISED_EMAIL)
            setattr(application, f"{role}_phone", "")
            if f"{role}_party" in names:
                setattr(application, f"{role}_party", "")
            changed = True
    if changed:
        application.anonymised_on = timezone.localdate()
        application.save()
    return changed


def _anonymise_contacts(contacts) -> int:
    """Name, e-mail, phone and party go; membership, role, title and dates stay. The admin log's
    copies of the name go too."""
    contacts = list(contacts)
    if not contacts:
        return 0
    ids = [c.pk for c in contacts]
    ContactPerson.objects.filter(pk__in=ids).update(
        name=ANONYMISED_NAME,
        email="",
        phone="",
        party="",
        anonymised_on=timezone.localdate(),
    )
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ContactPerson),
        object_id__in=[str(i) for i in ids],
    ).update(object_repr=ANONYMISED_NAME)
    return len(contacts)


# --- Art. 15: the register extract --------------------------------------------------------------


def _row(instance, exclude=()) -> dict:
    data = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in exclude:
            continue
        value = getattr(instance, model_field.attname)
        if isinstance(model_field, models.FileField):
            value = str(value) if value else ""
        data[model_field.name] = value
    return data


def _history_models() -> list:
    """Every model whose history simple-history keeps (values, and any registered later)."""
    return [
        model
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "history_user")
    ]


def _accounts(email: str):
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .exclude(username=ERASED_USERNAME)
    )


def register_extract(*, email: str) -> dict:
    """Everything the system holds about the person with `email` (Art. 15), as plain data."""
    email = email.strip()
    contacts = ContactPerson.objects.filter(email__iexact=email).select_related(
        "membership__organisation"
    )
    applications = MembershipApplication.objects.filter(
        Q(applicant_email__iexact=email)
        | Q(politician_email__iexact=email)
        | Q(official_email__iexact=email)
    ).select_related("membership__organisation")
    accounts = list(_accounts(email).prefetch_related("groups"))
    user_ids = [user.pk for user in accounts]

    history = []
    for model in _history_models():
        for record in model.objects.filter(history_user_id__in=user_ids).order_by("history_date"):
            history.append(
                {
                    "register": str(model._meta.verbose_name),
                    **_row(record, exclude=("history_user",)),
                }
            )
    admin_log = [
        {
            "when": entry.action_time,
            "object": entry.object_repr,
            "type": str(entry.content_type) if entry.content_type_id else "",
            "change": entry.get_change_message(),
        }
        for entry in LogEntry.objects.filter(user_id__in=user_ids).select_related("content_type")
    ]
    login_attempts = []
    axes = apps.get_app_config("axes") if apps.is_installed("axes") else None
    if axes is not None:
        usernames = [email, *(u.get_username() for u in accounts)]
        for model_name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
            model = axes.get_model(model_name)
            for record in model.objects.filter(username__in=usernames):
                login_attempts.append({"register": model_name, **_row(record)})

    return {
        "email": email,
        "created_at": timezone.now(),
        "controller": "Sveriges Ekokommuner (SEKOM)",
        "contact_persons": [
            {
                "organisation": contact.membership.organisation.name,
                **_row(contact, exclude=("user",)),
            }
            for contact in contacts
        ],
        "applications": [
            {
                "organisation": application.membership.organisation.name,
                "status": application.membership.get_status_display(),
                **_row(application),
            }
            for application in applications
        ],
        "accounts": [
            {
                **_row(user, exclude=("password",)),
                "groups": [group.name for group in user.groups.all()],
                "organisation_access": [
                    {
                        "organisation": access.organisation.name,
                        "level": access.get_level_display(),
                        "since": access.created_at,
                    }
                    for access in OrganisationAccess.objects.filter(user=user).select_related(
                        "organisation"
                    )
                ],
                "second_factor_devices": _devices(user),
            }
            for user in accounts
        ],
        "history_as_author": history,
        "admin_log_as_author": admin_log,
        "login_attempts": login_attempts,
    }


def _devices(user) -> list[dict]:
    from django_otp import devices_for_user

    return [
        {"type": type(device).__name__, "name": device.name, "confirmed": device.confirmed}
        for device in devices_for_user(user, confirmed=None)
    ]


def register_extract_json(*, email: str) -> bytes:
    data = register_extract(email=email)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


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


# --- retention ----------------------------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class RetentionPlan:
    """What retention removes today, for the dry run to print and the real run to do."""

    applications_cutoff: datetime.date
    contacts_cutoff: datetime.date
    applications: list = field(default_factory=list)  # rejected, decided before the cutoff
    contacts: list = field(default_factory=list)  # ended before the cutoff, not yet anonymised
    former_applications: list = field(default_factory=list)  # of memberships ended long ago
    accounts: list = field(default_factory=list)  # logins left with nothing to do


def retention_plan(*, today: datetime.date | None = None) -> RetentionPlan:
    today = today or timezone.localdate()
    plan = RetentionPlan(
        applications_cutoff=months_before(today, settings.RETENTION_REJECTED_APPLICATION_MONTHS),
        contacts_cutoff=months_before(today, settings.RETENTION_FORMER_CONTACT_MONTHS),
    )
    plan.applications = list(
        MembershipApplication.objects.filter(
            membership__status=Membership.Status.REJECTED,
            membership__decision_date__lt=plan.applications_cutoff,
        ).select_related("membership__organisation")
    )
    plan.contacts = list(
        ContactPerson.objects.filter(
            ended_on__lt=plan.contacts_cutoff, anonymised_on__isnull=True
        ).select_related("membership__organisation")
    )
    plan.former_applications = list(
        MembershipApplication.objects.filter(
            membership__status=Membership.Status.RESIGNED,
            membership__left_on__lt=plan.contacts_cutoff,
            anonymised_on__isnull=True,
        ).select_related("membership__organisation")
    )
    # Accounts of former officials: no access left, not staff, every contact role they held
    # ended before the cutoff, and no login since then.
    cutoff_time = timezone.make_aware(
        datetime.datetime.combine(plan.contacts_cutoff, datetime.time.min)
    )
    candidates = (
        get_user_model()
        .objects.filter(is_staff=False, is_superuser=False, organisation_access__isnull=True)
        .filter(contact_roles__isnull=False)
        .exclude(contact_roles__ended_on__isnull=True)
        .exclude(contact_roles__ended_on__gte=plan.contacts_cutoff)
        .exclude(last_login__gte=cutoff_time)
        .exclude(username=ERASED_USERNAME)
        .distinct()
    )
    plan.accounts = list(candidates)
    return plan


@transaction.atomic
def retention_apply(*, plan: RetentionPlan) -> dict[str, int]:
    applications = applications_delete(applications=plan.applications)
    emails_by_membership: dict[int, set[str]] = {}
    for contact in plan.contacts:
        emails_by_membership.setdefault(contact.membership_id, set()).add(contact.email.lower())
    # The application's copy of a contact who is anonymised goes with them.
    for application in MembershipApplication.objects.filter(
        membership_id__in=list(emails_by_membership)
    ):
        _anonymise_application_fields(application, emails_by_membership[application.membership_id])
    contacts = _anonymise_contacts(plan.contacts)
    former = sum(_anonymise_application_fields(a, None) for a in plan.former_applications)
    accounts = 0
    if plan.accounts:
        placeholder = _erased_placeholder()
        for user in plan.accounts:
            _account_erase(user, placeholder)
            accounts += 1
    site_data_changed()
    return {
        "applications": applications,
        "contacts": contacts,
        "former_applications": former,
        "accounts": accounts,
    }
