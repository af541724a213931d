"""E-mail reminders to reporters about missing figures, remembered so they are not repeated."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.mail import email_queue_after_commit
from indicators.models import ReminderSent
from indicators.selectors import reminder_figure_set, reminders_last_sent
from members.models import Municipality

# The backends that only print or keep mail: with them nothing leaves the machine.
DEVELOPMENT_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def mail_backend_is_real(connection=None) -> bool:
    """True when mail handed to the backend goes out (SMTP or a mail service's backend)."""
    backend = type(connection or get_connection())
    return f"{backend.__module__}.{backend.__name__}" not in DEVELOPMENT_MAIL_BACKENDS


@dataclass
class RemindersOutcome:
    sent: int  # messages queued for sending (common.tasks.send_email)
    delivered: bool  # the backend is a real one (see mail_backend_is_real)
    skipped: list[dict]  # reminders sent recently enough, with "last_sent"


def reminders_send(
    *, reminders: list[dict], year: int, force: bool = False, interval_days: int | None = None
) -> RemindersOutcome:
    """E-mail each member's reporters the figures still missing for `year` and remember it.

    One message per member, to all its recipients, so they see who else was asked. A reminder
    for the same member, year and missing figures that went out within `interval_days`
    (settings.REMINDER_INTERVAL_DAYS) is not sent again unless `force`.
    """
    if interval_days is None:
        interval_days = settings.REMINDER_INTERVAL_DAYS
    last_sent = reminders_last_sent(reminders=reminders, year=year)
    since = timezone.now() - datetime.timedelta(days=interval_days)
    messages, sent_for, skipped = [], [], []
    for reminder in reminders:
        addresses = [r["email"] for r in reminder["recipients"] if r["email"]]
        if not addresses:
            continue
        previous = last_sent.get((reminder["code"], reminder_figure_set(reminder)))
        if previous is not None and previous >= since and not force:
            skipped.append({**reminder, "last_sent": previous})
            continue
        messages.append(_reminder_message(reminder=reminder, year=year, addresses=addresses))
        sent_for.append((reminder, addresses))
    # The backend the worker hands the messages to (the same settings everywhere).
    delivered = mail_backend_is_real()
    if messages:
        organisations = dict(
            Municipality.objects.filter(
                code__in=[reminder["code"] for reminder, _addresses in sent_for]
            ).values_list("code", "pk")
        )
        with transaction.atomic():
            ReminderSent.objects.bulk_create(
                ReminderSent(
                    organisation_id=organisations[reminder["code"]],
                    year=year,
                    figure_set=reminder_figure_set(reminder),
                    recipients=", ".join(addresses),
                    delivered=delivered,
                )
                for reminder, addresses in sent_for
            )
            # Queued once the memory of them is committed; the task retries a mail outage.
            email_queue_after_commit(*messages)
    return RemindersOutcome(sent=len(messages), delivered=delivered, skipped=skipped)


def _reminder_message(*, reminder: dict, year: int, addresses: list[str]) -> EmailMessage:
    body = render_to_string(
        "indicators/reporting/reminder_email.txt",
        {
            "reminder": reminder,
            "year": year,
            "url": f"{settings.SITE_URL}{reverse('reporting_year', args=[year])}"
            f"?org={reminder['code']}",
        },
    )
    return EmailMessage(
        subject=_("Gröna nyckeltal %(year)s: %(count)s värden saknas för %(name)s")
        % {"year": year, "count": len(reminder["missing"]), "name": reminder["name"]},
        body=body,
        to=addresses,
    )
