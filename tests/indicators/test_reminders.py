"""Reminders with memory: remind_reporters --send remembers what it sent (per member, year and
missing figures), does not send the same reminder again within the interval unless forced,
says "skickade" only when the mail went to a real backend, and warns about a default SITE_URL.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from indicators.models import ReminderSent
from tests.indicators.factories import IndicatorValueFactory
from tests.indicators.reporting_support import YEAR, indicator
from tests.members.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
)

pytestmark = pytest.mark.django_db

REAL = "tests.indicators.mail_backends.OutgoingEmailBackend"


@pytest.fixture
def umea():
    """A member missing every figure it reports itself, with one reporter."""
    organisation = MembershipFactory(organisation=MunicipalityFactory(code="2480")).organisation
    OrganisationAccessFactory(organisation=organisation, user__email="strateg@umea.se")
    return organisation


def remind(**options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    # The reminders are queued once their memory commits (the test's transaction never does).
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("remind_reporters", year=YEAR, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_a_second_send_sends_nothing_and_force_sends_again(umea, settings):
    settings.EMAIL_BACKEND = REAL
    settings.SITE_URL = "https://ekokommun.se"
    first, _err = remind(send=True)
    assert len(mail.outbox) == 1
    assert "1 påminnelser skickade." in first
    sent = ReminderSent.objects.get()
    assert (sent.organisation, sent.year, sent.delivered) == (umea, YEAR, True)
    assert sent.recipients == "strateg@umea.se"
    assert "https://ekokommun.se/rapportera/2024/?org=2480" in mail.outbox[0].body

    second, _err = remind(send=True)
    assert len(mail.outbox) == 1
    assert "0 påminnelser skickade." in second
    assert "2480 Umeå: redan påmind" in second

    forced, _err = remind(send=True, force=True)
    assert len(mail.outbox) == 2
    assert "1 påminnelser skickade." in forced
    assert ReminderSent.objects.count() == 2


def test_the_same_reminder_goes_again_once_the_interval_has_passed(umea, settings):
    settings.EMAIL_BACKEND = REAL
    settings.REMINDER_INTERVAL_DAYS = 7
    remind(send=True)
    ReminderSent.objects.update(sent_at=timezone.now() - datetime.timedelta(days=8))
    remind(send=True)
    assert len(mail.outbox) == 2
    # A shorter interval on the command line lets it go again sooner.
    ReminderSent.objects.update(sent_at=timezone.now() - datetime.timedelta(days=2))
    remind(send=True)
    assert len(mail.outbox) == 2
    remind(send=True, interval_days=1)
    assert len(mail.outbox) == 3


def test_a_different_set_of_missing_figures_is_a_new_reminder(umea, settings):
    settings.EMAIL_BACKEND = REAL
    remind(send=True)
    IndicatorValueFactory(organisation=umea, indicator=indicator("GN.7"), year=YEAR, value=90)
    remind(send=True)
    assert len(mail.outbox) == 2
    assert "GN.7" not in mail.outbox[1].body


def test_a_development_backend_only_prints(umea, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out, _err = remind(send=True)
    assert "skrevs ut (utvecklingsläge)" in out
    assert "skickade" not in out
    assert ReminderSent.objects.get().delivered is False


def test_the_command_warns_while_site_url_is_the_default(umea, settings):
    settings.SITE_URL = settings.SITE_URL_DEFAULT
    _out, err = remind()
    assert "SITE_URL är fortfarande förvalet" in err
    settings.SITE_URL = "https://ekokommun.se"
    _out, err = remind()
    assert err == ""
