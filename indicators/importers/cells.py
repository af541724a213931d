"""Reading one cell of a file: column names, text, years, statuses and numbers."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from common.numbers import NumberFormatError, parse_decimal
from indicators.models import IndicatorValue


class RowProblem(ValueError):
    """A cell that cannot be read; the message is Swedish and names what was written."""


# --- Column names ----------------------------------------------------------------------------

# Canonical column -> the headers people and other tools use for it. The admin's export writes
# the first name of each, so an exported file reads back unchanged.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation_code": ("kommunkod", "kod", "organisationskod", "länskod", "municipality_code"),
    "organisation_name": ("kommun", "organisation", "kommunnamn", "region", "municipality"),
    "indicator": ("nyckeltal", "nyckeltalskod", "indikator", "indicator", "kpi"),
    "revision": ("revision",),
    "year": ("år", "ar", "year", "period"),
    "value": ("värde", "varde", "value"),
    "status": ("status",),
    "source": ("källa", "källa för värdet", "kalla", "source", "source_note"),
    "comment": ("kommentar", "comment"),
    "numerator": ("täljare", "taljare", "numerator"),
    "denominator": ("nämnare", "namnare", "denominator"),
}
_ALIASES = {alias: canonical for canonical, names in COLUMNS.items() for alias in names}


def header_key(text: Any) -> str:
    """A header as written ("  Kommunkod\ufeff ", "Värde") -> its comparable form."""
    cleaned = unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "")
    return " ".join(cleaned.split()).casefold().rstrip(":")


def canonical_column(header: Any) -> str | None:
    return _ALIASES.get(header_key(header))


def name_key(text: str) -> str:
    """Names compare without case, accents in decomposed form or extra spaces."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


# --- Reading cells ---------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\ufeff", "").split())


_YEAR = re.compile(r"^(\d{4})(-\d{2}(-\d{2})?)?$")


def parse_year(value: Any) -> int:
    if isinstance(value, datetime.date):
        return value.year
    text = cell_text(value)
    match = _YEAR.match(text)
    if not match:
        if not text:
            raise RowProblem(_("Året saknas."))
        raise RowProblem(_("”%(text)s” är inget årtal.") % {"text": text})
    return int(match.group(1))


STATUS_WORDS = {
    "": IndicatorValue.Status.FINAL,
    "slutligt": IndicatorValue.Status.FINAL,
    "slutlig": IndicatorValue.Status.FINAL,
    "final": IndicatorValue.Status.FINAL,
    "preliminärt": IndicatorValue.Status.PRELIMINARY,
    "preliminär": IndicatorValue.Status.PRELIMINARY,
    "prel": IndicatorValue.Status.PRELIMINARY,
    "prel.": IndicatorValue.Status.PRELIMINARY,
    "preliminary": IndicatorValue.Status.PRELIMINARY,
}


def parse_status(value: Any) -> str:
    text = name_key(cell_text(value))
    try:
        return STATUS_WORDS[text]
    except KeyError:
        raise RowProblem(
            _("Okänd status ”%(text)s”: skriv slutligt eller preliminärt.")
            % {"text": cell_text(value)}
        ) from None


def parse_value(value: Any) -> Decimal | None:
    try:
        return parse_decimal(value.strip() if isinstance(value, str) else value)
    except NumberFormatError as exc:
        raise RowProblem(str(exc)) from None
