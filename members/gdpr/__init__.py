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

One module per part, re-exported here (callers import from `members.gdpr`):
- register: what is held, where and why (REGISTER), the placeholder for erased accounts
- deletion: rows deleted together with their files
- anonymise: the anonymising of contact persons and applications
- extract: the register extract (Art. 15)
- erasure: the erasure (Art. 17)
- retention: the retention plan and its application (`manage.py apply_retention`)
"""

from members.gdpr.deletion import applications_delete, memberships_delete
from members.gdpr.erasure import ErasureResult, personal_data_erase
from members.gdpr.extract import register_extract, register_extract_json
from members.gdpr.register import (
    ANONYMISED_EMAIL,
    ANONYMISED_NAME,
    ERASED_USERNAME,
    REGISTER,
    account_display_name,
)
from members.gdpr.retention import RetentionPlan, months_before, retention_apply, retention_plan

__all__ = [
    "ANONYMISED_EMAIL",
    "ANONYMISED_NAME",
    "ERASED_USERNAME",
    "REGISTER",
    "ErasureResult",
    "RetentionPlan",
    "account_display_name",
    "applications_delete",
    "memberships_delete",
    "months_before",
    "personal_data_erase",
    "register_extract",
    "register_extract_json",
    "retention_apply",
    "retention_plan",
]
