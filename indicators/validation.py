"""The one place for every rule about a value or a target: year, range, decimals, a share
given as two numbers, whose figure it is.

The write services (values_upsert, target_set, own_indicator_create) call `value_row_errors`
and `target_errors`; the models' clean() (the admin, TargetAdmin included), the reporting form
and the importers call the same functions, so every path gives the same answer with the same
Swedish message.
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
    message = year_error(year)
    if message:
        errors["year"] = [f"{indicator.label}: {message}"]

    low, high = indicator.min_value, indicator.max_value
    decimals = indicator.decimals
    places = decimal_places(value)
    if (low is None or value >= low) and (high is None or value <= high) and places <= decimals:
        # The common case, an import's 150 000 valid rows: no message to word.
        return errors
    label = indicator.label
    unit = indicator.unit
    problems = []
    # What the bounds' messages say: the value as written, its label and unit.
    said = {"label": label, "value": format_decimal(value, places), "unit": unit}
    if low is not None and value < low:
        if low == 0:
            problems.append(
                _("%(label)s: värdet kan inte vara negativt (%(value)s %(unit)s).") % said
            )
        else:
            problems.append(
                _("%(label)s: värdet %(value)s är lägre än det lägsta tillåtna, %(low)s %(unit)s.")
                % {**said, "low": format_decimal(low, decimal_places(low))}
            )
    if high is not None and value > high:
        problems.append(
            _("%(label)s: värdet %(value)s är högre än det högsta tillåtna, %(high)s %(unit)s.")
            % {**said, "high": format_decimal(high, decimal_places(high))}
        )
    if places > decimals:
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


def share_value(
    *, indicator, value: Decimal | None, numerator: Decimal | None, denominator: Decimal | None
) -> Decimal | None:
    """The value stored for a row: the share of its two numbers when both are given (and the
    typed value, if any, agrees with it), otherwise the value as given."""
    if (
        indicator.has_inputs
        and numerator is not None
        and denominator is not None
        and denominator > 0
    ):
        computed = share_of(indicator=indicator, numerator=numerator, denominator=denominator)
        if value is None or share_agrees(indicator=indicator, value=value, computed=computed):
            return computed
    return value


# --- A whole row: what every write path checks ------------------------------------------------


def value_row_errors(
    *,
    indicator,
    organisation_id: int | None,
    year: int,
    value: Decimal | None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
) -> dict[str, list[str]]:
    """{field: [messages]} for one value as it would be stored; empty when it is valid.

    The share rule first (its numbers decide the value), then a value must exist, then the
    value's own rules (`value_errors`), and an own figure takes only its owner's values.
    """
    errors = share_errors(
        indicator=indicator, value=value, numerator=numerator, denominator=denominator
    )
    if not errors:
        value = share_value(
            indicator=indicator, value=value, numerator=numerator, denominator=denominator
        )
        if value is None:
            errors = {"value": [_("%(label)s: värdet saknas.") % {"label": indicator.label}]}
        else:
            errors = value_errors(indicator=indicator, year=year, value=value)
    owner_id = indicator.owner_id
    if owner_id is not None and organisation_id is not None and owner_id != organisation_id:
        # An own figure holds only its owner's values (adopters have their own copy).
        errors.setdefault("indicator", []).append(
            _("%(label)s är ett eget nyckeltal för en annan organisation.")
            % {"label": indicator.label}
        )
    return errors


def stored_value_errors(*, row) -> dict[str, list[str]]:
    """value_row_errors for a row that carries a value's fields by name: a stored IndicatorValue
    or the write service's ValueInput."""
    return value_row_errors(
        indicator=row.indicator,
        organisation_id=row.organisation_id,
        year=row.year,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
    )


# --- Targets ----------------------------------------------------------------------------------

TARGET_LAST_YEAR = 2100


def target_errors(
    *, indicator, year: int | None, value: Decimal | None, required: bool = True
) -> dict[str, list[str]]:
    """{"year" / "value": [messages]} for a target; empty when it is valid.

    A target is checked like a value (range, decimals), but its year may lie ahead, up to
    TARGET_LAST_YEAR. With `required` False, giving neither year nor value is fine (no target).
    """
    errors: dict[str, list[str]] = {}
    if year is None and value is None:
        return {"value": [_("Ange målår och målvärde.")]} if required else errors
    if year is None:
        errors["year"] = [_("Ange vilket år målet gäller.")]
    elif not FIRST_YEAR <= year <= TARGET_LAST_YEAR:
        errors["year"] = [
            _("Målåret ska vara mellan %(first)s och %(last)s.")
            % {"first": FIRST_YEAR, "last": TARGET_LAST_YEAR}
        ]
    if value is None:
        errors["value"] = [_("Ange målvärdet.")]
    else:
        # The value rules are the ones every value meets; only the year rule differs.
        messages = value_errors(indicator=indicator, year=FIRST_YEAR, value=value).get("value")
        if messages:
            errors["value"] = messages
    return errors
