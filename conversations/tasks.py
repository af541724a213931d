"""Scheduled jobs of the questions between members (celery beat, settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from conversations.services import question_texts_expire


@shared_task(name="conversations.tasks.expire_question_texts")
def expire_question_texts() -> int:
    """Empty question texts older than QUESTION_TEXT_RETENTION_DAYS (daily); idempotent."""
    return question_texts_expire()
