"""E-mail for the membership services: rendered inside the transaction (a template error rolls
the write back), queued for sending (common.tasks.send_email, with retries) only after it
commits."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from common.mail import email_queue_after_commit

# --- e-mail -------------------------------------------------------------------------------


def _message(template: str, context: dict, *, to: list[str]) -> EmailMessage:
    """Render templates/members/email/<template>_subject.txt and _body.txt into a message."""
    subject = render_to_string(f"members/email/{template}_subject.txt", context)
    body = render_to_string(f"members/email/{template}_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=to)


def _send_after_commit(*messages: EmailMessage) -> None:
    # A mail server or broker outage after the commit is retried, then logged; it never undoes
    # the decision.
    email_queue_after_commit(*messages)
