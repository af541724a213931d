"""Every change to a value is kept: who, when, old and new; staff restore and delete."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import IndicatorValue
from tests.indicators.reporting_support import YEAR, indicator, page_post, year_url
from tests.members.factories import MunicipalityFactory, OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    return MunicipalityFactory(code="0665")


@pytest.fixture
def reporter(vaggeryd):
    return OrganisationAccessFactory(
        user__username="anna", user__email="anna@vaggeryd.se", organisation=vaggeryd
    ).user


@pytest.fixture
def staff():
    return UserFactory(username="kansliet", is_staff=True, is_superuser=True)


def history_url(year: int = YEAR) -> str:
    return f"{reverse('reporting_history', args=[year, indicator('GN.7').pk])}?org=0665"


def energy_value(vaggeryd) -> IndicatorValue:
    return IndicatorValue.objects.get(organisation=vaggeryd, indicator=indicator("GN.7"), year=YEAR)


def test_every_change_appears_in_the_history_with_its_author(client, vaggeryd, reporter):
    colleague = OrganisationAccessFactory(
        user__username="bo", user__first_name="Bo", user__last_name="Ek", organisation=vaggeryd
    ).user
    client.force_login(reporter)
    client.post(year_url(vaggeryd), page_post({"GN.7": "80"}))
    client.force_login(colleague)
    client.post(
        year_url(vaggeryd), page_post({"GN.7": {"value": "85,5", "comment": "Ny fjärrvärme."}})
    )

    history = energy_value(vaggeryd).history.order_by("history_date")
    assert [(h.history_type, h.value, h.history_user) for h in history] == [
        ("+", Decimal("80"), reporter),
        ("~", Decimal("85.5"), colleague),
    ]
    assert {h.history_change_reason for h in history} == {"Rapporterat i formuläret"}

    response = client.get(history_url())
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["type_display"], r["user"], r["before"], r["value"]) for r in rows] == [
        ("ändrat", "Bo Ek", "80,0", "85,5"),
        ("skapat", "anna@vaggeryd.se", "", "80,0"),
    ]
    html = response.content.decode()
    assert "Ny fjärrvärme." in html
    # The form links to the history.
    assert history_url().replace("&", "&amp;") in client.get(year_url(vaggeryd)).content.decode()


def test_staff_can_restore_an_earlier_version_in_the_admin(client, vaggeryd, reporter, staff):
    client.force_login(reporter)
    client.post(year_url(vaggeryd), page_post({"GN.7": "80"}))
    client.post(year_url(vaggeryd), page_post({"GN.7": "95"}))
    value = energy_value(vaggeryd)
    first = value.history.earliest("history_date")

    client.force_login(staff)
    admin_history = reverse("admin:indicators_indicatorvalue_history", args=[value.pk])
    assert client.get(admin_history).status_code == 200
    revert = reverse(
        "admin:indicators_indicatorvalue_simple_history", args=[value.pk, first.history_id]
    )
    form = client.get(revert)
    assert form.status_code == 200
    response = client.post(
        revert,
        {"value": "80.0000", "status": "final", "source_note": "", "comment": ""},
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.value == Decimal("80")
    latest = value.history.latest("history_date")
    assert (latest.value, latest.history_user, latest.history_change_reason) == (
        Decimal("80"),
        staff,
        "Återställt från en tidigare version",
    )
    assert value.history.count() == 3
    # The reporting history links staff to the value in the admin.
    page = client.get(history_url())
    admin_list = page.context["admin_url"]
    assert admin_list.replace("&", "&amp;") in page.content.decode()
    assert client.get(admin_list).context["cl"].result_count == 1


def test_deleting_is_for_staff_and_is_kept_in_the_history(client, vaggeryd, reporter, staff):
    client.force_login(reporter)
    client.post(year_url(vaggeryd), page_post({"GN.7": "80"}))
    value = energy_value(vaggeryd)

    client.force_login(staff)
    delete = reverse("admin:indicators_indicatorvalue_delete", args=[value.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not IndicatorValue.objects.exists()

    kept = IndicatorValue.history.filter(id=value.pk).order_by("history_date")
    assert [(h.history_type, h.history_user) for h in kept] == [("+", reporter), ("-", staff)]
    # The reporter still sees what happened.
    client.force_login(reporter)
    rows = client.get(history_url()).context["rows"]
    assert [(r["type_display"], r["user"]) for r in rows] == [
        ("borttaget", "kansliet@example.se"),
        ("skapat", "anna@vaggeryd.se"),
    ]


def test_deleting_several_values_from_the_list_keeps_them_in_the_history(client, staff, vaggeryd):
    client.force_login(staff)
    client.post(year_url(vaggeryd), page_post({"GN.7": "80", "GN.8a": "2,47"}))
    ids = list(IndicatorValue.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:indicators_indicatorvalue_changelist"),
        # Deleting many asks for the count typed (see test_value_admin).
        {"action": "delete_values", "_selected_action": ids, "apply": "1", "typed_count": "2"},
    )
    assert response.status_code == 302
    assert not IndicatorValue.objects.exists()
    assert IndicatorValue.history.filter(history_type="-", history_user=staff).count() == 2


def test_the_history_page_runs_a_fixed_number_of_queries(
    client, vaggeryd, reporter, django_assert_max_num_queries
):
    client.force_login(reporter)
    for text in ["10", "11", "12", "13", "14"]:
        client.post(year_url(vaggeryd), page_post({"GN.7": text}))
    url = history_url()
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5
