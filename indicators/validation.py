"""The one place that checks a value against its indicator: range, decimals and year.

The model's clean(), the write service, the reporting form and the importers all call
`value_errors`, so every path gives the same answer with the same Swedish message.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.numbers import decimal_places, format_decimal
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


# --- A share entered as its two numbers ------------------------------------------------------


def share_of(*, indicator, numerator: Decimal, denominator: Decimal) -> Decimal:
    """The value two numbers give: numerator / denominator × scale, to the figure's decimals."""
    step = Decimal(1).scaleb(-indicator.decimals)
    return (numerator / denominator * indicator.input_scale).quantize(step, rounding=ROUND_HALF_UP)


def share_agrees(*, indicator, value: Decimal, computed: Decimal) -> bool:
    """A typed value agrees with the numbers when it is their share, give or take the last
    decimal (the form fills in the share as the reporter types, and people round)."""
    return abs(value - computed) <= Decimal(1).scaleb(-indicator.decimals)


def share_errors(
    *, indicator, value: Decimal | None, numerator: Decimal | None, denominator: Decimal | None
) -> dict[str, list[str]]:
    """{field: [messages]} for a value given with (or as) its two numbers; empty when fine.

    The rule, the same on every path (form, admin import, `import_values`): both numbers or
    neither; the denominator above zero; a value given beside them must be their share. The
    write service then stores the share of the numbers as the value.
    """
    if numerator is None and denominator is None:
        return {}
    label = indicator.label
    if not indicator.has_inputs:
        return {
            "numerator": [
                _("%(label)s räknas inte fram ur täljare och nämnare; ange bara värdet.")
                % {"label": label}
            ]
        }
    if numerator is None or denominator is None:
        return {
            "denominator" if denominator is None else "numerator": [
                _("%(label)s: ange både %(numerator)s och %(denominator)s, eller ingen av dem.")
                % {
                    "label": label,
                    "numerator": indicator.numerator_label.lower(),
                    "denominator": indicator.denominator_label.lower(),
                }
            ]
        }
    if denominator <= 0:
        return {
            "denominator": [
                _("%(label)s: %(denominator)s måste vara större än noll.")
                % {"label": label, "denominator": indicator.denominator_label.lower()}
            ]
        }
    computed = share_of(indicator=indicator, numerator=numerator, denominator=denominator)
    if value is not None and not share_agrees(indicator=indicator, value=value, computed=computed):
        return {
            "value": [
                _(
                    "%(label)s: värdet %(value)s stämmer inte med talen nedan, som ger "
                    "%(computed)s. Rätta talen, eller töm dem för att ange värdet direkt."
                )
                % {
                    "label": label,
                    "value": format_decimal(value, decimal_places(value)),
                    "computed": format_decimal(computed, indicator.decimals),
                }
            ]
        }
    return {}
