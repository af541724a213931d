"""Swedish alphabetical order (a–z, then å, ä, ö), the same on PostgreSQL and SQLite.

PostgreSQL sorts with the ICU collation `SWEDISH`, created by members/migrations/0006; SQLite
gets a collation of the same name at each connection (see `register_sqlite_collation`), backed
by `swedish_key`, the one Python sort key, which is also what sorts plain lists in Python. So
`swedish("name")` in an `order_by` and `sorted(rows, key=...swedish_key)` agree everywhere:
member lists, search, tables, selection lists and downloads.
"""

import functools
import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

SWEDISH = "ekokommun_sv"

# Primary order: spaces and punctuation, digits, a–z, then å, ä, ö (as ICU's Swedish rules).
# Letters Swedish treats as variants sort with their base: é as e, ü as y, æ as ä, ø as ö.
_LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"
_SWEDISH_VARIANTS = {"ü": "y", "æ": "ä", "ø": "ö", "œ": "ö", "ð": "d", "đ": "d"}
_KEEP = set("åäö")


def _primary(char: str) -> tuple[int, int]:
    if char in _SWEDISH_VARIANTS:
        char = _SWEDISH_VARIANTS[char]
    elif char not in _KEEP:
        char = unicodedata.normalize("NFD", char)[0]  # é -> e, ç -> c
    if char in _LETTERS:
        return (3, _LETTERS.index(char))
    if char.isdigit():
        return (2, int(char) if char.isascii() else ord(char))
    if char.isalpha():
        return (4, ord(char))  # letters outside the Swedish alphabet, after ö
    return (1, ord(char))  # spaces, hyphens and other punctuation first


@functools.lru_cache(maxsize=4096)
def swedish_key(text: str | None) -> tuple:
    """Sort key for Swedish order: letters first (case and accents ignored), then accents,
    then case (lower before upper, as ICU), then the text itself for a total order."""
    text = text or ""
    folded = text.casefold()
    return (
        tuple(_primary(char) for char in folded),
        unicodedata.normalize("NFD", folded),
        tuple(char.isupper() for char in text),
        text,
    )


def swedish(field: str) -> Collate:
    """An `order_by` expression: `field` in Swedish order (`swedish("organisation__name")`)."""
    return Collate(F(field), SWEDISH)


def sorted_swedish(items, *, key=lambda item: item["name"]) -> list:
    """`items` in Swedish order of `key` (by default the "name" of each dict)."""
    return sorted(items, key=lambda item: swedish_key(key(item)))


def _compare(left: str | None, right: str | None) -> int:
    a, b = swedish_key(left), swedish_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite the same collation name as PostgreSQL."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SWEDISH, _compare)
