"""Kolada's KPI catalogue: synced into KoladaKpi, searched, adopted as an own figure whose
values the sync fills for its owner only; promoted, a figure is synced for everyone."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory
from django.urls import reverse

from indicators.models import ImportRunFigure, Indicator, IndicatorValue, KoladaKpi
from indicators.selectors import kolada_kpi_search
from indicators.services import (
    kolada_catalogue_sync,
    kolada_sync,
    own_indicator_from_kolada,
    own_indicator_promote,
)
from members.models import Municipality
from tests.indicators.conftest import KOLADA_TEST_URL
from tests.indicators.kolada_support import recorded
from tests.members.factories import MembershipFactory, OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGANIC_URL = f"{KOLADA_TEST_URL}/data/kpi/U07514/municipality/0665"


@pytest.fixture
def catalogue(kolada):
    first = KOLADA_TEST_URL + "/kpi"
    from responses import matchers

    kolada.get(
        first,
        json=recorded("kpi_catalogue_page1.json"),
        match=[matchers.query_param_matcher({"per_page": "5000"})],
    )
    kolada.get(
        first,
        json=recorded("kpi_catalogue_page2.json"),
        match=[matchers.query_param_matcher({"page": "2", "per_page": "5000"})],
    )
    return kolada


@pytest.fixture
def vaggeryd():
    return MembershipFactory(organisation=Municipality.objects.get(code="0665")).organisation


@pytest.fixture
def reporter(vaggeryd):
    return OrganisationAccessFactory(user__username="strateg", organisation=vaggeryd).user


@pytest.fixture
def organic_food():
    return KoladaKpi.objects.create(
        id="U07514", title="Andel ekologiska livsmedel i kommunens verksamheter, %"
    )


def test_the_catalogue_is_synced_page_by_page_and_again_without_duplicates(catalogue):
    assert kolada_catalogue_sync() == 3
    kpi = KoladaKpi.objects.get(id="U07801")
    assert kpi.title.startswith("Insamlat kommunalt avfall")
    assert kpi.municipality_type == "K" and kpi.publication_date.isoformat() == "2024-06-12"
    KoladaKpi.objects.filter(id="U07801").update(title="Gammal titel")
    catalogue.get(KOLADA_TEST_URL + "/kpi", json=recorded("kpi_catalogue_page2.json"))
    kolada_catalogue_sync()
    assert KoladaKpi.objects.count() == 3
    assert KoladaKpi.objects.get(id="U07801").title == "Gammal titel"  # not in the 2nd answer


def test_the_sync_command_refreshes_the_catalogue_when_asked(catalogue, capsys):
    from django.core.management import call_command

    call_command("kolada_sync", "--catalogue", "--indicator", "E.999")
    assert "Koladas nyckeltalskatalog: 3 nyckeltal." in capsys.readouterr().out
    assert KoladaKpi.objects.count() == 3


def test_the_catalogue_is_searched_by_title_words_and_by_id(catalogue):
    kolada_catalogue_sync()
    assert [k["id"] for k in kolada_kpi_search(query="avfall")] == ["U07801"]
    assert [k["id"] for k in kolada_kpi_search(query="växthusgaser ton")] == ["N00401"]
    assert [k["id"] for k in kolada_kpi_search(query="EKOLOGISKA livsmedel")] == ["U07514"]
    assert [k["id"] for k in kolada_kpi_search(query="n00401")] == ["N00401"]
    assert kolada_kpi_search(query="cykel") == []


def test_adopting_a_kolada_kpi_fills_the_members_values_for_every_year(
    kolada, vaggeryd, reporter, organic_food
):
    kolada.get(ORGANIC_URL, json=recorded("organic_food_vaggeryd.json"))
    figure = own_indicator_from_kolada(user=reporter, organisation=vaggeryd, kpi=organic_food)
    assert figure.owner == vaggeryd and figure.kolada_kpi == "U07514"
    assert figure.unit == "%" and figure.reported_by == Indicator.ReportedBy.MEMBER
    values = dict(IndicatorValue.objects.filter(indicator=figure).values_list("year", "value"))
    assert values == {2019: Decimal("31.00"), 2020: Decimal("33.50")}  # 2021 missing: skipped


def test_the_sync_keeps_an_own_figure_current_for_its_owner_only(
    kolada, vaggeryd, reporter, organic_food
):
    kolada.get(ORGANIC_URL, json=recorded("organic_food_vaggeryd.json"))
    figure = own_indicator_from_kolada(user=reporter, organisation=vaggeryd, kpi=organic_food)
    answer = recorded("organic_food_vaggeryd.json")
    answer["values"][1]["values"][0]["value"] = 35
    answer["values"].append({**answer["values"][0], "municipality": "0680"})  # someone else
    kolada.get(ORGANIC_URL, json=answer)
    report = kolada_sync(indicator_ids=[figure.pk])
    assert (report.updated, report.unchanged) == (1, 1)
    assert report.skipped["organisationen begärdes inte"] == 1
    assert not IndicatorValue.objects.filter(indicator=figure).exclude(organisation=vaggeryd)


def test_a_reporter_searches_kolada_and_adopts_a_kpi_from_the_new_figure_page(
    client, kolada, vaggeryd, reporter, organic_food
):
    client.force_login(reporter)
    page = client.get(reverse("own_indicator_create"), {"org": "0665", "q": "ekologiska"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "U07514" in html and "Använd" in html and "Källa: Kolada (RKA)" in html
    kolada.get(ORGANIC_URL, json=recorded("organic_food_vaggeryd.json"))
    answer = client.post(
        reverse("own_indicator_from_kolada") + "?org=0665", {"kpi": "U07514"}, follow=True
    )
    figure = Indicator.objects.get(owner=vaggeryd, kolada_kpi="U07514")
    assert answer.redirect_chain[-1][0] == reverse("own_indicator_detail", args=[figure.pk])
    assert "2 år hittills" in answer.content.decode()


def test_only_the_members_reporters_adopt_a_kpi_for_it(client, vaggeryd, organic_food):
    client.force_login(UserFactory(username="utomstaende"))
    answer = client.post(reverse("own_indicator_from_kolada") + "?org=0665", {"kpi": "U07514"})
    assert answer.status_code == 403
    assert not Indicator.objects.filter(kolada_kpi="U07514", owner=vaggeryd).exists()


def test_a_promoted_national_figure_is_synced_for_every_municipality(
    kolada, vaggeryd, reporter, organic_food
):
    kolada.get(ORGANIC_URL, json=recorded("organic_food_vaggeryd.json"))
    figure = own_indicator_from_kolada(user=reporter, organisation=vaggeryd, kpi=organic_food)
    staff = UserFactory(username="kansliet", is_staff=True)
    promoted = own_indicator_promote(user=staff, indicator=figure, code="GN.13", reported_from=2019)
    promoted.reported_by = Indicator.ReportedBy.NATIONAL  # staff say so in the admin
    promoted.save()
    answer = recorded("organic_food_vaggeryd.json")
    answer["values"].append(
        {**answer["values"][0], "municipality": "0180"}  # Stockholm, not a member
    )
    kolada.get(f"{KOLADA_TEST_URL}/data/kpi/U07514/year/2019,2020", json=answer)
    report = kolada_sync(indicator_codes=["GN.13"], years=[2019, 2020])
    assert report.created == 1 and report.unchanged == 2
    assert IndicatorValue.objects.filter(indicator=promoted, organisation__code="0180").exists()


def test_the_admin_lists_each_figures_last_sync_and_what_changed(
    kolada, vaggeryd, reporter, organic_food
):
    kolada.get(ORGANIC_URL, json=recorded("organic_food_vaggeryd.json"))
    figure = own_indicator_from_kolada(user=reporter, organisation=vaggeryd, kpi=organic_food)
    assert ImportRunFigure.objects.get(indicator=figure).created == 2
    model_admin = admin_site._registry[Indicator]
    request = RequestFactory().get("/admin/indicators/indicator/")
    request.user = UserFactory(username="kansli", is_staff=True, is_superuser=True)
    row = model_admin.get_queryset(request).get(pk=figure.pk)
    shown = model_admin.kolada_last_sync(row)
    assert "nya 2, ändrade 0, oförändrade 0, överhoppade 1" in shown
