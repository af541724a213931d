"""The one place that checks a value against its indicator: range, decimals and year.

The model's clean(), the write service, the reporting form and the importers all call
`value_errors`, so every path gives the same answer with the same Swedish message.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.numbers import decimal_places, format_decimal
from members.models import FIRST_YEAR


def year_error(year: int, *, today: datetime.date | None = None) -> str | None:
    this_year = (today or datetime.date.today()).year
    if year < FIRST_YEAR:
        return _("Året %(year)s är för tidigt: värden kan anges från %(first)s.") % {
            "year": year,
            "first": FIRST_YEAR,
        }
    if year > this_year:
        return _("Året %(year)s har inte börjat än.") % {"year": year}
    return None


def value_errors(*, indicator, year: int, value: Decimal) -> dict[str, list[str]]:
    """Return {field: [messages]} for everything wrong with `value`; empty when it is valid."""
    errors: dict[str, list[str]] = {}
    label = indicator.label
    message = year_error(year)
    if message:
        errors["year"] = [f"{label}: {message}"]

    unit = indicator.unit
    low, high = indicator.min_value, indicator.max_value
    decimals = indicator.decimals
    problems = []
    if low is not None and value < low:
        if low == 0:
            problems.append(
                _("%(label)s: värdet kan inte vara negativt (%(value)s %(unit)s).")
                % {
                    "label": label,
                    "value": format_decimal(value, decimal_places(value)),
                    "unit": unit,
                }
            )
        else:
            problems.append(
                _("%(label)s: värdet %(value)s är lägre än det lägsta tillåtna, %(low)s %(unit)s.")
                % {
                    "label": label,
                    "value": format_decimal(value, decimal_places(value)),
                    "low": format_decimal(low, decimal_places(low)),
                    "unit": unit,
                }
            )
    if high is not None and value > high:
        problems.append(
            _("%(label)s: värdet %(value)s är högre än det högsta tillåtna, %(high)s %(unit)s.")
            % {
                "label": label,
                "value": format_decimal(value, decimal_places(value)),
                "high": format_decimal(high, decimal_places(high)),
                "unit": unit,
            }
        )
    if decimal_places(value) > decimals:
        problems.append(
            ngettext(
                "%(label)s: ange högst %(decimals)s decimal.",
                "%(label)s: ange högst %(decimals)s decimaler.",
                decimals,
            )
            % {"label": label, "decimals": decimals}
            if decimals
            else _("%(label)s: ange ett heltal, utan decimaler.") % {"label": label}
        )
    if problems:
        errors["value"] = problems
    return errors
