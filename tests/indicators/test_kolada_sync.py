"""kolada_sync against a stub of Kolada's API: what is stored, what is skipped and why,
idempotence, dry runs, a failed page, provenance, and whose values a figure takes."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators.models import (
    FigureLatest,
    ImportRun,
    ImportRunFigure,
    Indicator,
    IndicatorValue,
)
from indicators.selectors import kolada_last_syncs
from indicators.services import kolada_sync
from indicators.services.kolada_sync import SOURCE_NOTE, kolada_years
from members.models import Municipality
from tests.indicators.conftest import KOLADA_TEST_URL
from tests.indicators.kolada_support import (
    FIRST_PAGE,
    SECOND_PAGE,
    WASTE_URL,
    recorded,
    serve_waste,
)
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waste():
    return Indicator.objects.get(revision__is_current=True, code="GN.6a")


@pytest.fixture
def members():
    """Vaggeryd and Jönköping are members; Stockholm (0180) and Eda (1730) are not."""
    return {
        code: MembershipFactory(organisation=Municipality.objects.get(code=code)).organisation
        for code in ("0665", "0680")
    }


def stored(indicator) -> dict[str, Decimal]:
    return {
        v.organisation.code: v.value
        for v in IndicatorValue.objects.filter(indicator=indicator).select_related("organisation")
    }


def sync_waste(**options):
    return kolada_sync(indicator_codes=["GN.6a"], years=range(2022, 2023), **options)


def test_the_catalogue_ships_the_known_kolada_ids(waste):
    assert waste.kolada_kpi == "U07801"
    current = Indicator.objects.current()
    assert current.get(code="GN.1").kolada_kpi == "N00401"


def test_a_sync_stores_the_totals_of_every_page_and_reports_what_it_skipped(kolada, waste, members):
    serve_waste(kolada)
    report = sync_waste()
    assert report.ok and report.pages == 2
    # Only gender T: Vaggeryd's total 480.4, rounded to the figure's 0 decimals.
    assert stored(waste) == {"0665": Decimal("480"), "0680": Decimal("455"), "0180": Decimal("390")}
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.skipped == {
        "värde saknas i Kolada": 1,
        "grupp eller riket, inte en kommun (G33979)": 1,
        "grupp eller riket, inte en kommun (0000)": 1,
        "okänt id i Kolada: 9999": 1,
    }
    assert report.rounded == {waste.pk: 1}
    assert not IndicatorValue.objects.filter(organisation__code="1730").exists()  # never 0


def test_each_value_records_where_it_came_from(kolada, waste, members):
    serve_waste(kolada)
    sync_waste()
    value = IndicatorValue.objects.get(indicator=waste, organisation__code="0665")
    assert value.source_note == SOURCE_NOTE == "Källa: Kolada (RKA)"
    assert value.source_kpi == "U07801"
    assert value.fetched_on is not None
    assert value.history.get().history_change_reason == "Hämtat från Kolada"


def test_a_second_sync_changes_nothing(kolada, waste, members):
    serve_waste(kolada)
    serve_waste(kolada)
    sync_waste()
    history = IndicatorValue.history.count()
    again = sync_waste()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert IndicatorValue.history.count() == history


def test_a_changed_number_in_kolada_is_an_update_with_history(kolada, waste, members):
    serve_waste(kolada)
    changed = recorded("waste_page1.json")
    changed["values"][1]["values"][0]["value"] = 460
    kolada.get(WASTE_URL, json=changed, match=[FIRST_PAGE])
    kolada.get(WASTE_URL, json=recorded("waste_page2.json"), match=[SECOND_PAGE])
    sync_waste()
    report = sync_waste()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert stored(waste)["0680"] == Decimal("460")


def test_a_dry_run_counts_but_writes_nothing(kolada, waste, members):
    serve_waste(kolada)
    runs = ImportRun.objects.count()
    report = sync_waste(dry_run=True)
    assert (report.created, report.unchanged) == (3, 0)
    assert not IndicatorValue.objects.filter(indicator=waste).exists()
    assert ImportRun.objects.count() == runs
    assert report.lines()[0] == "Provkörning: inget sparades."


def test_a_failed_page_keeps_the_pages_before_it_and_says_where_it_stopped(kolada, waste, members):
    serve_waste(kolada, second={"status": 503})
    report = sync_waste()
    assert not report.ok
    assert report.stopped_at == WASTE_URL + "?page=2&per_page=5000"
    assert set(stored(waste)) == {"0665", "0680", "0180"}  # page 1 stayed
    run = ImportRun.objects.get(pk=report.run_id)
    assert not run.succeeded and run.created == 3
    assert "Avbröt vid sidan" in run.messages[-1]


def test_a_timeout_that_persists_is_reported_not_raised(kolada, waste, members):
    import requests

    kolada.get(WASTE_URL, body=requests.ReadTimeout("slow"))
    report = sync_waste()
    assert not report.ok and "ReadTimeout" in report.error
    assert report.stopped_at == WASTE_URL


def test_national_figures_take_values_of_non_members_who_never_become_examples(
    kolada, waste, members
):
    serve_waste(kolada)
    sync_waste()
    assert IndicatorValue.objects.filter(indicator=waste, organisation__code="0180").exists()
    latest = set(FigureLatest.objects.filter(indicator=waste).values_list("organisation__code"))
    assert latest == {("0665",), ("0680",)}


def test_figures_the_members_report_are_never_synced(kolada, members):
    energy = Indicator.objects.get(revision__is_current=True, code="GN.7")
    energy.kolada_kpi = "N00000"
    energy.save()
    report = kolada_sync(indicator_codes=["GN.7"], years=[2022])
    assert report.pages == 0 and not kolada.calls
    assert report.skipped_count == 1
    assert "rapporteras av medlemmarna" in next(iter(report.skipped))
    assert not IndicatorValue.objects.filter(indicator=energy).exists()


def test_a_region_answers_to_its_kolada_id_and_kinds_are_respected(kolada, members):
    emissions = Indicator.objects.current().get(code="GN.1")  # applies to regions too
    kolada.get(f"{KOLADA_TEST_URL}/data/kpi/N00401/year/2021", json=recorded("emissions.json"))
    report = kolada_sync(indicator_codes=["N00401"], years=[2021])
    assert report.created == 2
    assert stored(emissions) == {"0665": Decimal("4.3"), "06": Decimal("5.1")}


def test_one_municipality_asks_kolada_for_that_municipality_only(kolada, waste, members):
    url = f"{KOLADA_TEST_URL}/data/kpi/U07801/municipality/0680/year/2022"
    only = {"values": [recorded("waste_page1.json")["values"][1]]}
    kolada.get(url, json=only)
    report = kolada_sync(indicator_codes=["GN.6a"], years=[2022], municipality_codes=["0680"])
    assert report.created == 1 and stored(waste) == {"0680": Decimal("455")}


def test_the_run_and_each_figures_changes_are_recorded_for_the_admin(kolada, waste, members):
    serve_waste(kolada)
    report = sync_waste()
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.format == ImportRun.Format.KOLADA_API and run.succeeded
    assert (run.created, run.skipped) == (3, 4)
    figure = ImportRunFigure.objects.get(run=run)
    assert (figure.indicator, figure.created, figure.skipped) == (waste, 3, 4)
    assert kolada_last_syncs(indicator_ids=[waste.pk])[waste.pk]["created"] == 3


def test_the_command_prints_the_report_in_swedish(kolada, waste, members, capsys):
    serve_waste(kolada)
    call_command("kolada_sync", "--indicator", "GN.6a", "--years", "2022-2022")
    out = capsys.readouterr().out
    assert "Hämtat från Kolada." in out
    assert "Sidor: 2. Nya: 3, ändrade: 0, oförändrade: 0, överhoppade: 4." in out
    assert "Hoppade över 1: okänt id i Kolada: 9999" in out
    assert "Avrundade 1 värden för GN.6a" in out


def test_the_command_fails_when_a_page_fails(kolada, waste, members, capsys):
    serve_waste(kolada, second={"status": 503})
    with pytest.raises(CommandError, match="Avbröt vid sidan"):
        call_command("kolada_sync", "--indicator", "GN.6a", "--years", "2022")


def test_years_are_read_as_a_span_or_one_year():
    assert kolada_years("2010-2024") == range(2010, 2025)
    assert kolada_years("2022") == range(2022, 2023)
    with pytest.raises(ValueError):
        kolada_years("2024-2010")


@pytest.mark.parametrize("old_decimals, new_decimals", [(1, 0), (0, 1)])
def test_one_kpi_filling_two_figures_rounds_for_each_by_its_own_decimals(
    kolada, members, old_decimals, new_decimals
):
    old_waste = Indicator.objects.get(revision__code="2012", code="GN.7")
    new_waste = Indicator.objects.get(revision__code="2023", code="GN.6a")
    for figure, decimals in ((old_waste, old_decimals), (new_waste, new_decimals)):
        figure.decimals = decimals
        figure.save()
    kolada.get(
        f"{KOLADA_TEST_URL}/data/kpi/U07801/year/2022",
        json={"values": [recorded("waste_page1.json")["values"][0]]},
    )
    report = kolada_sync(indicator_codes=["U07801"], years=[2022])
    expected = {0: Decimal("480"), 1: Decimal("480.4")}
    assert stored(old_waste) == {"0665": expected[old_decimals]}
    assert stored(new_waste) == {"0665": expected[new_decimals]}
    rounded = old_waste if old_decimals == 0 else new_waste
    assert report.rounded == {rounded.pk: 1}


def test_a_value_outside_the_figures_range_is_skipped_with_its_reason_and_the_rest_stored(
    kolada, members
):
    nature = Indicator.objects.current().get(code="GN.5")  # a share: 0-100 %
    entry = {"kpi": "N85054", "period": 2022}
    kolada.get(
        f"{KOLADA_TEST_URL}/data/kpi/N85054/year/2022",
        json={
            "values": [
                {**entry, "municipality": "0665", "values": [{"gender": "T", "value": 4.5}]},
                {**entry, "municipality": "0680", "values": [{"gender": "T", "value": 150}]},
            ]
        },
    )
    report = kolada_sync(indicator_codes=["GN.5"], years=[2022])
    assert stored(nature) == {"0665": Decimal("4.5")}
    (reason,) = report.skipped
    assert "högre än det högsta tillåtna" in reason


def test_a_region_given_by_its_two_digit_county_code_is_found_too(kolada, members):
    emissions = Indicator.objects.current().get(code="GN.1")
    answer = recorded("emissions.json")
    answer["values"][1]["municipality"] = "06"
    kolada.get(f"{KOLADA_TEST_URL}/data/kpi/N00401/year/2021", json=answer)
    kolada_sync(indicator_codes=["GN.1"], years=[2021])
    assert stored(emissions)["06"] == Decimal("5.1")
