"""A member's own targets for a figure (national targets come with the catalogue)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators import validation
from indicators.models import Indicator, Target
from indicators.services.guards import require_write
from members.models import Municipality

# The forms that take a target beside other fields name its fields like this.
TARGET_FIELDS = {"year": "target_year", "value": "target_value"}


def target_form_errors(
    *, indicator: Indicator, year: int | None, value: Decimal | None, required: bool
) -> dict[str, list[str]]:
    """validation.target_errors, keyed by the fields of the forms that take a target."""
    errors = validation.target_errors(
        indicator=indicator, year=year, value=value, required=required
    )
    return {TARGET_FIELDS[name]: messages for name, messages in errors.items()}


def target_save(
    *, organisation: Municipality, indicator: Indicator, year: int, value: Decimal, note: str
) -> Target:
    target, _created = Target.objects.update_or_create(
        organisation=organisation,
        indicator=indicator,
        year=year,
        defaults={"value": value, "note": note.strip()},
    )
    return target


@transaction.atomic
def target_set(
    *,
    user,
    organisation: Municipality,
    indicator: Indicator,
    year: int | None,
    value: Decimal | None,
    note: str = "",
) -> Target:
    """Set the member's own target for one figure and year (a new value replaces the old)."""
    require_write(user=user, organisation=organisation)
    if indicator.is_own and indicator.owner_id != organisation.pk:
        raise PermissionDenied(_("Målet kan bara sättas av den som äger nyckeltalet."))
    errors = target_form_errors(indicator=indicator, year=year, value=value, required=True)
    if errors:
        raise ValidationError(errors)
    return target_save(
        organisation=organisation, indicator=indicator, year=year, value=value, note=note
    )
