"""The record of each import (ImportRun), for the office."""

from __future__ import annotations

from django.utils.translation import gettext as _

from indicators.importers.values import ImportReport
from indicators.models import ImportRun

# --- The record of each import -----------------------------------------------------------------


def import_run_record(
    *, report: ImportReport, user=None, door: str, fmt: str, file_name: str
) -> ImportRun:
    """Keep what an import did (or why it failed) for the office: one ImportRun row."""
    messages = [*report.errors, *(f"{_('Varning')}: {w}" for w in report.warnings)]
    messages += [
        f"{_('Hoppade över')} {count}: {reason}"
        for reason, count, _lines in report.skipped_by_reason()
    ]
    return ImportRun.objects.create(
        user=user if getattr(user, "pk", None) else None,
        door=door,
        format=fmt,
        file_name=file_name[:255],
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=len(report.skipped),
        succeeded=report.ok,
        messages=messages[:500],
    )
