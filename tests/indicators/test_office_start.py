"""The admin's start page is the office's: pending applications with their number, members
missing figures for the year being reported, reminders due, and links to the reporting
overview and the fee list."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import FeeSchedule
from tests.members.factories import (
    MembershipApplicationFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_day():
    MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0665"))
    MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0680"))
    # Two members report nothing; only Umeå has a reporter to remind.
    umea = MembershipFactory(organisation=MunicipalityFactory(code="2480")).organisation
    OrganisationAccessFactory(organisation=umea, user__email="strateg@umea.se")
    MembershipFactory(organisation=MunicipalityFactory(code="1730"))
    FeeSchedule.objects.create(year=timezone.localdate().year, fixed_amount=4000, per_inhabitant=0)


def test_the_start_page_shows_the_offices_work(admin_client, office_day):
    html = admin_client.get(reverse("admin:index")).content.decode()
    last_year = timezone.localdate().year - 1
    assert "2 ansökningar väntar på styrelsens beslut" in html
    assert reverse("admin:members_membershipapplication_changelist") + "?status=applied" in html
    assert f"2 medlemmar saknar nyckeltal för {last_year}" in html
    assert reverse("reporting_overview", args=[last_year]) in html
    assert "1 påminnelse att skicka" in html
    this_year = timezone.localdate().year
    assert reverse("admin:members_feeschedule_fee_list", args=[this_year]) in html


def test_a_sent_reminder_is_no_longer_due(admin_client, office_day):
    call_command(
        "remind_reporters",
        year=timezone.localdate().year - 1,
        send=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "0 påminnelser att skicka" in html


def test_the_start_page_runs_a_fixed_number_of_queries(
    admin_client, office_day, django_assert_max_num_queries
):
    assert admin_client.get(reverse("admin:index")).status_code == 200
    with django_assert_max_num_queries(20) as before:
        assert admin_client.get(reverse("admin:index")).status_code == 200
    for member, applicant in [("0684", "0580"), ("0685", "0581"), ("0686", "0582")]:
        MembershipFactory(
            organisation=MunicipalityFactory(code=member), joined_on=datetime.date(2015, 1, 1)
        )
        MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code=applicant))
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert admin_client.get(reverse("admin:index")).status_code == 200


def test_the_start_page_counts_the_imports_that_failed_this_month(admin_client, office_day):
    from indicators.models import ImportRun

    def run(*, succeeded: bool, days_ago: int) -> None:
        record = ImportRun.objects.create(door="command", format="csv", succeeded=succeeded)
        started = timezone.now() - datetime.timedelta(days=days_ago)
        ImportRun.objects.filter(pk=record.pk).update(started_at=started)

    run(succeeded=False, days_ago=1)
    run(succeeded=False, days_ago=3)
    run(succeeded=True, days_ago=1)
    run(succeeded=False, days_ago=45)  # an old failure is history, not today's work
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "2 importer misslyckades de senaste 30 dagarna" in html
    assert reverse("admin:indicators_importrun_changelist") + "?succeeded__exact=0" in html


def test_with_the_second_factor_the_start_page_is_the_offices_with_the_gdpr_link(
    client, office_day, settings
):
    """In production staff pass the second factor first; after it the start page is the
    office's work with the link to the personal-data register in the header."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice

    settings.OTP_REQUIRED_FOR_STAFF = True
    staff = get_user_model().objects.create_superuser("kansli", "kansli@sekom.se", "lang-fras-9")
    recovery = StaticDevice.objects.create(user=staff, name="Reservkoder", confirmed=True)
    recovery.token_set.create(token="reserv123")
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 302
    verified = client.post(reverse("two_factor_verify"), {"token": "reserv123", "next": "/admin/"})
    assert verified["Location"] == "/admin/"
    page = client.get(reverse("admin:index"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 ansökningar väntar på styrelsens beslut" in html
    assert 'id="office-start"' in html
    assert f'href="{reverse("admin_personal_data")}"' in html
    assert "Personuppgifter (GDPR)" in html
    assert client.get(reverse("admin_personal_data")).status_code == 200
