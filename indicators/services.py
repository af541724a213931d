"""Writes for the key figures: the catalogue and the one write path for values."""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from indicators.models import Indicator, IndicatorValue, Revision, StatusBand, Target
from indicators.selectors import can_write
from indicators.validation import value_errors, year_error
from members.models import Municipality
from members.services import site_data_changed


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@transaction.atomic
def catalogue_load(*, path: Path) -> dict[str, int]:
    """Load the indicator catalogue (all revisions) from JSON; safe to run again."""
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = {"revisions": 0, "indicators": 0, "bands": 0, "targets": 0}
    by_revision: dict[str, dict[str, Indicator]] = {}
    # Current revision last, so that the partial unique constraint never sees two.
    Revision.objects.filter(is_current=True).exclude(
        code__in=[r["code"] for r in data["revisions"] if r["is_current"]]
    ).update(is_current=False)
    for rev in data["revisions"]:
        revision, _ = Revision.objects.update_or_create(
            code=rev["code"],
            defaults={
                "name": rev["name"],
                "adopted_on": rev.get("adopted_on"),
                "is_current": rev["is_current"],
            },
        )
        counts["revisions"] += 1
        indicators = by_revision.setdefault(revision.code, {})
        for item in rev["indicators"]:
            indicator, _ = Indicator.objects.update_or_create(
                revision=revision,
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "name_en": item["name_en"],
                    "description": item.get("description", ""),
                    "unit": item["unit"],
                    "direction": item["direction"],
                    "decimals": item["decimals"],
                    "min_value": _decimal(item.get("min_value")),
                    "max_value": _decimal(item.get("max_value")),
                    "source": item["source"],
                    "reported_by": item["reported_by"],
                    "display_order": item["display_order"],
                    "numerator_label": item.get("numerator_label", ""),
                    "denominator_label": item.get("denominator_label", ""),
                    "input_scale": Decimal(item.get("input_scale", "1")),
                },
            )
            indicators[indicator.code] = indicator
            counts["indicators"] += 1
            indicator.bands.all().delete()
            StatusBand.objects.bulk_create(
                StatusBand(
                    indicator=indicator,
                    order=band["order"],
                    label=band["label"],
                    lower=_decimal(band["lower"]),
                    upper=_decimal(band["upper"]),
                )
                for band in item.get("bands", [])
            )
            counts["bands"] += len(item.get("bands", []))
            for target in item.get("targets", []):
                Target.objects.update_or_create(
                    organisation=None,
                    indicator=indicator,
                    year=target["year"],
                    defaults={"value": Decimal(target["value"]), "note": target.get("note", "")},
                )
                counts["targets"] += 1

    # Links need every indicator in place first.
    revisions = data["revisions"]
    for position, rev in enumerate(revisions):
        indicators = by_revision[rev["code"]]
        earlier = by_revision[revisions[position - 1]["code"]] if position else {}
        for item in rev["indicators"]:
            indicator = indicators[item["code"]]
            indicator.parent = indicators.get(item["parent"]) if item.get("parent") else None
            indicator.continues = earlier.get(item["continues"]) if item.get("continues") else None
            indicator.save(update_fields=["parent", "continues"])
    return counts


@dataclass(frozen=True)
class ValueInput:
    """One value to write, as every write path (form, admin import, bulk import) hands it in."""

    organisation_id: int
    indicator: Indicator
    year: int
    value: Decimal
    status: str = IndicatorValue.Status.FINAL
    source_note: str = ""
    comment: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def values_validate(*, rows: list[ValueInput]) -> dict[int, dict[str, list[str]]]:
    """Check every row against its indicator; {row index: {field: [messages]}}."""
    problems = {}
    for index, row in enumerate(rows):
        errors = value_errors(indicator=row.indicator, year=row.year, value=row.value)
        if errors:
            problems[index] = errors
    return problems


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    values: list[IndicatorValue] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


VALUE_FIELDS = ("value", "status", "source_note", "comment", "numerator", "denominator")


@transaction.atomic
def values_upsert(
    *, rows: list[ValueInput], user=None, change_reason: str = "", batch_size: int = 5000
) -> UpsertResult:
    """Create or update values, all or nothing, and record every change in the history.

    This is the one write path for values: the reporting form, the admin and the importers all
    end here. It writes in bulk, so a form's dozen rows and an import's hundred thousand take the
    same route. Raises ValidationError (and writes nothing) when any row breaks its indicator's
    rules or the same value appears twice.
    """
    problems = values_validate(rows=rows)
    if problems:
        raise ValidationError(
            [message for errors in problems.values() for ms in errors.values() for message in ms]
        )
    keys = [(r.organisation_id, r.indicator.pk, r.year) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Samma organisation, nyckeltal och år förekommer flera gånger."))

    existing = {
        (v.organisation_id, v.indicator_id, v.year): v
        for v in IndicatorValue.objects.select_for_update().filter(
            organisation_id__in={r.organisation_id for r in rows},
            indicator_id__in={r.indicator.pk for r in rows},
            year__in={r.year for r in rows},
        )
    }
    result = UpsertResult()
    created, updated = [], []
    for row, key in zip(rows, keys, strict=True):
        current = existing.get(key)
        if current is not None and all(
            getattr(current, name) == getattr(row, name) for name in VALUE_FIELDS
        ):
            result.unchanged += 1
            result.values.append(current)
            continue
        value = IndicatorValue(
            pk=current.pk if current else None,
            organisation_id=row.organisation_id,
            indicator=row.indicator,
            year=row.year,
            entered_by=user,
            **{name: getattr(row, name) for name in VALUE_FIELDS},
        )
        (updated if current else created).append(value)
        result.values.append(value)

    if created:
        IndicatorValue.objects.bulk_create(created, batch_size=batch_size)
    if updated:
        # INSERT ... ON CONFLICT DO UPDATE: one statement per batch, unlike bulk_update's CASEs.
        IndicatorValue.objects.bulk_create(
            updated,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["organisation", "indicator", "year"],
            update_fields=[*VALUE_FIELDS, "entered_by", "entered_at"],
        )
    history = IndicatorValue.history
    for objs, is_update in ((created, False), (updated, True)):
        if objs:
            history.bulk_history_create(
                objs,
                update=is_update,
                default_user=user,
                default_change_reason=change_reason,
                batch_size=batch_size,
            )
    result.created, result.updated = len(created), len(updated)
    if created or updated:
        site_data_changed()
    return result


# --- Reporting -------------------------------------------------------------------------------


@transaction.atomic
def values_save_year(
    *, user, organisation: Municipality, year: int, rows: list[ValueInput]
) -> UpsertResult:
    """Save one member's reporting page for one year, all or nothing.

    Only a user who may write the organisation's figures gets here (PermissionDenied
    otherwise), and only figures the member reports itself, for that member and that year.
    """
    if not can_write(user=user, organisation=organisation):
        raise PermissionDenied(_("Du får inte ändra den här organisationens värden."))
    problem = year_error(year)
    if problem:
        raise ValidationError(problem)
    for row in rows:
        if row.organisation_id != organisation.pk or row.year != year:
            raise PermissionDenied(_("Ett värde hör inte till den här sidan."))
        if row.indicator.reported_by != Indicator.ReportedBy.MEMBER:
            raise PermissionDenied(
                _("%(code)s hämtas av kansliet och kan inte ändras här.")
                % {"code": row.indicator.code}
            )
    return values_upsert(rows=rows, user=user, change_reason=_("Rapporterat i formuläret"))


@transaction.atomic
def value_delete(*, value: IndicatorValue, user) -> None:
    """Delete a value: staff only. The history keeps it, with who deleted it."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied(_("Bara kansliet kan ta bort värden."))
    value._history_user = user
    value.delete()


def reminders_send(*, reminders: list[dict], year: int) -> int:
    """E-mail each member's reporters the figures still missing for `year`; the count sent.

    One message per member, to all its recipients, so they see who else was asked.
    """
    messages = []
    for reminder in reminders:
        addresses = [r["email"] for r in reminder["recipients"] if r["email"]]
        if not addresses:
            continue
        body = render_to_string(
            "indicators/reporting/reminder_email.txt",
            {
                "reminder": reminder,
                "year": year,
                "url": f"{settings.SITE_URL}{reverse('reporting_year', args=[year])}"
                f"?org={reminder['code']}",
            },
        )
        messages.append(
            EmailMessage(
                subject=_("Gröna nyckeltal %(year)s: %(count)s värden saknas för %(name)s")
                % {"year": year, "count": len(reminder["missing"]), "name": reminder["name"]},
                body=body,
                to=addresses,
            )
        )
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return len(messages)
