"""A mail backend that stands for a real one (SMTP) in tests: it keeps the messages in
django.core.mail.outbox like locmem, but is not one of the development backends, so the code
treats mail handed to it as sent."""

from django.core.mail.backends.locmem import EmailBackend


class OutgoingEmailBackend(EmailBackend):
    pass
