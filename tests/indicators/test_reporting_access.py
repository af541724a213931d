"""Who may do what: reporters write their own organisations, readers read, staff do all."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from indicators.models import IndicatorValue
from indicators.selectors import (
    READ,
    WRITE,
    can_write,
    organisation_access,
    organisations_for_user,
)
from indicators.services import ValueInput, value_delete, values_save_year
from members.models import OrganisationAccess
from tests.indicators.factories import IndicatorValueFactory
from tests.indicators.reporting_support import YEAR, indicator, page_post, year_url
from tests.members.factories import MunicipalityFactory, OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    return MunicipalityFactory(code="0665")


@pytest.fixture
def jonkoping():
    return MunicipalityFactory(code="0680")


@pytest.fixture
def reporter(vaggeryd):
    return OrganisationAccessFactory(user__username="vaggeryd", organisation=vaggeryd).user


@pytest.fixture
def theirs(jonkoping):
    """A value of another organisation, which the reporter must not be able to change."""
    return IndicatorValueFactory(
        organisation=jonkoping, indicator=indicator("GN.7"), year=YEAR, value=Decimal("70")
    )


def test_the_rules_in_one_place(vaggeryd, jonkoping, reporter):
    reader = OrganisationAccessFactory(
        organisation=vaggeryd, level=OrganisationAccess.Level.READER
    ).user
    staff = UserFactory(is_staff=True)
    stranger = UserFactory()
    assert organisation_access(user=reporter, organisation=vaggeryd) == WRITE
    assert can_write(user=reporter, organisation=vaggeryd)
    assert organisation_access(user=reporter, organisation=jonkoping) is None
    assert not can_write(user=reporter, organisation=jonkoping)
    assert organisation_access(user=reader, organisation=vaggeryd) == READ
    assert not can_write(user=reader, organisation=vaggeryd)
    assert can_write(user=staff, organisation=jonkoping)
    assert organisation_access(user=stranger, organisation=vaggeryd) is None
    reporter.is_active = False
    assert organisation_access(user=reporter, organisation=vaggeryd) is None
    assert [o["code"] for o in organisations_for_user(user=reader)] == ["0665"]


def test_anonymous_users_are_sent_to_the_login_page(client, vaggeryd):
    for url in [
        reverse("reporting_landing"),
        year_url(vaggeryd),
        reverse("reporting_history", args=[YEAR, indicator("GN.7").pk]) + "?org=0665",
        reverse("reporting_overview", args=[YEAR]),
        reverse("reporting_overview_csv", args=[YEAR]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/konto/login/?next="), url
    response = client.post(year_url(vaggeryd), page_post({"GN.7": "80"}))
    assert response.status_code == 302
    assert not IndicatorValue.objects.exists()


def test_a_reporter_gets_403_on_another_organisations_form(client, reporter, jonkoping):
    client.force_login(reporter)
    response = client.get(year_url(jonkoping))
    assert response.status_code == 403
    assert "Du har inte behörighet till Jönköping." in response.content.decode()
    assert client.get(f"{reverse('reporting_landing')}?org=0680").status_code == 403
    history = reverse("reporting_history", args=[YEAR, indicator("GN.7").pk])
    assert client.get(f"{history}?org=0680").status_code == 403


def test_a_reporter_cannot_change_another_organisations_value_by_any_post(
    client, reporter, vaggeryd, jonkoping, theirs
):
    client.force_login(reporter)
    data = page_post({"GN.7": "99"})
    # The other organisation's page.
    assert client.post(year_url(jonkoping), data).status_code == 403
    # The own page's URL with the other organisation given twice, or in the body.
    assert client.post(f"{year_url(vaggeryd)}&org=0680", data).status_code == 403
    assert client.post(year_url(vaggeryd), {**data, "org": "0680"}).status_code == 302
    # The admin is for staff only.
    admin_change = reverse("admin:indicators_indicatorvalue_change", args=[theirs.pk])
    response = client.post(admin_change, {"value": "99", "status": "final"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    admin_delete = reverse("admin:indicators_indicatorvalue_delete", args=[theirs.pk])
    response = client.post(admin_delete, {"post": "yes"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    theirs.refresh_from_db()
    assert theirs.value == Decimal("70")
    assert not IndicatorValue.objects.filter(organisation=jonkoping, value=99).exists()


def test_the_write_service_refuses_another_organisation(reporter, vaggeryd, jonkoping):
    row = ValueInput(
        organisation_id=jonkoping.pk, indicator=indicator("GN.7"), year=YEAR, value=Decimal(9)
    )
    with pytest.raises(PermissionDenied):
        values_save_year(user=reporter, organisation=jonkoping, year=YEAR, rows=[row])
    # Nor can a row for another organisation ride along on the reporter's own page.
    with pytest.raises(PermissionDenied):
        values_save_year(user=reporter, organisation=vaggeryd, year=YEAR, rows=[row])
    assert not IndicatorValue.objects.exists()


def test_figures_from_national_databases_cannot_be_reported(client, reporter, vaggeryd):
    national = indicator("GN.6a")
    row = ValueInput(organisation_id=vaggeryd.pk, indicator=national, year=YEAR, value=Decimal(1))
    with pytest.raises(PermissionDenied):
        values_save_year(user=reporter, organisation=vaggeryd, year=YEAR, rows=[row])
    client.force_login(reporter)
    client.post(year_url(vaggeryd), {**page_post({}), f"n{national.pk}-value": "400"})
    assert not IndicatorValue.objects.exists()


def test_a_reader_sees_but_cannot_change(client, vaggeryd):
    reader = OrganisationAccessFactory(
        organisation=vaggeryd, level=OrganisationAccess.Level.READER
    ).user
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=indicator("GN.7"), year=YEAR, value=Decimal("80")
    )
    client.force_login(reader)
    response = client.get(year_url(vaggeryd))
    assert response.status_code == 200
    html = response.content.decode()
    assert "80,0 %" in html
    assert "Du har läsbehörighet" in html
    main = html.split('<main id="main"')[1]
    assert "<input" not in main and "<textarea" not in main and "<form" not in main
    assert "Spara 2024" not in main
    assert client.post(year_url(vaggeryd), page_post({"GN.7": "90"})).status_code == 403
    assert IndicatorValue.objects.get().value == Decimal("80")


def test_staff_may_report_for_any_organisation(client, jonkoping):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.post(year_url(jonkoping), page_post({"GN.7": "80"})).status_code == 302
    assert IndicatorValue.objects.get().entered_by == staff


def test_the_overview_is_for_staff_only(client, reporter):
    client.force_login(reporter)
    assert client.get(reverse("reporting_overview", args=[YEAR])).status_code == 403
    assert client.get(reverse("reporting_overview_csv", args=[YEAR])).status_code == 403


def test_only_staff_may_delete_a_value(reporter, theirs, vaggeryd):
    own = IndicatorValueFactory(organisation=vaggeryd, indicator=indicator("GN.7"), year=YEAR)
    with pytest.raises(PermissionDenied):
        value_delete(value=own, user=reporter)
    assert IndicatorValue.objects.filter(pk=own.pk).exists()


def test_a_reporter_with_one_organisation_may_leave_it_out_of_the_url(client, reporter):
    client.force_login(reporter)
    response = client.get(reverse("reporting_year", args=[YEAR]))
    assert response.status_code == 200
    assert response.context["organisation"].code == "0665"


def test_a_reporter_with_several_organisations_chooses(client, reporter, jonkoping):
    OrganisationAccessFactory(user=reporter, organisation=jonkoping)
    client.force_login(reporter)
    response = client.get(reverse("reporting_year", args=[YEAR]))
    html = response.content.decode()
    assert 'href="/rapportera/2024/?org=0665"' in html
    assert 'href="/rapportera/2024/?org=0680"' in html


def test_forms_are_csrf_protected(reporter, vaggeryd):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    assert client.post(year_url(vaggeryd), page_post({"GN.7": "80"})).status_code == 403
    assert not IndicatorValue.objects.exists()
    html = client.get(year_url(vaggeryd)).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
