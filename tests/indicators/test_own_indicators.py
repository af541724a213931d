"""A member's own key figures: defined, reported, shown, adopted, retired; never in averages."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue, Target
from indicators.selectors import (
    completeness_overview,
    current_indicators,
    home_overview,
    indicator_overview,
    member_trends,
    own_indicator_catalogue,
    reporting_year,
    reporting_years,
    yearly_averages,
)
from indicators.services import (
    ValueInput,
    own_indicator_adopt,
    own_indicator_create,
    own_indicator_retire,
    values_save_year,
    values_upsert,
)
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.indicators.reporting_support import YEAR, indicator, page_post, year_url
from tests.members.factories import MembershipFactory, OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db

CYCLING = {
    "name": "Gång- och cykelvägar",
    "description": "Kommunala gång- och cykelvägar i meter per invånare.",
    "unit": "m/inv",
    "direction": "higher",
    "decimals": "1",
    "min_value": "0",
    "max_value": "",
    "source": "Gatuförvaltningen",
    "kolada_kpi": "",
    "target_year": "2030",
    "target_value": "3,5",
    "target_note": "Trafikstrategin 2021",
}


@pytest.fixture
def vaggeryd():
    return MembershipFactory(organisation__code="0665").organisation


@pytest.fixture
def jonkoping():
    return MembershipFactory(organisation__code="0680").organisation


@pytest.fixture
def reporter(vaggeryd):
    return OrganisationAccessFactory(user__username="strateg", organisation=vaggeryd).user


@pytest.fixture
def jonkoping_reporter(jonkoping):
    return OrganisationAccessFactory(user__username="jkpg", organisation=jonkoping).user


@pytest.fixture
def cycling(vaggeryd, reporter):
    return own_indicator_create(
        user=reporter,
        organisation=vaggeryd,
        name="Gång- och cykelvägar",
        unit="m/inv",
        direction="higher",
        decimals=1,
        min_value=Decimal(0),
        target_year=2030,
        target_value=Decimal("3.5"),
    )


def create_url(organisation) -> str:
    return f"{reverse('own_indicator_create')}?org={organisation.code}"


def own_fields(figure: Indicator, value: str, **extra) -> dict:
    """The POST fields of one own figure's row on the yearly form."""
    fields = {"value": value, "status": "final", "source_note": "", "comment": ""} | extra
    return {f"n{figure.pk}-{name}": text for name, text in fields.items()}


def save_year(figure, organisation, user, year, value, comment=""):
    return values_save_year(
        user=user,
        organisation=organisation,
        year=year,
        rows=[
            ValueInput(
                organisation_id=organisation.pk,
                indicator=figure,
                year=year,
                value=Decimal(value),
                comment=comment,
            )
        ],
    )


# --- Defining ------------------------------------------------------------------------------


def test_a_reporter_defines_an_own_figure_with_a_target(client, vaggeryd, reporter):
    client.force_login(reporter)
    response = client.post(create_url(vaggeryd), CYCLING)
    figure = Indicator.objects.get(owner=vaggeryd)
    assert response.status_code == 302
    assert response["Location"] == reverse("own_indicator_detail", args=[figure.pk])
    assert (figure.code, figure.label) == ("E.1", "E.1 Gång- och cykelvägar")
    assert figure.revision is None
    assert (figure.unit, figure.direction, figure.decimals) == ("m/inv", "higher", 1)
    assert figure.min_value == 0 and figure.max_value is None
    target = Target.objects.get(indicator=figure)
    assert (target.organisation, target.year, target.value) == (vaggeryd, 2030, Decimal("3.5"))
    assert target.note == "Trafikstrategin 2021"
    # The next one gets the next number.
    no_target = {"target_year": "", "target_value": "", "target_note": ""}
    client.post(create_url(vaggeryd), CYCLING | {"name": "Laddplatser"} | no_target)
    assert Indicator.objects.get(owner=vaggeryd, name="Laddplatser").code == "E.2"


def test_a_name_the_member_already_uses_is_refused_with_a_clear_message(
    client, vaggeryd, reporter, cycling
):
    client.force_login(reporter)
    response = client.post(create_url(vaggeryd), CYCLING | {"name": "gång- och CYKELVÄGAR"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Vaggeryd har redan ett eget nyckeltal som heter ”gång- och CYKELVÄGAR”. Välj ett annat "
        "namn, eller rapportera i det som finns."
    ]
    assert Indicator.objects.filter(owner=vaggeryd).count() == 1


def test_the_database_refuses_a_second_figure_of_the_same_name_for_one_member(cycling):
    # (Letters outside ASCII fold only on PostgreSQL; SQLite's lower() leaves Å and Ä.)
    with pytest.raises(IntegrityError), transaction.atomic():
        OwnIndicatorFactory(owner=cycling.owner, code="E.9", name="Gång- Och Cykelvägar")


def test_another_member_may_use_the_same_name(cycling, jonkoping, jonkoping_reporter):
    theirs = own_indicator_create(
        user=jonkoping_reporter,
        organisation=jonkoping,
        name=cycling.name,
        unit="km",
        direction="higher",
        decimals=0,
    )
    assert (theirs.code, theirs.owner) == ("E.1", jonkoping)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"min_value": "10", "max_value": "5"},
            None,
            "Lägsta värdet måste vara mindre än det högsta.",
        ),
        ({"decimals": "5"}, "decimals", "Kontrollera att detta värde är mindre än eller lika"),
        ({"kolada_kpi": "4711"}, "kolada_kpi", "Ange ett nyckeltals-id från Kolada"),
        ({"unit": ""}, "unit", "Detta fält måste fyllas i."),
        ({"min_value": "1,2,3"}, "min_value", "”1,2,3” är inte ett tal."),
        ({"target_value": "-1"}, "target_value", "värdet kan inte vara negativt"),
        ({"target_year": ""}, "target_year", "Ange vilket år målet gäller."),
        ({"target_year": "1980"}, "target_year", "Målåret ska vara mellan 1990 och 2100."),
    ],
)
def test_the_definition_is_checked_like_the_catalogues(
    client, vaggeryd, reporter, changes, field, message
):
    client.force_login(reporter)
    response = client.post(create_url(vaggeryd), CYCLING | changes)
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field or "__all__", [])
    assert any(message in error for error in errors), errors
    assert not Indicator.objects.filter(owner=vaggeryd).exists()
    assert not Target.objects.filter(organisation=vaggeryd).exists()


def test_a_kolada_id_is_kept(client, vaggeryd, reporter):
    client.force_login(reporter)
    client.post(create_url(vaggeryd), CYCLING | {"kolada_kpi": "n00401"})
    assert Indicator.objects.get(owner=vaggeryd).kolada_kpi == "N00401"


def test_own_figures_are_either_the_catalogues_or_a_members_in_the_database(cycling):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=cycling.pk).update(revision=current_indicators()[0].revision)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=current_indicators()[0].pk).update(
            retired_on=datetime.date(2024, 1, 1)
        )


# --- Reporting and seeing --------------------------------------------------------------------


def test_own_figures_are_reported_in_the_yearly_form_in_their_own_section(
    client, vaggeryd, reporter, cycling
):
    client.force_login(reporter)
    html = client.get(year_url(vaggeryd)).content.decode()
    section = html[html.index('<h2 id="own-heading">') :]
    assert "E.1 Gång- och cykelvägar" in section
    assert f'name="n{cycling.pk}-value"' in section
    response = client.post(
        year_url(vaggeryd),
        page_post({"GN.7": "80"}) | own_fields(cycling, "2,4", comment="Ny cykelbana"),
    )
    assert response.status_code == 302
    saved = IndicatorValue.objects.get(indicator=cycling)
    assert (saved.organisation, saved.year, saved.value) == (vaggeryd, YEAR, Decimal("2.4"))
    assert saved.comment == "Ny cykelbana"
    assert saved.history.get().history_user == reporter
    # Its counts are its own: the catalogue's completeness is unchanged by it.
    page = reporting_year(organisation_id=vaggeryd.pk, year=YEAR)
    assert page["own_counts"] == {"final": 1, "preliminary": 0, "missing": 0}
    assert page["counts"]["final"] == 1


def test_an_own_figure_is_checked_like_any_value(client, vaggeryd, reporter, cycling):
    client.force_login(reporter)
    response = client.post(year_url(vaggeryd), page_post({}) | own_fields(cycling, "-2"))
    assert response.status_code == 200
    assert "E.1 Gång- och cykelvägar: värdet kan inte vara negativt (-2 m/inv)." in (
        response.content.decode()
    )
    assert not IndicatorValue.objects.filter(indicator=cycling).exists()


def test_a_row_the_page_did_not_show_is_left_alone(client, vaggeryd, reporter, cycling):
    # The page was loaded before the figure was defined: saving it still works.
    client.force_login(reporter)
    response = client.post(year_url(vaggeryd), page_post({"GN.7": "80"}))
    assert response.status_code == 302
    assert IndicatorValue.objects.get(organisation=vaggeryd).indicator == indicator("GN.7")


def test_the_member_page_draws_own_figures_with_baseline_verdict_and_target(
    client, vaggeryd, reporter, cycling
):
    for year, value in [(2020, "2.0"), (2021, "2.2"), (2022, "2.5"), (2023, "2.7")]:
        save_year(cycling, vaggeryd, reporter, year, value, comment="Ny bana" * (year == 2023))
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    section = html[html.index('id="egna-nyckeltal"') :]
    assert "E.1 Gång- och cykelvägar" in section
    assert "2,7 m/inv" in section and "2,0 m/inv (2020)" in section
    assert "Utvecklingen går åt rätt håll sedan 2020" in section
    # +0.24 a year from 2.73 (2023): 2030 gives 4.4, above the target 3.5.
    assert "Eget mål: 3,5 m/inv 2030" in section
    assert "I takt med målet 2030" in section
    spec = json.loads(
        re.search(
            rf'<script id="chart-own-{cycling.pk}-data" type="application/json">(.*?)</script>',
            html,
        ).group(1)
    )
    names = [trace["name"] for trace in spec["data"]]
    assert names == ["Vaggeryd", "Eget mål"]  # no SEKOM or county average: it is theirs alone
    assert spec["data"][0]["y"][:4] == [2.0, 2.2, 2.5, 2.7]


def test_the_member_page_shows_target_status_beside_common_figures_too(client, vaggeryd):
    food = indicator("GN.10")  # national target 60 % by 2030
    for year, value in [(2021, "40"), (2022, "42"), (2023, "44")]:
        IndicatorValueFactory(organisation=vaggeryd, indicator=food, year=year, value=value)
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    block = html[html.index('id="chart-GN-10-block"') :]
    assert "Nationellt mål: 60 % 2030" in block
    assert "Inte i takt: med nuvarande utveckling nås 58,0 % 2030, målet är 60" in block


# --- Adopting --------------------------------------------------------------------------------


def test_another_member_adopts_an_own_figure(
    client, cycling, jonkoping, jonkoping_reporter, vaggeryd
):
    client.force_login(jonkoping_reporter)
    listing = client.get(reverse("own_indicator_list")).content.decode()
    assert "E.1 Gång- och cykelvägar" in listing
    assert reverse("own_indicator_adopt", args=[cycling.pk]) in listing
    response = client.post(
        reverse("own_indicator_adopt", args=[cycling.pk]), {"org": jonkoping.code}
    )
    copy = Indicator.objects.get(owner=jonkoping)
    assert response["Location"] == reverse("own_indicator_detail", args=[copy.pk])
    assert copy.adopted_from == cycling
    assert copy.code == "E.1"
    for name in ("name", "unit", "direction", "decimals", "min_value", "max_value", "source"):
        assert getattr(copy, name) == getattr(cycling, name)
    assert not Target.objects.filter(indicator=copy).exists()  # the adopter sets its own
    # The figure's page lists who adopted it; the copy's page says where it came from.
    page = client.get(reverse("own_indicator_detail", args=[cycling.pk])).content.decode()
    assert "Medlemmar som använder nyckeltalet" in page
    assert re.search(r'<a href="/kommun/0680/#egna-nyckeltal">Jönköping</a>', page)
    copy_page = client.get(reverse("own_indicator_detail", args=[copy.pk])).content.decode()
    assert "Hämtat från" in copy_page and "Vaggeryd" in copy_page
    # Jönköping reports it in its own form.
    assert any(
        row["indicator"] == copy
        for row in reporting_year(organisation_id=jonkoping.pk, year=YEAR)["own_rows"]
    )


def test_a_figure_is_adopted_once_per_member_even_through_another_adopter(
    cycling, jonkoping, jonkoping_reporter, vaggeryd, reporter
):
    own_indicator_adopt(user=jonkoping_reporter, indicator=cycling, organisation=jonkoping)
    with pytest.raises(ValidationError, match="Jönköping följer redan det här nyckeltalet som"):
        own_indicator_adopt(user=jonkoping_reporter, indicator=cycling, organisation=jonkoping)
    # Vaggeryd started it: it cannot adopt Jönköping's copy back.
    copy = Indicator.objects.get(owner=jonkoping)
    with pytest.raises(ValidationError, match="Vaggeryd följer redan"):
        own_indicator_adopt(user=reporter, indicator=copy, organisation=vaggeryd)
    with pytest.raises(ValidationError, match="redan ert eget"):
        own_indicator_adopt(user=reporter, indicator=cycling, organisation=vaggeryd)


def test_an_adoption_can_grow_further(cycling, jonkoping, jonkoping_reporter):
    copy = own_indicator_adopt(user=jonkoping_reporter, indicator=cycling, organisation=jonkoping)
    gnosjo = MembershipFactory(organisation__code="0617").organisation
    third = own_indicator_adopt(
        user=UserFactory(is_staff=True), indicator=copy, organisation=gnosjo
    )
    assert third.adopted_from == copy
    # The list counts everyone following the same definition, and says where a copy came from.
    listing = {
        (member["name"], figure["label"]): figure
        for member in own_indicator_catalogue()["members"]
        for figure in member["figures"]
    }
    origin = listing[("Vaggeryd", "E.1 Gång- och cykelvägar")]
    assert (origin["others"], origin["adopted_from_owner"]) == (2, "")
    assert listing[("Gnosjö", "E.1 Gång- och cykelvägar")]["adopted_from_owner"] == "Jönköping"


def test_values_of_an_own_figure_belong_to_its_owner_only(cycling, jonkoping):
    with pytest.raises(ValidationError, match="eget nyckeltal för en annan organisation"):
        values_upsert(
            rows=[
                ValueInput(
                    organisation_id=jonkoping.pk, indicator=cycling, year=2023, value=Decimal(1)
                )
            ]
        )


# --- Retiring --------------------------------------------------------------------------------


def test_retiring_removes_it_from_the_form_and_keeps_its_history(
    client, vaggeryd, reporter, cycling
):
    save_year(cycling, vaggeryd, reporter, 2022, "2.0")
    save_year(cycling, vaggeryd, reporter, 2023, "2.5")
    save_year(cycling, vaggeryd, reporter, 2023, "2.6")
    client.force_login(reporter)
    response = client.post(reverse("own_indicator_retire", args=[cycling.pk]))
    assert response.status_code == 302
    cycling.refresh_from_db()
    assert cycling.retired_on == datetime.date.today()

    html = client.get(year_url(vaggeryd, 2023)).content.decode()
    assert f'name="n{cycling.pk}-value"' not in html
    assert "Inga egna nyckeltal ännu." in html
    with pytest.raises(ValidationError, match="är avslutat och tar inte emot nya värden"):
        save_year(cycling, vaggeryd, reporter, 2024, "3.0")
    # Values and every version stay; the member page shows an ended series.
    assert IndicatorValue.objects.filter(indicator=cycling).count() == 2
    assert IndicatorValue.history.filter(indicator_id=cycling.pk).count() == 3
    history = client.get(
        reverse("reporting_history", args=[2023, cycling.pk]) + "?org=0665"
    ).content.decode()
    assert "2,5" in history and "2,6" in history
    page = client.get(reverse("member_detail", args=["0665"])).content.decode()
    section = page[page.index('id="egna-nyckeltal"') :]
    assert "Avslutat" in section and "Serien avslutades" in section
    assert "2,6 m/inv" in section
    # Retiring twice changes nothing; it cannot be adopted any more.
    own_indicator_retire(user=reporter, indicator=cycling, on=datetime.date(2030, 1, 1))
    cycling.refresh_from_db()
    assert cycling.retired_on == datetime.date.today()


def test_a_retired_figure_cannot_be_adopted(cycling, reporter, jonkoping, jonkoping_reporter):
    own_indicator_retire(user=reporter, indicator=cycling)
    with pytest.raises(ValidationError, match="avslutat och kan inte användas"):
        own_indicator_adopt(user=jonkoping_reporter, indicator=cycling, organisation=jonkoping)


# --- Permissions -----------------------------------------------------------------------------


def test_other_organisations_write_paths_answer_403(
    client, vaggeryd, cycling, jonkoping, jonkoping_reporter
):
    client.force_login(jonkoping_reporter)
    assert client.get(create_url(vaggeryd)).status_code == 403
    assert client.post(create_url(vaggeryd), CYCLING | {"name": "Annat"}).status_code == 403
    assert client.post(reverse("own_indicator_retire", args=[cycling.pk])).status_code == 403
    target = {"target_year": "2030", "target_value": "9", "target_note": ""}
    assert (
        client.post(reverse("own_indicator_target", args=[cycling.pk]), target).status_code == 403
    )
    # Adopting for an organisation one does not report for.
    gnosjo = MembershipFactory(organisation__code="0617").organisation
    adopt = reverse("own_indicator_adopt", args=[cycling.pk])
    assert client.post(adopt, {"org": gnosjo.code}).status_code == 403
    # Writing Vaggeryd's own figure through Jönköping's form, or Vaggeryd's form.
    assert client.post(year_url(vaggeryd), own_fields(cycling, "9")).status_code == 403
    with pytest.raises(PermissionDenied):
        save_year(cycling, jonkoping, jonkoping_reporter, 2023, "9")
    assert client.get(reverse("own_indicator_promote", args=[cycling.pk])).status_code == 403
    cycling.refresh_from_db()
    assert cycling.retired_on is None
    assert list(Target.objects.filter(indicator=cycling).values_list("value", flat=True)) == [
        Decimal("3.5")
    ]
    assert Indicator.objects.own().count() == 1
    assert not IndicatorValue.objects.filter(indicator=cycling).exists()


def test_a_reader_sees_but_cannot_define(client, vaggeryd, cycling):
    reader = OrganisationAccessFactory(organisation=vaggeryd, level="reader").user
    client.force_login(reader)
    assert client.get(create_url(vaggeryd)).status_code == 403
    assert client.get(reverse("own_indicator_detail", args=[cycling.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, vaggeryd, cycling):
    response = client.post(reverse("own_indicator_retire", args=[cycling.pk]))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_the_owner_sets_a_target_on_the_figures_page(client, reporter, cycling):
    client.force_login(reporter)
    url = reverse("own_indicator_target", args=[cycling.pk])
    response = client.post(url, {"target_year": "2035", "target_value": "4,2"})
    assert response.status_code == 302
    assert Target.objects.get(indicator=cycling, year=2035).value == Decimal("4.2")
    bad = client.post(url, {"target_year": "2035", "target_value": "4,25"})
    assert bad.status_code == 400
    assert "ange högst 1 decimal" in bad.content.decode()


# --- Never in the common figures' numbers ----------------------------------------------------


@pytest.fixture
def many_own_values(vaggeryd, jonkoping, cycling):
    """Huge own values at two active members, which would dominate any average they entered."""
    waste = indicator("GN.6a")
    IndicatorValueFactory(organisation=vaggeryd, indicator=waste, year=2023, value=500)
    IndicatorValueFactory(organisation=jonkoping, indicator=waste, year=2023, value=400)
    IndicatorValueFactory(organisation=jonkoping, indicator=waste, year=2018, value=450)
    theirs = OwnIndicatorFactory(owner=jonkoping, name="Hushållsavfall, egen mätning")
    for year in (2018, 2023):
        IndicatorValueFactory(organisation=vaggeryd, indicator=cycling, year=year, value=9000)
        IndicatorValueFactory(organisation=jonkoping, indicator=theirs, year=year, value=9000)
    return waste


def test_own_figures_never_enter_the_catalogue_or_its_averages(many_own_values, cycling):
    assert cycling not in current_indicators()
    assert cycling.pk not in {row["id"] for row in home_overview()}
    # Even asked for by id, the averages leave own figures out.
    averages = yearly_averages(indicator_ids=[cycling.pk, many_own_values.pk])
    assert cycling.pk not in averages
    assert averages[many_own_values.pk][2023]["sekom"] == pytest.approx(450)
    assert averages[many_own_values.pk][2023]["sekom_n"] == 2


def test_own_figures_never_enter_strong_examples_improvers_or_learn_from(many_own_values):
    overview = indicator_overview(code="GN.6a")
    for key in ("strong", "improvers", "table"):
        assert all(row["value"] < 1000 for row in overview[key]), key
    trends = member_trends(code="0665")
    waste = next(b for b in trends["indicators"] if b["code"] == "GN.6a")
    assert [row["name"] for row in waste["learn_from"]] == ["Jönköping"]
    assert all(row["value"] < 1000 for row in waste["learn_from"])
    assert {b["code"] for b in trends["indicators"]} == {i.code for i in current_indicators()}
    assert [b["label"] for b in trends["own_indicators"]] == ["E.1 Gång- och cykelvägar"]


def test_own_figures_never_count_in_the_catalogues_completeness(many_own_values, vaggeryd):
    overview = completeness_overview(year=2023)
    assert len(overview["indicators"]) == len(
        [i for i in current_indicators() if i.reported_by == "member"]
    )
    row = next(m for m in overview["members"] if m["code"] == "0665")
    assert row["final"] == 0  # GN.6a is national; the own value is not counted
    years = reporting_years(organisation_ids=[vaggeryd.pk], years=[2023])[vaggeryd.pk]
    assert years[0]["final"] == 0


def test_own_figures_have_no_catalogue_page(cycling):
    assert indicator_overview(code=cycling.code) is None


def test_a_cached_member_page_shows_a_new_own_figure_at_once(client, vaggeryd, reporter):
    url = reverse("member_detail", args=["0665"])
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    figure = own_indicator_create(
        user=reporter,
        organisation=vaggeryd,
        name="Laddplatser",
        unit="st",
        direction="higher",
        decimals=0,
    )
    save_year(figure, vaggeryd, reporter, 2023, "12")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "E.1 Laddplatser" in response.content.decode()
