"""`manage.py import_values`: bulk loading from plain tables, Miljöbarometern and Kolada."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from indicators.models import Indicator, IndicatorValue
from tests.indicators.factories import IndicatorValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def energy():
    return Indicator.objects.get(revision__code="2023", code="GN.7")


@pytest.fixture
def emissions():
    return Indicator.objects.get(revision__code="2023", code="GN.1b")


def run(path, *args):
    out = io.StringIO()
    call_command("import_values", str(path), *args, stdout=out)
    return out.getvalue()


def run_failing(path, *args):
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_values", str(path), *args, stdout=out)
    return out.getvalue(), str(caught.value)


def stored():
    return sorted(
        IndicatorValue.objects.values_list(
            "organisation__code", "indicator__code", "year", "value", "status", "source_note"
        )
    )


def write_csv(tmp_path, text, name="varden.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_swedish_csv_with_names_decimal_commas_spaces_and_a_bom_loads(tmp_path, energy):
    path = tmp_path / "varden.csv"
    # Rows without a code name the municipality instead, in any case and with extra spaces.
    path.write_bytes(
        (
            "\ufeff Kommunkod ; Kommun ; Nyckeltal ;År; Värde ;Status;Källa\n"
            "0665;;GN.7;2021;80,5;;Egen mätning\n"
            "; Vaggeryds kommun ;gn.7;2022; 82,2 % ;preliminärt;\n"
            ";JÖNKÖPING;GN.7;2022;1 00;;\n"
        ).encode()
    )
    output = run(path)
    assert stored() == [
        ("0665", "GN.7", 2021, Decimal("80.5"), "final", "Egen mätning"),
        ("0665", "GN.7", 2022, Decimal("82.2"), "preliminary", ""),
        ("0680", "GN.7", 2022, Decimal("100"), "final", ""),
    ]
    assert "3 nya, 0 ändrade, 0 oförändrade" in output


def test_an_xlsx_file_loads_and_codes_that_lost_their_leading_zero_are_understood(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kommunkod", "nyckeltal", "år", "värde", "kommentar"])
    sheet.append([665, "GN.6a", 2020, 512, "Ny insamling"])
    sheet.append(["0665", "GN.1a", 2020.0, 2.47, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["06", "GN.2b", 2021, "95,5", None])  # a region by its county code
    path = tmp_path / "varden.xlsx"
    book.save(path)
    run(path)
    assert sorted(
        IndicatorValue.objects.values_list("organisation__code", "indicator__code", "value")
    ) == [
        ("06", "GN.2b", Decimal("95.5")),
        ("0665", "GN.1a", Decimal("2.47")),
        ("0665", "GN.6a", Decimal("512")),
    ]
    assert IndicatorValue.objects.get(indicator__code="GN.6a").comment == "Ny insamling"


def test_one_bad_row_writes_nothing_and_every_problem_is_named_with_its_row(tmp_path, energy):
    path = write_csv(
        tmp_path,
        "kommunkod;nyckeltal;år;värde\n"
        "0665;GN.7;2020;80\n"  # row 2: fine
        "Vagerud;GN.7;2020;80\n"  # row 3: unknown municipality
        "0665;GN.99;2020;80\n"  # row 4: unknown indicator
        "0665;GN.7;2021;åttio\n"  # row 5: not a number
        "0665;GN.7;2022;140\n"  # row 6: out of range
        "0665;GN.7;2020;81\n"  # row 7: same key as row 2
        "0665;GN.7;tjugo;81\n",  # row 8: not a year
    )
    output, error = run_failing(path)
    assert not IndicatorValue.objects.exists()
    assert "ingenting skrevs" in error
    assert "Rad 3: Okänd kommun eller region ”Vagerud”." in output
    assert "Rad 4: Okänt nyckeltal ”GN.99” i revision 2023." in output
    assert "Rad 5: ”åttio” är inte ett tal." in output
    assert (
        "Rad 6: GN.7 Förnybar och återvunnen energi i lokaler: värdet 140 är högre än det "
        "högsta tillåtna, 100 %." in output
    )
    assert "Rad 7: samma kommun, nyckeltal och år som rad 2." in output
    assert "Rad 8: ”tjugo” är inget årtal." in output
    assert "Rad 2:" not in output


def test_existing_values_are_updated_not_duplicated_and_the_history_names_the_user(
    tmp_path, energy, django_user_model
):
    office = django_user_model.objects.create_user("kansliet")
    vaggeryd_value = IndicatorValueFactory(
        organisation__code="0665", indicator=energy, year=2020, value=Decimal("70")
    )
    path = write_csv(
        tmp_path,
        "kommunkod;nyckeltal;år;värde\n0665;GN.7;2020;75\n0665;GN.7;2021;76\n",
    )
    output = run(path, "--user", "kansliet")
    assert "1 nya, 1 ändrade, 0 oförändrade" in output
    assert IndicatorValue.objects.count() == 2
    vaggeryd_value.refresh_from_db()
    assert vaggeryd_value.value == 75
    latest = vaggeryd_value.history.latest("history_date")
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        office,
        "Import från varden.csv",
    )
    again = run(path, "--user", "kansliet")
    assert "0 nya, 0 ändrade, 2 oförändrade" in again
    assert vaggeryd_value.history.count() == 2  # the factory's "+" and the import's "~"


def test_dry_run_checks_and_counts_but_writes_nothing(tmp_path, energy):
    path = write_csv(tmp_path, "kommunkod;nyckeltal;år;värde\n0665;GN.7;2020;75\n")
    output = run(path, "--dry-run")
    assert "Skulle ge 1 nya" in output
    assert "ingenting skrevs" in output
    assert not IndicatorValue.objects.exists()


def test_a_revision_column_or_option_chooses_the_older_catalogue(tmp_path):
    path = write_csv(
        tmp_path,
        'kommunkod,nyckeltal,revision,år,värde\n0665,GN.7,2012,2010,512\n0665,GN.7,,2020,"55,5"\n',
    )
    run(path)
    assert sorted(
        IndicatorValue.objects.values_list("indicator__revision__code", "indicator__code", "value")
    ) == [("2012", "GN.7", Decimal("512")), ("2023", "GN.7", Decimal("55.5"))]
    other = write_csv(tmp_path, "kommunkod;nyckeltal;år;värde\n0665;GN.7;2011;500\n", "b.csv")
    run(other, "--revision", "2012")
    assert IndicatorValue.objects.get(year=2011).indicator.revision.code == "2012"


def test_a_file_without_the_needed_columns_is_refused(tmp_path):
    path = write_csv(tmp_path, "kommun;värde\nVaggeryd;3\n")
    output, _error = run_failing(path)
    assert "Filen saknar kolumnen nyckeltal, år" in output


MILJOBAROMETERN = (
    "Rad-id;Mätområde;Datum;Värde (ton CO2e/inv)\n"
    "1;Vaggeryd;2021;2,47\n"
    "2;Vaggeryd;2022;2,31\n"
    "3;Jönköping;2022;1,9\n"
    "4;Sveriges Ekokommuner;2022;1,72\n"
    "5;Jönköpings län;2022;2,05\n"
    "6;Region Jönköpings län;2022;0,5\n"
    "7;Vaggeryd;2023;\n"
)


def test_a_miljobarometern_table_loads_and_aggregate_rows_are_skipped_and_reported(
    tmp_path, emissions
):
    path = write_csv(tmp_path, MILJOBAROMETERN, "GN1b.csv")
    output = run(path, "--format", "miljobarometern", "--indicator", "GN.1b")
    assert stored() == [
        ("06", "GN.1b", 2022, Decimal("0.5"), "final", ""),
        ("0665", "GN.1b", 2021, Decimal("2.47"), "final", ""),
        ("0665", "GN.1b", 2022, Decimal("2.31"), "final", ""),
        ("0680", "GN.1b", 2022, Decimal("1.9"), "final", ""),
    ]
    assert "4 nya, 0 ändrade, 0 oförändrade, 3 hoppades över" in output
    assert (
        "Hoppade över 1 (rader 5): sammanställning för flera organisationer "
        "(”Sveriges Ekokommuner”), inte en kommun." in output
    )
    assert "(”Jönköpings län”)" in output
    assert "Hoppade över 1 (rader 8): inget värde." in output


def test_a_miljobarometern_row_with_an_unknown_name_is_an_error_not_a_guess(tmp_path, emissions):
    path = write_csv(tmp_path, "Rad-id;Mätområde;Datum;Värde (ton CO2e/inv)\n1;Vagerud;2021;2,47\n")
    output, _error = run_failing(path, "--format", "miljobarometern", "--indicator", "GN.1b")
    assert "Rad 2: Okänd kommun eller region ”Vagerud”." in output
    assert not IndicatorValue.objects.exists()


def test_a_miljobarometern_table_in_another_unit_is_flagged(tmp_path, emissions):
    path = write_csv(tmp_path, "Rad-id;Mätområde;Datum;Värde (kg/inv)\n1;Vaggeryd;2021;2\n")
    output = run(path, "--format", "miljobarometern", "--indicator", "GN.1b")
    assert "Varning: Filens enhet är ”kg/inv” men GN.1b mäts i ”ton CO2e/inv”." in output


def test_miljobarometern_needs_the_indicator(tmp_path):
    path = write_csv(tmp_path, MILJOBAROMETERN)
    with pytest.raises(CommandError, match="--indicator"):
        call_command("import_values", str(path), "--format", "miljobarometern")


def kolada_file(tmp_path, entries):
    path = tmp_path / "kolada.json"
    path.write_text(json.dumps({"count": len(entries), "values": entries}), encoding="utf-8")
    return path


def kolada(kpi, municipality, period, total, women=None):
    values = [{"gender": "T", "count": 1, "status": "", "value": total}]
    if women is not None:
        values.insert(0, {"gender": "K", "count": 1, "status": "", "value": women})
    return {"kpi": kpi, "municipality": municipality, "period": period, "values": values}


def test_kolada_json_loads_the_totals_through_a_kpi_mapping(tmp_path):
    path = kolada_file(
        tmp_path,
        [
            kolada("N00401", "0665", 2022, 4.56, women=1.0),
            kolada("U07801", "0665", 2022, 512),
            kolada("N00401", "0006", 2022, 3.2),  # a region, padded to four digits
            kolada("N00401", "06", 2021, 3.3),  # the same region, two digits
            kolada("N00401", "0000", 2022, 5.0),  # the whole country
            kolada("N00999", "0665", 2022, 1.0),  # not mapped
            kolada("N00401", "0680", 2022, None),  # no value yet
        ],
    )
    mapping = tmp_path / "kpi.csv"
    mapping.write_text("kpi;nyckeltal\nU07801;GN.6a\n", encoding="utf-8")
    output = run(path, "--format", "kolada", "--kpi", "N00401=GN.1a", "--mapping", str(mapping))
    assert sorted(
        IndicatorValue.objects.values_list("organisation__code", "indicator__code", "year", "value")
    ) == [
        ("06", "GN.1a", 2021, Decimal("3.3")),
        ("06", "GN.1a", 2022, Decimal("3.2")),
        ("0665", "GN.1a", 2022, Decimal("4.56")),
        ("0665", "GN.6a", 2022, Decimal("512")),
    ]
    assert "Läste 7 poster." in output
    assert "Hoppade över 1 (poster 5): sammanställning för flera organisationer" in output
    assert "Hoppade över 1 (poster 6): KPI N00999 är inte kopplad till något nyckeltal." in output
    assert "Hoppade över 1 (poster 7): inget värde för totalen (kön T)." in output


def test_kolada_values_with_more_decimals_are_refused_unless_rounding_is_asked_for(tmp_path):
    path = kolada_file(tmp_path, [kolada("N00401", "0665", 2022, 4.5678)])
    output, _error = run_failing(path, "--format", "kolada", "--kpi", "N00401=GN.1a")
    assert "Post 1: GN.1a Växthusgasutsläpp utanför utsläppshandeln: ange högst 2 decimaler." in (
        output
    )
    run(path, "--format", "kolada", "--kpi", "N00401=GN.1a", "--round")
    assert IndicatorValue.objects.get().value == Decimal("4.57")


def test_kolada_needs_a_mapping(tmp_path):
    path = kolada_file(tmp_path, [kolada("N00401", "0665", 2022, 4.5)])
    with pytest.raises(CommandError, match="--kpi N00401=GN.1a"):
        call_command("import_values", str(path), "--format", "kolada")


def test_a_csv_with_old_mac_line_endings_loads(tmp_path):
    # Found by the hostile-input property test: a lone \r ended a line inside a field.
    path = tmp_path / "mac.csv"
    path.write_bytes(
        b"kommunkod;nyckeltal;\xc3\xa5r;v\xc3\xa4rde\r0665;GN.7;2021;80,5\r0680;GN.7;2021;90\r"
    )
    run(path)
    assert [row[:4] for row in stored()] == [
        ("0665", "GN.7", 2021, Decimal("80.5")),
        ("0680", "GN.7", 2021, Decimal("90")),
    ]


def test_a_binary_file_is_reported_not_a_crash(tmp_path):
    # Found by the hostile-input property test: bytes Windows-1252 does not define.
    path = tmp_path / "trasig.csv"
    path.write_bytes(b"\x8d\x81\x00kommunkod")
    output, error = run_failing(path)
    assert "Filen kan inte läsas som text" in output + error
    assert stored() == []


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("ton CO2ekv/inv", "ton CO2e/inv"),
        ("ton CO2-ekv/inv", "ton CO2e/inv"),
        ("ton CO₂e per invånare", "ton CO2e/inv"),
        ("Ton CO2 ekvivalenter / inv", "ton CO2e/inv"),
        ("kg/person", "kg / person"),
        ("procent", "%"),
    ],
)
def test_spellings_of_one_unit_are_the_same_unit(written, unit):
    from indicators.importers import same_unit

    assert same_unit(written, unit)


@pytest.mark.parametrize(("written", "unit"), [("ton CO2/inv", "ton CO2e/inv"), ("kg/inv", "%")])
def test_different_units_stay_different(written, unit):
    from indicators.importers import same_unit

    assert not same_unit(written, unit)


def test_a_miljobarometern_unit_spelled_with_ekv_gives_no_warning(tmp_path, emissions):
    path = write_csv(tmp_path, "Rad-id;Mätområde;Datum;Värde (ton CO2ekv/inv)\n1;Vaggeryd;2021;2\n")
    output = run(path, "--format", "miljobarometern", "--indicator", "GN.1b")
    assert "Varning" not in output
    assert IndicatorValue.objects.get().value == 2


def test_kolada_group_rows_are_reported_and_skipped_as_aggregates(tmp_path):
    path = kolada_file(
        tmp_path,
        [kolada("N00401", "G34215", 2022, 3.9), kolada("N00401", "0665", 2022, 4.5)],
    )
    output = run(path, "--format", "kolada", "--kpi", "N00401=GN.1a")
    assert (
        "Hoppade över 1 (poster 1): sammanställning för flera organisationer (”G34215”), "
        "inte en kommun." in output
    )
    assert list(IndicatorValue.objects.values_list("organisation__code", flat=True)) == ["0665"]


def test_a_kolada_value_with_too_many_decimals_names_the_round_option(tmp_path):
    path = kolada_file(tmp_path, [kolada("N00401", "0665", 2022, 4.5678)])
    output, _error = run_failing(path, "--format", "kolada", "--kpi", "N00401=GN.1a")
    assert (
        "Post 1: GN.1a Växthusgasutsläpp utanför utsläppshandeln: ange högst 2 decimaler. "
        "Lägg till --round för att avrunda till nyckeltalets decimaler." in output
    )


def test_each_command_line_import_is_recorded_but_not_a_dry_run(tmp_path, energy):
    from indicators.models import ImportRun

    path = write_csv(tmp_path, "kommunkod;nyckeltal;år;värde\n0665;GN.7;2021;80\n")
    run(path, "--dry-run")
    assert not ImportRun.objects.exists()
    run(path)
    record = ImportRun.objects.get()
    assert (record.door, record.format, record.file_name, record.created, record.succeeded) == (
        "command",
        "csv",
        "varden.csv",
        1,
        True,
    )


def test_a_file_without_a_comment_column_keeps_the_reporters_comments(reference_data):
    """The open downloads carry no comment column: importing one back must not erase the
    comments reporters wrote (a file with the column, even empty, does set them)."""
    from indicators.importers import read_file, values_import
    from tests.indicators.factories import IndicatorValueFactory
    from tests.members.factories import MunicipalityFactory

    vaggeryd = MunicipalityFactory(code="0665")
    value = IndicatorValueFactory(
        organisation=vaggeryd,
        indicator=Indicator.objects.get(revision__is_current=True, code="GN.6a"),
        year=2022,
        value=Decimal("420"),
        comment="Ny insamling av matavfall",
    )
    without = "kommunkod;nyckeltal;år;värde\r\n0665;GN.6a;2022;410\r\n".encode()
    assert values_import(read=read_file(without, fmt="csv")).ok
    value.refresh_from_db()
    assert (value.value, value.comment) == (Decimal("410"), "Ny insamling av matavfall")

    emptied = "kommunkod;nyckeltal;år;värde;kommentar\r\n0665;GN.6a;2022;410;\r\n".encode()
    assert values_import(read=read_file(emptied, fmt="csv")).ok
    value.refresh_from_db()
    assert value.comment == ""
