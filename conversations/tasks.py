"""Scheduled jobs of the questions between members (celery beat, settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from conversations.services import question_texts_expire


@shared_task(name="conversations.tasks.expire_question_texts")
def expire_question_texts() -> int:
    """Empty question texts older than QUESTION_TEXT_RETENTION_DAYS (daily); idempotent."""
    return question_texts_expire()


@shared_task(name="conversations.tasks.year_summaries_send")
def year_summaries_send(pairs: list[list[int]]) -> int:
    """Check each (member, year) that was just reported and send its summary when the year has
    become complete; returns how many went out. Idempotent (one summary per member and year)."""
    from conversations.summaries import year_summary_send_if_complete
    from members.models import Municipality

    # Only a current member's year can be sent: one query leaves out the others (an import of
    # every organisation's figures hands in hundreds of pairs), and each check is made again,
    # under its lock, by year_summary_send_if_complete.
    members = set(
        Municipality.objects.active_members()
        .filter(pk__in={organisation_id for organisation_id, _year in pairs})
        .values_list("pk", flat=True)
    )
    return sum(
        year_summary_send_if_complete(organisation_id=organisation_id, year=year)
        for organisation_id, year in pairs
        if organisation_id in members
    )


@shared_task(name="conversations.tasks.digest_send")
def digest_send(year: int | None = None) -> int:
    """The yearly digest to its subscribers (beat: in April, for the year before)."""
    from django.utils import timezone

    from conversations.summaries import digest_send as send

    return send(year=year or timezone.localdate().year - 1)
