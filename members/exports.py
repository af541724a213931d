"""The fee list as a spreadsheet (CSV or XLSX) for invoicing, built from the selector's rows."""

from decimal import Decimal

import tablib
from django.utils.translation import gettext as _

from common.numbers import format_decimal_trimmed


def fee_list_dataset(fees: dict) -> tablib.Dataset:
    """One row per member and nothing else (no total row), so an invoicing system can import
    it; whole kronor and plain integers, so any spreadsheet reads them."""
    headers = [
        _("Kod"),
        _("Organisation"),
        _("Typ"),
        _("Län"),
        _("Medlem sedan"),
        _("Utträde"),
        _("Folkmängd"),
        _("Folkmängd år"),
        _("Avgift (kr)"),
        _("Tjänsteperson"),
        _("E-post"),
    ]
    dataset = tablib.Dataset(headers=headers, title=_("Medlemsavgifter %(year)s") % fees)
    for row in fees["rows"]:
        dataset.append(
            [
                row["code"],
                row["name"],
                row["kind"],
                row["county"],
                row["joined_on"].isoformat() if row["joined_on"] else "",
                row["left_on"].isoformat() if row["left_on"] else "",
                row["inhabitants"] if row["inhabitants"] is not None else "",
                row["population_year"] or "",
                int(row["fee"]) if row["fee"] is not None else "",
                row["official_name"],
                row["official_email"],
            ]
        )
    return dataset


def format_rate(rate: Decimal) -> str:
    """A per-inhabitant rate the Swedish way with two to four decimals: 0.3 -> "0,30".

    Swedish whatever the admin's language, as the fee list's amounts are written."""
    return format_decimal_trimmed(rate, min_decimals=2, max_decimals=4, language="sv")
