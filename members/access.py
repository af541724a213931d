"""Who may do what with an organisation: the one place that answers it.

The rules (views, services, the API and templates ask these functions; none decides itself):

- Nobody who is not logged in, and no account that is switched off, may do anything.
- The office (kansliet) is a staff account. It acts as the office (the admin, the reporting
  overview, promoting own figures, deleting values), reads and writes every organisation's
  figures and sees the contact persons.
- A reporter (an `OrganisationAccess` row at level "reporter" that has not ended) reads the
  organisation's figures, and writes them while the organisation is a current member: a former
  member's figures are history, and nobody adds to them.
- A reader (level "reader") only reads them.
- Ended access gives nothing; access to one organisation gives nothing on another.
- Contact persons' names and addresses are for the office and for users with current access to
  a current member, never for the public (and never through the open API).
- Only a current member can be given reporters.
- Questions between members are for members: a user with current access (reader or reporter)
  to a current member asks on that member's behalf; the office, as the office, does not ask.

Admin classes keep Django's own `has_*_permission` hooks: those are the admin site's, not ours.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from members.models import Membership, Municipality, OrganisationAccess, is_current_member

READ = "read"
WRITE = "write"

# The office's own accounts, active or not: never erased or cleaned up as a member's account.
OFFICE_ACCOUNTS = Q(is_staff=True) | Q(is_superuser=True)


def _signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def acts_as_office(*, user) -> bool:
    """Whether `user` acts as the office (kansliet): a logged-in, active staff account."""
    return _signed_in(user) and bool(user.is_staff)


def is_office_account(*, user) -> bool:
    """Whether `user` is one of the office's own accounts (staff or superuser), even one that
    is switched off: personal-data erasure refuses those."""
    return bool(user.is_staff or user.is_superuser)


def level_given(*, level: str, is_member: bool) -> str:
    """What one current access row gives: WRITE for a reporter of a current member, otherwise
    READ (a reader, or a reporter whose organisation is no longer a member)."""
    if level == OrganisationAccess.Level.REPORTER and is_member:
        return WRITE
    return READ


def access_level(*, user, organisation: Municipality) -> str | None:
    """WRITE, READ or None: what `user` may do with `organisation`'s figures (reporting pages,
    value history, own figures). At most one query; none for anonymous users and the office."""
    if not _signed_in(user):
        return None
    if acts_as_office(user=user):
        return WRITE
    row = (
        OrganisationAccess.objects.current()
        .filter(user=user, organisation=organisation)
        .annotate(is_member=is_current_member("organisation"))
        .order_by("pk")
        .values_list("level", "is_member")
        .first()
    )
    if row is None:
        return None
    level, is_member = row
    return level_given(level=level, is_member=is_member)


def may_write(*, user, organisation: Municipality) -> bool:
    """Whether `user` may change `organisation`'s figures and own key figures (the write
    services check this again, whatever door the request came through)."""
    return access_level(user=user, organisation=organisation) == WRITE


def sees_contacts(*, user) -> bool:
    """Whether `user` sees contact persons' names and addresses: the office, and users with
    current access (reader or reporter) to a current member. At most one query."""
    if not _signed_in(user):
        return False
    if acts_as_office(user=user):
        return True
    return (
        OrganisationAccess.objects.current()
        .filter(is_current_member("organisation"), user=user)
        .exists()
    )


def asking_organisations(*, user) -> QuerySet[Municipality]:
    """The current members `user` may ask other members on behalf of: those it has current
    access to (reader or reporter). Empty for anonymous users, switched-off accounts and the
    office's own accounts without access rows."""
    if not _signed_in(user):
        return Municipality.objects.none()
    return (
        Municipality.objects.active_members()
        .filter(access__in=OrganisationAccess.objects.current().filter(user=user))
        .distinct()
        .in_swedish_order()
    )


def may_ask(*, user) -> bool:
    """Whether `user` may ask another member a question (and see the ask links). One query."""
    return _signed_in(user) and asking_organisations(user=user).exists()


def access_grant_check(*, organisation: Municipality, level: str) -> None:
    """ValidationError (on "organisation") when `organisation` cannot be given access at
    `level`: only a current member can have reporters."""
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
