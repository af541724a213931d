"""Own key figures (egna nyckeltal): define, adopt from another member, retire.

A member's own figures are Indicators with an `owner` and no revision: they take values,
history, targets, charts and verdicts through the same code as the common figures, and the
common figures' queries leave them out (IndicatorQuerySet.common()).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.services.guards import require_write
from indicators.services.kolada_sync import kolada_sync
from indicators.services.targets import target_form_errors, target_save
from members.models import Municipality

OWN_CODE_PREFIX = "E."
# Fields an adoption copies: the whole definition, so values mean the same at every adopter.
DEFINITION_FIELDS = (
    "name",
    "description",
    "unit",
    "direction",
    "decimals",
    "min_value",
    "max_value",
    "source",
    "kolada_kpi",
)


def _next_own_position(*, organisation: Municipality) -> int:
    """The next free number in the member's list (E.1, E.2, ...), retired ones included.

    The member's row is locked first, so two figures defined at once never get the same code.
    """
    Municipality.objects.select_for_update().filter(pk=organisation.pk).first()
    numbers = Indicator.objects.filter(owner=organisation).values_list("display_order", flat=True)
    return max(numbers, default=0) + 1


def _own_indicator_new(*, organisation: Municipality, **fields) -> Indicator:
    """An unsaved own key figure of the member's, numbered next in its list, reported by it."""
    position = _next_own_position(organisation=organisation)
    return Indicator(
        owner=organisation,
        revision=None,
        code=f"{OWN_CODE_PREFIX}{position}",
        display_order=position,
        reported_by=Indicator.ReportedBy.MEMBER,
        **fields,
    )


def _name_taken(*, organisation: Municipality, name: str) -> Indicator | None:
    # Compared in Python: SQLite's lower() and LIKE only fold ASCII (Å, Ä, Ö stay upper).
    wanted = name.strip().casefold()
    return next(
        (i for i in Indicator.objects.filter(owner=organisation) if i.name.casefold() == wanted),
        None,
    )


def _name_taken_error(*, organisation: Municipality, name: str) -> ValidationError:
    return ValidationError(
        {
            "name": _(
                "%(member)s har redan ett eget nyckeltal som heter ”%(name)s”. Välj ett annat "
                "namn, eller rapportera i det som finns."
            )
            % {"member": organisation.name, "name": name.strip()}
        }
    )


@transaction.atomic
def own_indicator_create(
    *,
    user,
    organisation: Municipality,
    name: str,
    unit: str,
    direction: str,
    decimals: int,
    description: str = "",
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    source: str = "",
    kolada_kpi: str = "",
    target_year: int | None = None,
    target_value: Decimal | None = None,
    target_note: str = "",
) -> Indicator:
    """Define a key figure of the member's own, optionally with the member's target.

    Checked like a catalogue indicator (the model's rules and constraints); a name the member
    already uses is refused. Raises ValidationError with messages per field, writing nothing.
    """
    require_write(user=user, organisation=organisation)
    if _name_taken(organisation=organisation, name=name):
        raise _name_taken_error(organisation=organisation, name=name)
    indicator = _own_indicator_new(
        organisation=organisation,
        name=name.strip(),
        description=description.strip(),
        unit=unit.strip(),
        direction=direction,
        decimals=decimals,
        min_value=min_value,
        max_value=max_value,
        source=source.strip(),
        kolada_kpi=kolada_kpi.strip().upper(),
    )
    errors: dict[str, list[str]] = {}
    try:
        indicator.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    errors |= target_form_errors(
        indicator=indicator, year=target_year, value=target_value, required=False
    )
    if errors:
        raise ValidationError(errors)
    indicator.save()
    if target_year is not None:
        target_save(
            organisation=organisation,
            indicator=indicator,
            year=target_year,
            value=target_value,
            note=target_note,
        )
    return indicator


def own_indicator_family(*, indicator: Indicator) -> list[Indicator]:
    """The figure it all started from and every adoption of it, adoptions of adoptions too."""
    root = indicator
    seen = {root.pk}
    while root.adopted_from_id and root.adopted_from_id not in seen:
        root = Indicator.objects.select_related("owner").get(pk=root.adopted_from_id)
        seen.add(root.pk)
    children: dict[int, list[Indicator]] = {}
    adoptions = Indicator.objects.own().filter(adopted_from__isnull=False).select_related("owner")
    for candidate in adoptions:
        children.setdefault(candidate.adopted_from_id, []).append(candidate)
    family, queue = [root], [root]
    while queue:
        for child in children.get(queue.pop().pk, []):
            if child not in family:
                family.append(child)
                queue.append(child)
    return family


@transaction.atomic
def own_indicator_adopt(*, user, indicator: Indicator, organisation: Municipality) -> Indicator:
    """Copy another member's own figure to `organisation`'s list, linked to where it came from.

    The copy starts without values or targets: the adopter reports its own.
    """
    require_write(user=user, organisation=organisation)
    if not indicator.is_own:
        raise ValidationError(_("Bara egna nyckeltal kan användas av fler; det här är gemensamt."))
    if indicator.is_retired:
        raise ValidationError(
            _("%(label)s är avslutat och kan inte användas av fler.") % {"label": indicator.label}
        )
    if indicator.owner_id == organisation.pk:
        raise ValidationError(_("Nyckeltalet är redan ert eget."))
    already = next(
        (
            member
            for member in own_indicator_family(indicator=indicator)
            if member.owner_id == organisation.pk
        ),
        None,
    )
    if already is not None:
        raise ValidationError(
            _("%(member)s följer redan det här nyckeltalet som %(label)s.")
            % {"member": organisation.name, "label": already.label}
        )
    if _name_taken(organisation=organisation, name=indicator.name):
        raise _name_taken_error(organisation=organisation, name=indicator.name)
    copy = _own_indicator_new(
        organisation=organisation,
        adopted_from=indicator,
        **{name: getattr(indicator, name) for name in DEFINITION_FIELDS},
    )
    copy.full_clean()
    copy.save()
    return copy


@transaction.atomic
def own_indicator_retire(*, user, indicator: Indicator, on=None) -> Indicator:
    """Stop reporting an own figure: it leaves the form; its values and history stay."""
    if not indicator.is_own:
        raise ValidationError(_("Bara egna nyckeltal kan avslutas här."))
    require_write(user=user, organisation=indicator.owner)
    if indicator.retired_on is None:
        indicator.retired_on = on or datetime.date.today()
        indicator.save(update_fields=["retired_on"])
    return indicator


def _unit_from_title(title: str) -> str:
    """Kolada has no unit field; its titles end with the unit after a comma ("..., kg/inv")."""
    head, comma, tail = title.rpartition(",")
    unit = tail.strip() if comma else ""
    return unit[:50] if unit and len(unit) <= 50 else _("värde")


def own_indicator_from_kolada(*, user, organisation: Municipality, kpi) -> Indicator:
    """Adopt a KPI of Kolada's catalogue (a KoladaKpi) as the member's own figure, then fill
    its values for every year Kolada has (the weekly sync keeps them current).

    The figure is saved first, in its own transaction; if Kolada does not answer now, the
    figure stays and the next sync fills it. Raises ValidationError as own_indicator_create.
    """
    indicator = own_indicator_create(
        user=user,
        organisation=organisation,
        name=kpi.title[:200],
        description=kpi.description,
        unit=_unit_from_title(kpi.title),
        direction=Indicator.Direction.HIGHER,
        decimals=2,
        source="Kolada (RKA)",
        kolada_kpi=kpi.id,
    )
    kolada_sync(indicator_ids=[indicator.pk], user=user)
    return indicator
