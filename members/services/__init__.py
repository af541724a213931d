"""Writes for members: reference data and the membership life cycle, one module per sub-domain.

- site: the reference register and the data version (site_data_changed, site_demo_set)
- applications: an application and the board's decisions on it (approve, reject)
- memberships: a living membership's resignation
- contacts: contact persons and the official's reporting account
- access: which login may report or read which organisation's figures
- fees: fee schedules
- similar: the organisations each one is compared with as "liknande kommuner"
- mail: e-mail rendered in the transaction, sent after it commits (private)

Each public function is one transaction. E-mails are rendered inside the transaction (so a
template error rolls everything back) and sent only after it commits, so a failure anywhere
leaves neither half-written rows nor a message that promises something that did not happen.
Callers import from `members.services`; the public names are re-exported here.
"""

from members.services.access import (
    organisation_access_end,
    organisation_access_grant,
)
from members.services.applications import (
    application_submit,
    membership_approve,
    membership_reject,
    memberships_approve,
    memberships_reject,
)
from members.services.contacts import (
    ContactDetails,
    contact_person_replace,
    reporting_account_activate,
    reporting_account_invite,
)
from members.services.fees import fee_schedule_copy
from members.services.memberships import membership_resign, memberships_resign
from members.services.similar import similar_organisations_rebuild
from members.services.site import reference_data_load, site_data_changed, site_demo_set

__all__ = [
    "ContactDetails",
    "application_submit",
    "contact_person_replace",
    "fee_schedule_copy",
    "membership_approve",
    "membership_reject",
    "membership_resign",
    "memberships_approve",
    "memberships_reject",
    "memberships_resign",
    "organisation_access_end",
    "organisation_access_grant",
    "reference_data_load",
    "reporting_account_activate",
    "reporting_account_invite",
    "similar_organisations_rebuild",
    "site_data_changed",
    "site_demo_set",
]
