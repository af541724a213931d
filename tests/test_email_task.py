"""E-mail through the queue (common.mail, common.tasks.send_email): a message travels as plain
data, is retried with backoff while the mail server fails, and a failure after the last retry
is logged; a real worker on the machine's Redis delivers a queued message."""

import logging
import time
import uuid
from smtplib import SMTPServerDisconnected

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend

from common import tasks
from common.mail import email_data, email_message, email_queue
from common.tasks import MAX_RETRIES, send_email


def a_message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Beslut om medlemskap",
        body="Styrelsen har beslutat.",
        from_email="kansliet@sekom.se",
        to=["registrator@kommun.example.se"],
        cc=["kopia@kommun.example.se"],
        reply_to=["svar@sekom.se"],
        headers={"X-Ekokommun": "beslut"},
    )
    message.attach_alternative("<p>Styrelsen har beslutat.</p>", "text/html")
    return message


class FlakyBackend(EmailBackend):
    """Keeps mail like locmem, after the mail server has dropped the first `failures` tries."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts <= FlakyBackend.failures:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky(monkeypatch):
    from ekokommun.celery import app

    # Eager retries run only when a failure does not raise at once (as `make run` has it).
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)

    def failing(times: int):
        FlakyBackend.failures, FlakyBackend.attempts = times, 0
        monkeypatch.setattr(tasks, "get_connection", lambda: FlakyBackend())
        return FlakyBackend

    return failing


def test_a_message_travels_as_json_data_and_comes_back_whole():
    import json

    data = json.loads(json.dumps(email_data(a_message())))
    message = email_message(data)
    assert (message.subject, message.body, message.from_email) == (
        "Beslut om medlemskap",
        "Styrelsen har beslutat.",
        "kansliet@sekom.se",
    )
    assert (message.to, message.cc, message.reply_to) == (
        ["registrator@kommun.example.se"],
        ["kopia@kommun.example.se"],
        ["svar@sekom.se"],
    )
    assert message.extra_headers == {"X-Ekokommun": "beslut"}
    assert [tuple(a) for a in message.alternatives] == [
        ("<p>Styrelsen har beslutat.</p>", "text/html")
    ]


def test_a_message_with_an_attachment_is_refused_rather_than_sent_without_it():
    message = EmailMessage(subject="Bilaga", body="Se bilagan.", to=["a@kommun.example.se"])
    message.attach("beslut.txt", "Beslut", "text/plain")
    with pytest.raises(ValueError, match="Attachments"):
        email_data(message)


def test_the_task_retries_while_the_mail_server_fails_then_sends(flaky):
    backend = flaky(times=2)
    result = send_email.delay(email_data(a_message()))
    assert result.successful()
    assert backend.attempts == 3
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["registrator@kommun.example.se"]
    assert sent.extra_headers["X-Ekokommun"] == "beslut"
    assert sent.alternatives[0][1] == "text/html"


def test_the_retries_back_off_with_jitter_up_to_five():
    assert send_email.max_retries == MAX_RETRIES == 5
    assert send_email.retry_backoff is True and send_email.retry_jitter is True
    assert set(send_email.autoretry_for) == {
        __import__("smtplib").SMTPException,
        OSError,
        ConnectionError,
    }


def test_a_failure_after_the_last_retry_is_logged_without_the_addresses(flaky, caplog):
    backend = flaky(times=100)
    with caplog.at_level(logging.ERROR, logger="common.tasks"):
        result = send_email.delay(email_data(a_message()))
    assert result.failed() and isinstance(result.result, SMTPServerDisconnected)
    assert backend.attempts == 1 + MAX_RETRIES
    assert mail.outbox == []
    logged = [r.getMessage() for r in caplog.records if r.name == "common.tasks"]
    assert len(logged) == 1
    assert "not sent after 5 retries" in logged[0] and "Beslut om medlemskap" in logged[0]
    assert "registrator@" not in logged[0]


def test_a_programming_error_is_not_retried(monkeypatch):
    attempts = []

    def broken():
        attempts.append(1)
        raise TypeError("not a mail outage")

    monkeypatch.setattr(tasks, "get_connection", broken)
    with pytest.raises(TypeError):
        send_email.delay(email_data(a_message()))
    assert len(attempts) == 1


def test_queued_at_once_outside_a_transaction():
    email_queue(a_message())
    assert [m.subject for m in mail.outbox] == ["Beslut om medlemskap"]


# --- a real worker on the machine's Redis ------------------------------------------------------

REDIS_TEST_BROKER = "redis://127.0.0.1:6379/15"


@pytest.fixture
def worker_app():
    """A throwaway app on Redis database 15 with a queue of its own, and the e-mail task."""
    import redis

    app = Celery("ekokommun-test-worker", set_as_current=False)
    queue = f"ekokommun-test-{uuid.uuid4().hex}"
    app.conf.update(
        broker_url=REDIS_TEST_BROKER,
        task_default_queue=queue,
        task_ignore_result=True,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        accept_content=["json"],
    )
    app.finalize()  # binds the shared tasks, send_email among them
    yield app
    redis.Redis.from_url(REDIS_TEST_BROKER).delete(queue, f"_kombu.binding.{queue}")
    # start_worker makes its app the current and default one, and shared tasks (send_email)
    # follow the current app: without this, every later test's mail would wait in Redis.
    from ekokommun.celery import app as project_app

    project_app.set_default()
    project_app.set_current()


def test_a_real_worker_delivers_a_queued_message(worker_app):
    assert "common.tasks.send_email" in worker_app.tasks
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        worker_app.tasks["common.tasks.send_email"].delay(email_data(a_message()))
        deadline = time.monotonic() + 10
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [m.subject for m in mail.outbox] == ["Beslut om medlemskap"]
    assert mail.outbox[0].to == ["registrator@kommun.example.se"]


def test_after_the_real_worker_the_tasks_run_eagerly_again(worker_app):
    """The order CI runs them in: a real worker, then a test that sends mail through the
    queue (the browser journeys). The fixture's teardown gives the project its app back."""
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        pass


def test_mail_queued_after_a_real_worker_is_sent_at_once():
    from common.mail import email_queue

    email_queue(a_message())
    assert [m.subject for m in mail.outbox] == ["Beslut om medlemskap"]
