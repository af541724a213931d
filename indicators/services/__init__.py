"""Writes for the key figures (HackSoft services: <entity>_<action>, keyword-only, one
transaction each), by sub-domain:

- values: the one write path for values (values_upsert, values_save_year, deletion)
- upsert: the bulk statements under values_upsert (PostgreSQL COPY, the ORM elsewhere)
- catalogue: loading the indicator catalogue
- own_indicators: a member's own figures (define, adopt, retire)
- promotion: an own figure becomes a figure of the common catalogue
- targets: a member's own targets
- reminders: e-mail reminders about missing figures
- kolada_sync, kolada_catalogue: fetch figures and the KPI catalogue from Kolada

The public names are re-exported here, so `from indicators.services import values_upsert`
keeps working; patch a name in the module that defines it.
"""

from indicators.services.catalogue import catalogue_load
from indicators.services.kolada_catalogue import kolada_catalogue_sync
from indicators.services.kolada_sync import KoladaSyncReport, kolada_sync
from indicators.services.own_indicators import (
    DEFINITION_FIELDS,
    OWN_CODE_PREFIX,
    own_indicator_adopt,
    own_indicator_create,
    own_indicator_family,
    own_indicator_from_kolada,
    own_indicator_retire,
)
from indicators.services.promotion import own_indicator_promote
from indicators.services.reminders import (
    DEVELOPMENT_MAIL_BACKENDS,
    RemindersOutcome,
    mail_backend_is_real,
    reminders_send,
)
from indicators.services.targets import target_set
from indicators.services.upsert import VALUE_FIELDS, UpsertResult, ValueKey
from indicators.services.values import (
    ValueInput,
    ValuesInvalid,
    value_delete,
    value_input_from,
    values_check,
    values_delete,
    values_duplicates,
    values_resolve,
    values_save_year,
    values_stored,
    values_upsert,
    values_validate,
)
from indicators.validation import TARGET_LAST_YEAR

__all__ = [
    "KoladaSyncReport",
    "kolada_catalogue_sync",
    "kolada_sync",
    "own_indicator_from_kolada",
    "DEFINITION_FIELDS",
    "DEVELOPMENT_MAIL_BACKENDS",
    "OWN_CODE_PREFIX",
    "TARGET_LAST_YEAR",
    "VALUE_FIELDS",
    "RemindersOutcome",
    "UpsertResult",
    "ValueInput",
    "ValueKey",
    "ValuesInvalid",
    "catalogue_load",
    "mail_backend_is_real",
    "own_indicator_adopt",
    "own_indicator_create",
    "own_indicator_family",
    "own_indicator_promote",
    "own_indicator_retire",
    "reminders_send",
    "target_set",
    "value_delete",
    "value_input_from",
    "values_check",
    "values_delete",
    "values_duplicates",
    "values_resolve",
    "values_save_year",
    "values_stored",
    "values_upsert",
    "values_validate",
]
