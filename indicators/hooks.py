"""Explicit hooks: what other apps do when a member's values were written.

The questions app sends both contact persons one e-mail when a member's year becomes complete
(every figure it reports itself is final). `indicators` must not know that app, so it registers
a function here at start-up (`conversations.apps.ConversationsConfig.ready`), and the one write
path for values (`indicators.services.values.values_upsert`) calls `values_written` inside its
transaction. Not a signal: there is one call site, and it says so.
"""

from collections.abc import Callable

ValuesWritten = Callable[..., None]

# Filled once at start-up (AppConfig.ready), never per request: configuration, not state.
_receivers: dict[str, ValuesWritten] = {}


def on_values_written(*, name: str, receiver: ValuesWritten) -> None:
    """Register `receiver(organisation_years={(organisation_id, year), ...})` under `name`."""
    _receivers[name] = receiver


def values_written(*, organisation_years: set[tuple[int, int]]) -> None:
    """Values of member-reported figures were created or changed for these members and years.
    Call inside the writing transaction, after the values are saved."""
    if not organisation_years:
        return
    for receiver in _receivers.values():
        receiver(organisation_years=set(organisation_years))
