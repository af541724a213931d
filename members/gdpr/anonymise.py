"""Anonymising: facts stay, persons go (name, e-mail, phone and party removed)."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from members.gdpr.register import ANONYMISED_EMAIL, ANONYMISED_NAME
from members.models import ContactPerson, MembershipApplication

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
