"""Retention: what is deleted or anonymised how long after a decision or a role ended
(RETENTION_* settings), planned (dry run) and applied."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from members.gdpr.anonymise import _anonymise_application_fields, _anonymise_contacts
from members.gdpr.deletion import applications_delete
from members.gdpr.erasure import _account_erase
from members.gdpr.register import ERASED_USERNAME, _erased_placeholder
from members.models import ContactPerson, Membership, MembershipApplication
from members.services import site_data_changed

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
