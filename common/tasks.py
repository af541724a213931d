"""Domain-free background tasks: sending e-mail."""

import logging
from smtplib import SMTPException

from celery import Task, shared_task
from django.core.mail import get_connection

from common.mail import email_message

logger = logging.getLogger(__name__)

# Backoff 1, 2, 4, 8, 16 s (with jitter) then give up: about half a minute of a mail server
# restarting or refusing; a longer outage is logged for the office to resend.
MAX_RETRIES = 5


class EmailTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        data = args[0] if args else kwargs.get("data", {})
        # The subject and how many recipients, not their addresses (the log is not a register).
        logger.error(
            "E-mail not sent after %s retries (task %s): %r to %s recipient(s): %s",
            self.request.retries,
            task_id,
            data.get("subject"),
            len(data.get("to") or []),
            exc,
        )


@shared_task(
    base=EmailTask,
    name="common.tasks.send_email",
    autoretry_for=(SMTPException, OSError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_email(data: dict) -> int:
    """Send one message given as common.mail.email_data; returns how many were sent (0 or 1)."""
    message = email_message(data)
    with get_connection() as connection:
        return connection.send_messages([message]) or 0
