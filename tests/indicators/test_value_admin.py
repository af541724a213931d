"""The office's value list in the admin: filters an office needs, deleting many values only with
a dedicated permission and the count typed, deleted values restorable from their history, and an
organisation page that links to its values instead of listing them all."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:indicators_indicatorvalue_changelist")


def energy() -> Indicator:
    return Indicator.objects.get(revision__code="2023", code="GN.7")


@pytest.fixture
def values():
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    eda = MembershipFactory(organisation=MunicipalityFactory(code="1730")).organisation
    rows = [
        IndicatorValueFactory(
            organisation=vaggeryd, indicator=energy(), year=year, value=Decimal(80 + year % 10)
        )
        for year in (2021, 2022, 2023)
    ]
    rows.append(
        IndicatorValueFactory(
            organisation=eda,
            indicator=energy(),
            year=2023,
            value=Decimal(70),
            status="preliminary",
            source_note="Energibolaget",
        )
    )
    return rows


def staff_user(*, bulk_delete: bool):
    user = UserFactory(username="kansli", is_staff=True)
    codenames = ["view_indicatorvalue", "change_indicatorvalue", "delete_indicatorvalue"]
    if bulk_delete:
        codenames.append("bulk_delete_indicatorvalue")
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def actions(client) -> list[str]:
    form = client.get(CHANGELIST).context["action_form"]
    return [name for name, _label in form.fields["action"].choices] if form else []


def results(client, query: str) -> list:
    return list(client.get(f"{CHANGELIST}?{query}").context["cl"].result_list)


def test_values_filter_by_member_figure_year_status_and_source(admin_client, values):
    vaggeryd_2021, _v22, _v23, eda = values
    page = admin_client.get(CHANGELIST)
    filters = {spec.title: spec for spec in page.context["cl"].filter_specs}
    assert {"organisation", "nyckeltal", "år", "status", "källa"} <= set(filters)
    # The figure is named with its revision: codes repeat across revisions.
    labels = [label for _pk, label in filters["nyckeltal"].lookup_choices]
    assert f"GN.7 (2023) {energy().name}" in labels
    assert any(label.startswith("GN.7 (2012) ") for label in labels)

    assert results(admin_client, f"organisation__id__exact={eda.organisation_id}") == [eda]
    assert len(results(admin_client, f"indicator__id__exact={energy().pk}")) == 4
    assert results(admin_client, "year=2021") == [vaggeryd_2021]
    assert results(admin_client, "status__exact=preliminary") == [eda]
    assert results(admin_client, "kalla=Energibolaget") == [eda]
    assert len(results(admin_client, "kalla=-")) == 3


def test_staff_without_the_permission_cannot_delete_many_values(client, values):
    client.force_login(staff_user(bulk_delete=False))
    offered = actions(client)
    assert "delete_selected" not in offered and "delete_values" not in offered

    for action in ("delete_selected", "delete_values"):
        client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [v.pk for v in values], "post": "yes"},
        )
    assert IndicatorValue.objects.count() == 4


def test_deleting_many_asks_for_the_count_and_the_values_can_be_restored(client, values):
    user = staff_user(bulk_delete=True)
    client.force_login(user)
    selection = {"action": "delete_values", "_selected_action": [v.pk for v in values[:3]]}
    offered = actions(client)
    assert "delete_values" in offered and "delete_selected" not in offered

    ask = client.post(CHANGELIST, selection)
    assert ask.status_code == 200
    assert "Skriv antalet värden som ska tas bort" in ask.content.decode()

    wrong = client.post(CHANGELIST, {**selection, "apply": "1", "typed_count": "4"})
    assert "skriv 3 för att ta bort dem" in wrong.content.decode()
    assert IndicatorValue.objects.count() == 4

    done = client.post(CHANGELIST, {**selection, "apply": "1", "typed_count": "3"})
    assert done.status_code == 302
    assert IndicatorValue.objects.count() == 1

    # The deleted values are listed, each with a way back from its history.
    deleted = client.get(reverse("admin:indicators_indicatorvalue_deleted"))
    rows = deleted.context["deleted"]
    assert sorted(row["year"] for row in rows) == [2021, 2022, 2023]
    assert {row["deleted_by"] for row in rows} == {"kansli"}
    row = next(row for row in rows if row["year"] == 2022)
    restore = reverse(
        "admin:indicators_indicatorvalue_simple_history", args=[row["value_id"], row["history_id"]]
    )
    assert restore in deleted.content.decode()
    history = client.get(reverse("admin:indicators_indicatorvalue_history", args=[row["value_id"]]))
    assert history.status_code == 200 and "borttaget" in history.content.decode()

    form = client.get(restore)
    assert form.status_code == 200
    back = client.post(
        restore, {"value": "82.0000", "status": "final", "source_note": "", "comment": ""}
    )
    assert back.status_code == 302
    restored = IndicatorValue.objects.get(organisation__code="0665", year=2022)
    assert restored.value == Decimal("82")
    assert restored.history.latest("history_date").history_change_reason == (
        "Återställt från en tidigare version"
    )
    remaining = client.get(reverse("admin:indicators_indicatorvalue_deleted")).context["deleted"]
    assert sorted(row["year"] for row in remaining) == [2021, 2023]


def test_the_organisation_page_links_to_its_values_instead_of_listing_them(
    admin_client, django_assert_max_num_queries
):
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    indicators = list(Indicator.objects.filter(owner__isnull=True)[:15])
    IndicatorValue.objects.bulk_create(
        IndicatorValue(organisation=vaggeryd, indicator=indicator, year=year, value=Decimal(1))
        for indicator in indicators
        for year in range(2005, 2025)
    )
    url = reverse("admin:members_municipality_change", args=[vaggeryd.pk])
    with django_assert_max_num_queries(25):
        page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "värden (skrivskyddat)" not in html
    assert html.count('name="values-') == 0
    link = f"{CHANGELIST}?organisation__id__exact={vaggeryd.pk}"
    assert link in html and "Visa alla 300 värden" in html
    assert admin_client.get(link).context["cl"].result_count == 300
