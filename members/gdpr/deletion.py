"""Deleting rows together with their files: the files go only after the transaction commits,
so a rolled-back delete never leaves a row pointing at a missing file."""

from django.db import transaction

from members.hooks import current_members_changed
from members.models import Membership, MembershipApplication

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
