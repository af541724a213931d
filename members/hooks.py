"""Explicit hooks: what other apps keep in step with the set of current members.

`members` never imports `indicators`, yet the figures indicators maintains (SEKOM and county
averages, latest values) depend on who is a current member. So an app registers a function
here at start-up (`indicators.apps.IndicatorsConfig.ready`), and the membership services call
`current_members_changed` inside their own transaction, after the status changed. Not a
signal: the call sites are the few services that change membership, and they say so.
"""

from collections.abc import Callable, Iterable

MembersChanged = Callable[..., None]

# Filled once at start-up (AppConfig.ready), never per request: configuration, not state.
_receivers: dict[str, MembersChanged] = {}


def on_current_members_changed(*, name: str, receiver: MembersChanged) -> None:
    """Register `receiver(joined=[ids], left=[ids])` under `name` (again: replaced)."""
    _receivers[name] = receiver


def current_members_changed(*, joined: Iterable[int] = (), left: Iterable[int] = ()) -> None:
    """Organisations became current members (`joined`) or stopped being ones (`left`).

    Call inside the transaction that changed the membership, after the change is saved.
    """
    joined, left = list(joined), list(left)
    if not (joined or left):
        return
    for receiver in _receivers.values():
        receiver(joined=joined, left=left)


# Receivers of similar_organisations_changed(): called with no arguments.
_similar_receivers: dict[str, Callable[[], None]] = {}


def on_similar_organisations_changed(*, name: str, receiver: Callable[[], None]) -> None:
    """Register `receiver()` under `name`: the averages over similar organisations follow."""
    _similar_receivers[name] = receiver


def similar_organisations_changed() -> None:
    """The similar sets were rebuilt (members.services.similar), inside that transaction."""
    for receiver in _similar_receivers.values():
        receiver()
