"""E-mail for the membership services: rendered inside the transaction (a template error rolls
the write back), sent only after it commits."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

# --- e-mail -------------------------------------------------------------------------------


def _message(template: str, context: dict, *, to: list[str]) -> EmailMessage:
    """Render templates/members/email/<template>_subject.txt and _body.txt into a message."""
    subject = render_to_string(f"members/email/{template}_subject.txt", context)
    body = render_to_string(f"members/email/{template}_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=to)


def _send_after_commit(*messages: EmailMessage) -> None:
    def send() -> None:
        for message in messages:
            message.send()

    # robust: a mail server outage after the commit is logged, it does not undo the decision.
    transaction.on_commit(send, robust=True)
