"""E-mail through the queue: a message becomes plain data (JSON for the broker), the task
common.tasks.send_email turns it back into a message and sends it, retrying when the mail
server is away. Queued after the commit, so a rolled-back write sends nothing and a mail
outage never undoes the write."""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction


def email_data(message: EmailMessage) -> dict:
    """What the task needs to rebuild `message`; refuses what it would lose (attachments)."""
    if message.attachments:
        raise ValueError("Attachments do not travel through the e-mail task.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def email_message(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data.get("from_email"),
        to=data.get("to") or [],
        cc=data.get("cc") or [],
        bcc=data.get("bcc") or [],
        reply_to=data.get("reply_to") or [],
        headers=data.get("headers") or {},
    )
    for content, mimetype in data.get("alternatives") or []:
        message.attach_alternative(content, mimetype)
    return message


def email_queue(*messages: EmailMessage) -> None:
    """Queue each message now (for mail that waits for no write, such as a password reset)."""
    from common.tasks import send_email

    for data in [email_data(message) for message in messages]:
        send_email.delay(data)


def email_queue_after_commit(*messages: EmailMessage) -> None:
    """Queue each message once the current transaction commits (at once outside one)."""
    # Turned into data now: the templates were rendered inside the transaction, and a message
    # that cannot travel fails the write instead of vanishing after it.
    payloads = [email_data(message) for message in messages]

    def queue() -> None:
        from common.tasks import send_email

        for data in payloads:
            send_email.delay(data)

    # robust: a broker outage (or, run eagerly, a mail outage after the last retry) is logged;
    # it does not undo what was committed.
    transaction.on_commit(queue, robust=True)
