"""The scheduled jobs of the key figures (indicators/tasks.py), run eagerly as `make run` does:
the weekly Kolada sync calls `manage.py kolada_sync` once at a time, the daily reminders go
after their memory commits."""

import json
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


def test_the_weekly_task_run_eagerly_syncs_every_mapped_figure_from_kolada(kolada):
    """No patching: the task runs the real command against the stub of Kolada's API."""
    import re

    from indicators.models import IndicatorValue, KoladaKpi
    from tests.indicators.conftest import KOLADA_TEST_URL
    from tests.indicators.kolada_support import recorded

    asked = []

    def data(request):
        kpis = request.path_url.split("/data/kpi/")[1].split("/")[0].split(",")
        asked.extend(kpis)
        values = [
            {"kpi": "U07801", "municipality": "0665", "period": 2022,
             "values": [{"gender": "T", "count": 1, "status": "", "value": 480}]}
        ] if "U07801" in kpis else []  # fmt: skip
        return 200, {}, json.dumps({"count": len(values), "values": values})

    kolada.get(KOLADA_TEST_URL + "/kpi", json=recorded("kpi_catalogue_page2.json"))
    kolada.add_callback("GET", re.compile(re.escape(KOLADA_TEST_URL) + r"/data/kpi/.*"), data)

    assert tasks.kolada_sync.delay().get() is True
    assert {"N00401", "U07801"} <= set(asked)  # every mapped KPI was asked for
    value = IndicatorValue.objects.get(
        organisation__code="0665", indicator__code="GN.6a", indicator__revision__is_current=True
    )
    assert value.value == 480 and value.source_kpi == "U07801"
    assert KoladaKpi.objects.exists()  # the catalogue was refreshed too
