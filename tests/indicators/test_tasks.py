"""The scheduled jobs of the key figures (indicators/tasks.py), run eagerly as `make run` does:
the weekly Kolada sync calls `manage.py kolada_sync` once at a time, the daily reminders go
after their memory commits."""

from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache

from indicators import tasks
from indicators.models import ReminderSent
from tests.indicators.reporting_support import YEAR
from tests.members.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
)

pytestmark = pytest.mark.django_db


def test_the_weekly_task_runs_kolada_sync():
    with mock.patch.object(tasks, "call_command") as call_command:
        result = tasks.kolada_sync.delay()
    call_command.assert_called_once_with("kolada_sync", "--catalogue")
    assert result.get() is True
    assert cache.get(tasks.KOLADA_LOCK_KEY) is None  # released for next week


def test_a_second_sync_while_one_runs_does_nothing():
    cache.add(tasks.KOLADA_LOCK_KEY, "running", 60)
    with mock.patch.object(tasks, "call_command") as call_command:
        assert tasks.kolada_sync.delay().get() is False
    call_command.assert_not_called()


def test_a_failed_sync_releases_the_lock_and_raises():
    failing = mock.patch.object(tasks, "call_command", side_effect=RuntimeError("Kolada down"))
    with failing, pytest.raises(RuntimeError):
        tasks.kolada_sync.delay()
    assert cache.get(tasks.KOLADA_LOCK_KEY) is None


def test_the_daily_reminder_task_reminds_for_last_year_after_the_commit(
    settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.indicators.mail_backends.OutgoingEmailBackend"
    organisation = MembershipFactory(organisation=MunicipalityFactory(code="2480")).organisation
    OrganisationAccessFactory(organisation=organisation, user__email="strateg@umea.se")
    monkeypatch.setattr(
        tasks.timezone, "localdate", lambda: __import__("datetime").date(YEAR + 1, 3, 1)
    )
    with django_capture_on_commit_callbacks(execute=True) as queued:
        result = tasks.remind_reporters.delay().get()
        assert mail.outbox == []  # nothing leaves before the memory commits
    assert len(queued) == 1
    assert result == {"year": YEAR, "sent": 1, "skipped": 0}
    assert [m.to for m in mail.outbox] == [["strateg@umea.se"]]
    assert ReminderSent.objects.get().organisation == organisation

    # The next day's run remembers it.
    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.remind_reporters.delay().get()
    assert again == {"year": YEAR, "sent": 0, "skipped": 1}
    assert len(mail.outbox) == 1
