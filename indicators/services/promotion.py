"""Staff make an own figure (and every adoption of it) a figure of the common catalogue."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator, IndicatorValue, Revision, Target
from indicators.services.figures import figures_indicators_rebuild
from indicators.services.own_indicators import own_indicator_family
from members import access
from members.models import FIRST_YEAR
from members.services import site_data_changed


def _move_values(*, source_ids: list[int], target: Indicator, user, reason: str) -> int:
    """Re-point values (and their history) to `target`, unchanged; record the move."""
    moved = list(IndicatorValue.objects.filter(indicator_id__in=source_ids))
    if not moved:
        return 0
    IndicatorValue.history.filter(indicator_id__in=source_ids).update(indicator_id=target.pk)
    IndicatorValue.objects.filter(indicator_id__in=source_ids).update(indicator=target)
    for value in moved:
        value.indicator = target
    IndicatorValue.history.bulk_history_create(
        moved, update=True, default_user=user, default_change_reason=reason
    )
    return len(moved)


def _move_targets(*, source_ids: list[int], target: Indicator) -> int:
    return Target.objects.filter(indicator_id__in=source_ids).update(indicator=target)


@transaction.atomic
def own_indicator_promote(
    *, user, indicator: Indicator, code: str, reported_from: int | None, name: str = ""
) -> Indicator:
    """Staff: make an own figure (and every adoption of it) a figure of the common catalogue.

    The figure it started from becomes an indicator of the current revision with `code`; every
    adopter's values, history and targets move to it unchanged and the adopters' copies go.
    Members must report it from `reported_from` on: no reporting duty is created backwards
    (the completeness overview, the year form and the reminders respect it). One transaction:
    all of it happens, or nothing does.
    """
    code = code.strip()
    revision = _promotion_checked(
        user=user, indicator=indicator, code=code, reported_from=reported_from
    )
    family = own_indicator_family(indicator=indicator)
    adoptions = family[1:]
    # A fresh copy: the caller's object stays as it was if anything below fails.
    root = Indicator.objects.get(pk=family[0].pk)
    owners = [member.owner_id for member in family]
    if len(set(owners)) != len(owners):
        raise ValidationError(_("En organisation har nyckeltalet två gånger; rätta det först."))
    adoption_ids = [member.pk for member in adoptions]
    last_position = (
        Indicator.objects.filter(revision=revision).aggregate(last=Max("display_order"))["last"]
        or 0
    )

    root.owner = None
    root.revision = revision
    root.code = code
    root.display_order = last_position + 1
    root.adopted_from = None
    root.retired_on = None
    root.reported_from = reported_from
    if name.strip():
        root.name = name.strip()
    root.full_clean()
    # The adopters' copies point at each other; unlink them before anything moves.
    Indicator.objects.filter(pk__in=adoption_ids).update(adopted_from=None)
    root.save()
    reason = _("Flyttat när nyckeltalet blev gemensamt (%(code)s)") % {"code": code}
    _move_values(source_ids=adoption_ids, target=root, user=user, reason=reason)
    _move_targets(source_ids=adoption_ids, target=root)
    Indicator.objects.filter(pk__in=adoption_ids).delete()
    # Its values now count in the catalogue's averages and examples.
    figures_indicators_rebuild(indicator_ids=[root.pk])
    site_data_changed()
    return root


def _promotion_checked(*, user, indicator: Indicator, code: str, reported_from: int | None):
    """The current revision, once the promotion may happen; raises otherwise."""
    if not access.acts_as_office(user=user):
        raise PermissionDenied(_("Bara kansliet kan göra ett nyckeltal gemensamt."))
    if not indicator.is_own:
        raise ValidationError(_("Nyckeltalet hör redan till katalogen."))
    revision = Revision.objects.current()
    if not code:
        raise ValidationError({"code": _("Ange en kod i katalogen, t.ex. GN.12.")})
    next_year = timezone.localdate().year + 1
    if reported_from is None or not FIRST_YEAR <= reported_from <= next_year:
        raise ValidationError(
            {
                "reported_from": _(
                    "Ange från vilket år medlemmarna ska rapportera nyckeltalet "
                    "(%(first)s–%(last)s)."
                )
                % {"first": FIRST_YEAR, "last": next_year}
            }
        )
    if Indicator.objects.filter(revision=revision, code__iexact=code).exists():
        raise ValidationError(
            {
                "code": _("Koden %(code)s finns redan i revisionen %(revision)s.")
                % {"code": code, "revision": revision.code}
            }
        )
    return revision
