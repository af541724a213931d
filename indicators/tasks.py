"""Scheduled jobs of the key figures (celery beat, settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from indicators.selectors import reporting_reminders
from indicators.services import reminders_send

# The lock is held at most this long (a sync that died leaves it to expire).
KOLADA_LOCK_SECONDS = 6 * 3600
KOLADA_LOCK_KEY = "tasks:kolada_sync:running"


@shared_task(name="indicators.tasks.kolada_sync")
def kolada_sync() -> bool:
    """Fetch the national figures from Kolada (weekly): `manage.py kolada_sync`.

    One run at a time across all workers (a lock in the shared cache): a second beat or a
    redelivered task finds the lock and returns False instead of fetching everything twice.
    """
    if not cache.add(KOLADA_LOCK_KEY, timezone.now().isoformat(), KOLADA_LOCK_SECONDS):
        return False
    try:
        call_command("kolada_sync", "--catalogue")
    finally:
        cache.delete(KOLADA_LOCK_KEY)
    return True


@shared_task(name="indicators.tasks.remind_reporters")
def remind_reporters() -> dict:
    """Remind reporters of last year's missing figures (daily): `remind_reporters --send`.
    The reminders' memory (REMINDER_INTERVAL_DAYS) keeps one member from being reminded daily."""
    year = timezone.localdate().year - 1
    reminders = reporting_reminders(year=year)
    if not reminders:
        return {"year": year, "sent": 0, "skipped": 0}
    outcome = reminders_send(reminders=reminders, year=year)
    return {"year": year, "sent": outcome.sent, "skipped": len(outcome.skipped)}
