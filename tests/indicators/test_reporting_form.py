"""The reporting form at /rapportera/<year>/: a whole year in one post, all or nothing."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import IndicatorValue
from tests.indicators.factories import IndicatorValueFactory
from tests.indicators.reporting_support import YEAR, field, indicator, page_post, year_url
from tests.members.factories import MunicipalityFactory, OrganisationAccessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    return MunicipalityFactory(code="0665")


@pytest.fixture
def reporter(vaggeryd):
    return OrganisationAccessFactory(user__username="strateg", organisation=vaggeryd).user


@pytest.fixture
def client_as_reporter(client, reporter):
    client.force_login(reporter)
    return client


def saved(organisation, year=YEAR) -> dict[str, Decimal]:
    return {
        v.indicator.code: v.value
        for v in IndicatorValue.objects.filter(organisation=organisation, year=year).select_related(
            "indicator"
        )
    }


def test_the_page_lists_own_figures_as_fields_and_national_ones_read_only(
    client_as_reporter, vaggeryd
):
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=indicator("GN.6a"), year=YEAR, value=Decimal("491")
    )
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=indicator("GN.7"), year=YEAR - 1, value=Decimal("81.5")
    )
    response = client_as_reporter.get(year_url(vaggeryd))
    assert response.status_code == 200
    html = response.content.decode()
    for code in ["GN.2a", "GN.2b", "GN.7", "GN.8a", "GN.9a", "GN.9b"]:
        assert f'name="{field(code, "value")}"' in html
    # National figures: shown with their source, never as a field.
    assert f'name="{field("GN.6a", "value")}"' not in html
    assert "491 kg/person" in html
    assert "Avfall Sverige" in html
    # Last year's value is the reference beside the field.
    assert "Förra året (2023):" in html
    assert "81,5 %" in html
    assert 'src="/static/js/reporting.js"' in html


def test_a_reporter_saves_a_whole_year_in_one_post(client_as_reporter, vaggeryd, reporter):
    response = client_as_reporter.post(
        year_url(vaggeryd),
        page_post(
            {
                "GN.2a": "42,5",
                "GN.2b": {"value": "93.1", "status": "preliminary", "source_note": "FRIDA"},
                "GN.7": "87,5",
                "GN.8a": "2,47",
                "GN.9a": "1 250",
                "GN.9b": {"value": "0,125", "comment": "Fler elbilar i bilpoolen."},
            }
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == year_url(vaggeryd)
    assert saved(vaggeryd) == {
        "GN.2a": Decimal("42.5"),
        "GN.2b": Decimal("93.1"),
        "GN.7": Decimal("87.5"),
        "GN.8a": Decimal("2.47"),
        "GN.9a": Decimal("1250"),
        "GN.9b": Decimal("0.125"),
    }
    fuel = IndicatorValue.objects.get(organisation=vaggeryd, indicator=indicator("GN.2b"))
    assert (fuel.status, fuel.source_note, fuel.entered_by) == ("preliminary", "FRIDA", reporter)
    page = client_as_reporter.get(response["Location"]).content.decode()
    assert "Vaggeryd 2024 är sparat: 6 nya och 0 ändrade värden." in page
    assert "Fler elbilar i bilpoolen." in page


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2,47", Decimal("2.47")), ("2.47", Decimal("2.47")), ("1 250", Decimal("1250"))],
)
def test_numbers_are_read_the_swedish_and_the_english_way(
    client_as_reporter, vaggeryd, typed, expected
):
    client_as_reporter.post(year_url(vaggeryd), page_post({"GN.8a": typed}))
    assert saved(vaggeryd) == {"GN.8a": expected}


def test_a_page_with_one_bad_field_saves_nothing_and_keeps_what_was_typed(
    client_as_reporter, vaggeryd
):
    response = client_as_reporter.post(
        year_url(vaggeryd),
        page_post({"GN.2a": "42,5", "GN.7": "140", "GN.8a": "2,47", "GN.9b": {"comment": ""}}),
    )
    assert response.status_code == 200
    assert saved(vaggeryd) == {}
    html = response.content.decode()
    assert "Inget sparades: ett fält behöver rättas." in html
    message = (
        "GN.7 Förnybar och återvunnen energi i lokaler: värdet 140 är högre än det högsta "
        "tillåtna, 100 %."
    )
    assert html.count(message) == 2  # In the summary and beside the field.
    row = response.context["form"].forms[
        [f.indicator.code for f in response.context["form"].forms].index("GN.7")
    ]
    assert row.errors["value"] == [message]
    # Everything typed stays in the form.
    assert f'name="{field("GN.2a", "value")}" value="42,5"' in html
    assert f'name="{field("GN.8a", "value")}" value="2,47"' in html
    assert f'name="{field("GN.7", "value")}" value="140"' in html


def test_every_error_is_shown_at_once_naming_its_indicator(client_as_reporter, vaggeryd):
    response = client_as_reporter.post(
        year_url(vaggeryd),
        page_post({"GN.7": "140", "GN.9b": "-0,5", "GN.8a": "2,471", "GN.2a": "många"}),
    )
    errors = {f.indicator.code: f.errors for f in response.context["form"].forms if f.errors}
    assert errors["GN.7"]["value"][0].endswith("högre än det högsta tillåtna, 100 %.")
    assert errors["GN.9b"]["value"] == [
        "GN.9b Växthusgasutsläpp från tjänsteresor: värdet kan inte vara negativt "
        "(-0,5 ton CO2e/årsarbetare)."
    ]
    assert errors["GN.8a"]["value"] == [
        "GN.8a Kommunorganisationens solceller: ange högst 2 decimaler."
    ]
    assert errors["GN.2a"]["value"][0].startswith("GN.2a Resor med kollektivtrafik: ”många”")
    assert "Inget sparades: 4 fält behöver rättas." in response.content.decode()
    assert saved(vaggeryd) == {}


def test_a_negative_tonnage_is_refused(client_as_reporter, vaggeryd):
    response = client_as_reporter.post(year_url(vaggeryd), page_post({"GN.9b": "-1"}))
    assert response.status_code == 200
    assert "kan inte vara negativt" in response.content.decode()
    assert saved(vaggeryd) == {}


def test_years_outside_1990_to_this_year_have_no_page(client_as_reporter, vaggeryd):
    next_year = datetime.date.today().year + 1
    assert client_as_reporter.get(year_url(vaggeryd, 1989)).status_code == 404
    assert client_as_reporter.get(year_url(vaggeryd, next_year)).status_code == 404
    assert client_as_reporter.post(year_url(vaggeryd, next_year), page_post({})).status_code == 404
    # Any year from 1990, so a new member can enter its history.
    assert client_as_reporter.get(year_url(vaggeryd, 1990)).status_code == 200
    client_as_reporter.post(year_url(vaggeryd, 1990), page_post({"GN.7": "12"}))
    assert saved(vaggeryd, 1990) == {"GN.7": Decimal("12")}


def test_a_move_of_more_than_half_is_saved_only_once_confirmed(client_as_reporter, vaggeryd):
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=indicator("GN.7"), year=YEAR - 1, value=Decimal("40")
    )
    data = page_post({"GN.7": "87,5", "GN.8a": "2,47"})
    response = client_as_reporter.post(year_url(vaggeryd), data)
    assert response.status_code == 200
    assert saved(vaggeryd) == {}
    html = response.content.decode()
    assert "Inget sparades än: bekräfta de stora förändringarna" in html
    assert (
        "GN.7 Förnybar och återvunnen energi i lokaler: 87,5 är 119 % högre än förra årets 40,0."
        in html
    )
    assert f'name="{field("GN.7", "confirm")}"' in html
    # A warning, not an error: the field has no error and the value stays.
    form = response.context["form"]
    assert form.error_count == 0
    assert f'name="{field("GN.7", "value")}" value="87,5"' in html

    response = client_as_reporter.post(year_url(vaggeryd), {**data, field("GN.7", "confirm"): "on"})
    assert response.status_code == 302
    assert saved(vaggeryd) == {"GN.7": Decimal("87.5"), "GN.8a": Decimal("2.47")}

    # Saving the page again does not ask again about a value already confirmed.
    assert client_as_reporter.post(year_url(vaggeryd), data).status_code == 302


def test_a_small_move_needs_no_confirmation(client_as_reporter, vaggeryd):
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=indicator("GN.7"), year=YEAR - 1, value=Decimal("60")
    )
    response = client_as_reporter.post(year_url(vaggeryd), page_post({"GN.7": "89"}))
    assert response.status_code == 302
    assert saved(vaggeryd) == {"GN.7": Decimal("89")}


def test_a_share_is_computed_from_its_two_numbers_and_both_are_kept(client_as_reporter, vaggeryd):
    energy = indicator("GN.7")
    response = client_as_reporter.post(
        year_url(vaggeryd),
        page_post({"GN.7": {"numerator": "1 234 567", "denominator": "1 500 000"}}),
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(organisation=vaggeryd, indicator=energy, year=YEAR)
    assert (value.value, value.numerator, value.denominator) == (
        Decimal("82.3"),
        Decimal("1234567"),
        Decimal("1500000"),
    )
    # Shown again next time.
    html = client_as_reporter.get(year_url(vaggeryd)).content.decode()
    assert f'name="{field("GN.7", "numerator")}" value="1234567"' in html
    assert f'name="{field("GN.7", "denominator")}" value="1500000"' in html
    assert f'name="{field("GN.7", "value")}" value="82,3"' in html


def test_a_typed_value_must_agree_with_its_two_numbers(client_as_reporter, vaggeryd):
    response = client_as_reporter.post(
        year_url(vaggeryd),
        page_post({"GN.7": {"value": "50", "numerator": "80", "denominator": "100"}}),
    )
    assert response.status_code == 200
    assert "värdet 50 stämmer inte med talen nedan, som ger 80,0" in response.content.decode()
    assert saved(vaggeryd) == {}


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        ("80", "", "ange både förnybar och återvunnen energi (kwh) och all energi (kwh)"),
        ("80", "0", "all energi (kwh) måste vara större än noll"),
        ("120", "100", "högre än det högsta tillåtna"),
    ],
)
def test_bad_numbers_behind_a_share_are_refused(
    client_as_reporter, vaggeryd, numerator, denominator, message
):
    response = client_as_reporter.post(
        year_url(vaggeryd),
        page_post({"GN.7": {"numerator": numerator, "denominator": denominator}}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert saved(vaggeryd) == {}


def test_a_saved_value_cannot_be_emptied_by_a_reporter(client_as_reporter, vaggeryd):
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=indicator("GN.7"), year=YEAR, value=Decimal("80")
    )
    response = client_as_reporter.post(year_url(vaggeryd), page_post({"GN.7": ""}))
    assert response.status_code == 200
    assert "ett sparat värde kan inte tömmas här" in response.content.decode()
    assert saved(vaggeryd) == {"GN.7": Decimal("80")}


def test_changing_one_value_updates_only_that_one(client_as_reporter, vaggeryd):
    client_as_reporter.post(year_url(vaggeryd), page_post({"GN.7": "80", "GN.8a": "2,47"}))
    response = client_as_reporter.post(
        year_url(vaggeryd), page_post({"GN.7": "80,0", "GN.8a": "2,6"})
    )
    assert response.status_code == 302
    page = client_as_reporter.get(year_url(vaggeryd)).content.decode()
    assert "0 nya och 1 ändrade värden" in page
    assert saved(vaggeryd) == {"GN.7": Decimal("80"), "GN.8a": Decimal("2.6")}


def test_fields_carry_their_saved_value_for_marking_changes(client_as_reporter, vaggeryd):
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=indicator("GN.8a"), year=YEAR, value=Decimal("2.47")
    )
    html = client_as_reporter.get(year_url(vaggeryd)).content.decode()
    assert f'name="{field("GN.8a", "value")}" value="2,47"' in html
    assert 'data-saved="2,47"' in html
    # Rows without a value are marked as empty from the start.
    assert 'class="report-row is-empty"' in html


def test_the_page_runs_a_fixed_number_of_queries(
    client_as_reporter, vaggeryd, django_assert_max_num_queries
):
    for code in ["GN.2a", "GN.7", "GN.8a", "GN.6a"]:
        for year in (YEAR - 1, YEAR):
            IndicatorValueFactory(
                organisation=vaggeryd, indicator=indicator(code), year=year, value=Decimal("1")
            )
    with django_assert_max_num_queries(8):
        assert client_as_reporter.get(year_url(vaggeryd)).status_code == 200


def test_saving_a_whole_year_with_every_value_changed_takes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    from indicators.models import FigureArea, FigureAverage, FigureLatest, FigurePool
    from tests.members.factories import MembershipFactory

    member = MembershipFactory(organisation__code="0665").organisation
    user = OrganisationAccessFactory(organisation=member).user
    client.force_login(user)
    codes = ["GN.2a", "GN.2b", "GN.7", "GN.8a", "GN.9a", "GN.9b"]
    for code in codes:
        IndicatorValueFactory(
            organisation=member, indicator=indicator(code), year=YEAR, value=Decimal("10")
        )
    data = page_post(dict.fromkeys(codes, "12"))
    # Session, user, page and access, then the write: values with history, sums and counts,
    # latest values, the pools of "Lär av" (lock, read, write), the data version: 20 on
    # PostgreSQL, 21 on SQLite's ORM path, whatever the number of members or values.
    with django_assert_max_num_queries(21):
        response = client.post(year_url(member), data)
    assert response.status_code == 302
    pool = FigurePool.objects.get(indicator=indicator("GN.7"), organisation_kind="kommun")
    assert [(row["organisation_id"], row["value"]) for row in pool.strong] == [(member.pk, 12.0)]
    assert set(saved(member).values()) == {Decimal("12")}
    sekom = FigureAverage.objects.get(
        area_kind=FigureArea.SEKOM, indicator=indicator("GN.7"), year=YEAR
    )
    assert (sekom.value_sum, sekom.value_count) == (Decimal("12"), 1)
    assert FigureLatest.objects.get(indicator=indicator("GN.7"), organisation=member).value == 12
