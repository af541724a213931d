"""Fee schedules."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import FeeSchedule


@transaction.atomic
def fee_schedule_copy(*, schedule: FeeSchedule, to_year: int) -> FeeSchedule:
    """A new year's schedule with the same amounts as `schedule` (the annual meeting usually
    keeps the fee); the decision date is left for the office to fill in."""
    if FeeSchedule.objects.filter(year=to_year).exists():
        raise ValidationError(
            _("Det finns redan en avgiftsmodell för %(year)s.") % {"year": to_year}
        )
    copy = FeeSchedule(
        year=to_year,
        fixed_amount=schedule.fixed_amount,
        per_inhabitant=schedule.per_inhabitant,
        ceiling=schedule.ceiling,
    )
    copy.full_clean()
    copy.save()
    return copy
