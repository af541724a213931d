"""Scheduled jobs of the membership register (celery beat, settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from members.gdpr import retention_apply, retention_plan


@shared_task(name="members.tasks.apply_retention")
def apply_retention() -> dict:
    """Delete or anonymise the personal data whose retention period has passed (daily);
    what `manage.py apply_retention --apply` does. Idempotent: a second run finds nothing."""
    return retention_apply(plan=retention_plan())
