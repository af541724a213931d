"""The one place that reads numbers as people type them.

Swedish users write decimal commas ("2,47"), spaces as thousands separators ("1 250") and
sometimes a percent sign; files from spreadsheets may bring non-breaking spaces. The reporting
form, the import resources, the bulk importer and the API filters all parse through here.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Ordinary, non-breaking, narrow non-breaking and thin spaces, and the apostrophe some
# spreadsheets use as a thousands separator.
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class NumberFormatError(ValueError):
    """Raised with a Swedish message when a text is not a number."""


def parse_decimal(text: str | int | float | Decimal | None) -> Decimal | None:
    """Read a number written the Swedish or the English way; empty text is None."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    cleaned = _GROUPING.sub("", str(text)).replace("\u2212", "-").rstrip("%")
    if cleaned == "":
        return None
    if "," in cleaned and "." in cleaned:
        raise NumberFormatError(
            _(
                "”%(text)s” är inte ett tal: skriv decimaler med komma "
                "och inga punkter som tusentalsavgränsare."
            )
            % {"text": str(text).strip()}
        )
    cleaned = cleaned.replace(",", ".")
    if not _NUMBER.match(cleaned):
        raise NumberFormatError(
            _("”%(text)s” är inte ett tal. Skriv till exempel 2,47 eller 1 250.")
            % {"text": str(text).strip()}
        )
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already rules this out
        raise NumberFormatError(_("”%(text)s” är inte ett tal.") % {"text": text}) from exc


def decimal_places(value: Decimal) -> int:
    """How many decimals a value really has ("2,50" has one)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_decimal(value: Decimal | None, decimals: int, *, language: str | None = None) -> str:
    """A number for reading, in the page's language (or `language`).

    Swedish: decimal comma and a narrow space between thousands (8 278; 2,47). English:
    decimal point and comma between thousands (8,278; 2.47). Files meant for a Swedish Excel
    ask for "sv" whatever the page's language.
    """
    if value is None:
        return ""
    quantised = f"{value:,.{decimals}f}"
    if (language or get_language() or "sv").startswith("en"):
        return quantised
    return quantised.replace(",", "\u202f").replace(".", ",")
