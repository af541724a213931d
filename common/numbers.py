"""The one place that reads numbers as people type them and writes them as people read them,
for both apps (members may not import indicators, so this lives in the common layer).

Swedish users write decimal commas ("2,47"), spaces as thousands separators ("1 250") and
sometimes a percent sign; files from spreadsheets may bring non-breaking spaces. The reporting
form, the import resources, the bulk importer and the API filters all parse through here.

One word per idea:
- `parse_decimal`: text as typed -> Decimal (or None for empty text); NumberFormatError if not
  a number.
- `format_decimal`, `format_decimal_trimmed`: Decimal -> text for reading (grouped thousands,
  the page's language); `format_for_input`: Decimal -> text as a person would type it back
  (no grouping).
- `to_float`: Decimal -> float for JSON and charts (no text involved).
- `decimal_places`: how many decimals a value really has.

Domain-free: imports only Django's translation helpers.
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


def format_decimal_trimmed(
    value: Decimal | None, *, min_decimals: int, max_decimals: int, language: str | None = None
) -> str:
    """A number for reading with as many decimals as it needs between the two limits: with 2
    and 4, 0.3 -> "0,30", 0.125 -> "0,125", 0.10004 -> "0,10" (rounded to 4, zeros dropped)."""
    if value is None:
        return ""
    rounded = Decimal(f"{value:.{max_decimals}f}")
    decimals = min(max_decimals, max(min_decimals, decimal_places(rounded)))
    return format_decimal(rounded, decimals, language=language)


def format_for_input(
    value: Decimal | None, decimals: int | None = None, *, language: str | None = None
) -> str:
    """A stored number as a person would type it: no grouping, and a decimal comma in Swedish,
    a decimal point in English (parse_decimal reads both). All its decimals unless `decimals`."""
    if value is None:
        return ""
    if decimals is None:
        decimals = decimal_places(value)
    text = f"{value:.{decimals}f}"
    if (language or get_language() or "sv").startswith("en"):
        return text
    return text.replace(".", ",")


def to_float(value: Decimal | None) -> float | None:
    """A stored number as a float for JSON and charts; None stays None."""
    return None if value is None else float(value)
