"""The membership register's job and e-mail through the queue: retention runs daily as a task;
a decision's e-mail is queued only after the decision commits, never after a rollback, and a
mail outage after the last retry leaves the decision standing."""

import datetime
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from common import tasks as common_tasks
from common.tasks import send_email
from members import tasks
from members.models import Membership, MembershipApplication
from members.services import membership_reject
from tests.members.factories import MembershipApplicationFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

REASON = "Miljöprogrammet är inte aktuellt."


@pytest.fixture
def application():
    return MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0665"))


def board_meeting() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=3)


def reject(application):
    membership_reject(
        membership=application.membership, board_meeting_on=board_meeting(), reason=REASON
    )


def test_a_decision_email_is_queued_only_once_the_decision_commits(
    application, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(send_email, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        reject(application)
        delay.assert_not_called()
    delay.assert_called_once()
    (data,) = delay.call_args.args
    assert data["to"] == ["registrator@kommun.example.se"]
    assert REASON in data["body"]


def test_a_decision_that_rolls_back_queues_nothing(application, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(send_email, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reject(application)
        raise RuntimeError("the board's minutes were wrong")
    delay.assert_not_called()
    assert Membership.objects.get().status == Membership.Status.APPLIED
    assert mail.outbox == []


def test_a_mail_outage_after_the_last_retry_leaves_the_decision_standing(
    application, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def down():
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    from ekokommun.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)  # as `make run` retries
    monkeypatch.setattr(common_tasks, "get_connection", down)
    with django_capture_on_commit_callbacks(execute=True):
        reject(application)
    assert Membership.objects.get().status == Membership.Status.REJECTED
    assert mail.outbox == []
    assert any("not sent after" in r.getMessage() for r in caplog.records)


def test_the_daily_retention_task_removes_what_has_expired():
    decided = timezone.localdate() - datetime.timedelta(days=400)
    application = MembershipApplicationFactory(
        membership__applied_on=decided - datetime.timedelta(days=40)
    )
    Membership.objects.filter(pk=application.membership_id).update(
        status=Membership.Status.REJECTED,
        decision_date=decided,
        rejection_reason="Inget program.",
    )
    done = tasks.apply_retention.delay().get()
    assert done["applications"] == 1
    assert not MembershipApplication.objects.exists()
    assert tasks.apply_retention.delay().get()["applications"] == 0


def test_the_password_reset_email_goes_through_the_queue(client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(
        "olle", email="olle@vaggeryd.example.se", password="Gammalt-2024"
    )
    with mock.patch.object(send_email, "delay") as delay:
        response = client.post("/konto/password_reset/", {"email": "olle@vaggeryd.example.se"})
    assert response.status_code == 302
    (data,) = delay.call_args.args
    assert data["to"] == ["olle@vaggeryd.example.se"]
    assert "/konto/reset/" in data["body"]


def test_a_broker_outage_on_password_reset_is_logged_and_the_page_still_answers(client, caplog):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(
        "olle", email="olle@vaggeryd.example.se", password="Gammalt-2024"
    )
    with mock.patch.object(send_email, "delay", side_effect=ConnectionError("broker down")):
        response = client.post("/konto/password_reset/", {"email": "olle@vaggeryd.example.se"})
    assert response.status_code == 302
    assert any("Failed to queue password reset" in r.getMessage() for r in caplog.records)
