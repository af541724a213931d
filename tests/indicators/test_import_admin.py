"""Import and export in the admin (django-import-export), through the one write service."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import ImportRun, Indicator, IndicatorValue
from tests.admin_imports import CSV, XLSX, confirm, export, preview
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def value_preview(client, name, content, layout="table", **extra):
    """The admin's value import, step one: the form posted, the preview answered."""
    return client.post(
        reverse(f"admin:{VALUES}_import"),
        {"layout": layout, "import_file": SimpleUploadedFile(name, content), **extra},
    )


def value_confirm(client, response):
    form = response.context.get("confirm_form")
    assert form is not None, (
        response.context["report"].errors
        if response.context.get("report")
        else response.context["form"].errors
    )
    return client.post(reverse(f"admin:{VALUES}_process_import"), form, follow=True)


def values_table():
    return sorted(
        IndicatorValue.objects.values_list(
            "organisation__code", "indicator__code", "year", "value", "status", "source_note"
        )
    )


VALUES = "indicators_indicatorvalue"


def test_a_clean_csv_is_previewed_then_imported_with_the_importer_in_the_history(
    admin_client, admin_user
):
    content = (
        "\ufeffkommunkod; Kommun ;nyckeltal;år;värde;status;källa\n"
        "0665;;GN.7;2021;80,5;;Egen mätning\n"
        "; vaggeryd ;GN.7;2022;82,3;preliminärt;\n"
        ";Jönköpings kommun;GN.1a;2022;2,47;;\n"
    ).encode()
    response = value_preview(admin_client, "varden.csv", content)
    assert response.status_code == 200
    assert response.context["report"].ok
    assert not IndicatorValue.objects.exists()  # the preview writes nothing

    value_confirm(admin_client, response)
    assert values_table() == [
        ("0665", "GN.7", 2021, Decimal("80.5"), "final", "Egen mätning"),
        ("0665", "GN.7", 2022, Decimal("82.3"), "preliminary", ""),
        ("0680", "GN.1a", 2022, Decimal("2.47"), "final", ""),
    ]
    history = IndicatorValue.history.all()
    assert {(h.history_type, h.history_user_id) for h in history} == {("+", admin_user.pk)}
    assert history.first().history_change_reason == "Import i administrationen varden.csv"


def test_a_clean_xlsx_is_imported(admin_client):
    IndicatorValueFactory(
        organisation=MunicipalityFactory(code="0665"),
        indicator=Indicator.objects.get(revision__code="2023", code="GN.6a"),
        year=2020,
        value=Decimal(500),
    )
    book = openpyxl.Workbook()
    book.active.append(["Kommunkod", "Nyckeltal", "År", "Värde"])
    book.active.append([665, "GN.6a", 2020, 512])  # an update of the stored 500
    book.active.append(["0665", "GN.6a", 2021, 498.0])
    buffer = io.BytesIO()
    book.save(buffer)
    response = value_preview(admin_client, "varden.xlsx", buffer.getvalue())
    value_confirm(admin_client, response)
    assert sorted(IndicatorValue.objects.values_list("year", "value")) == [
        (2020, Decimal("512")),
        (2021, Decimal("498")),
    ]
    assert IndicatorValue.objects.count() == 2


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row(admin_client):
    content = (
        "kommunkod;nyckeltal;år;värde\n"
        "0665;GN.7;2021;80\n"
        "0665;GN.7;2022;140\n"  # row 3: above 100 %
        "Vagerud;GN.7;2022;50\n"  # row 4: unknown name
        "0665;GN.7;2021;81\n"  # row 5: the same key as row 2
    ).encode()
    response = value_preview(admin_client, "varden.csv", content)
    html = response.content.decode()
    assert response.context.get("confirm_form") is None
    problems = [(p.line, p.message) for p in response.context["report"].problems]
    assert problems == [
        (
            3,
            "GN.7 Förnybar och återvunnen energi i lokaler: värdet 140 är högre än det högsta "
            "tillåtna, 100 %.",
        ),
        (4, "Okänd kommun eller region ”Vagerud”."),
        (5, "samma kommun, nyckeltal och år som rad 2."),
    ]
    assert "Okänd kommun eller region ”Vagerud”." in html
    assert not IndicatorValue.objects.exists()
    run = ImportRun.objects.get()
    assert (run.door, run.format, run.file_name, run.succeeded) == (
        "admin",
        "csv",
        "varden.csv",
        False,
    )
    assert "Rad 4: Okänd kommun eller region ”Vagerud”." in run.messages


def test_an_unreadable_number_and_an_unknown_indicator_are_reported_per_row(admin_client):
    content = "kommunkod,nyckeltal,år,värde\n0665,GN.7,2021,åttio\n0665,GN.42,2021,8\n"
    response = value_preview(admin_client, "varden.csv", content.encode())
    assert [(p.line, p.message) for p in response.context["report"].problems] == [
        (2, "”åttio” är inte ett tal. Skriv till exempel 2,47 eller 1 250."),
        (3, "Okänt nyckeltal ”GN.42” i revision 2023."),
    ]


@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_export_then_import_changes_nothing(admin_client, fmt):
    vaggeryd = MunicipalityFactory(code="0665")
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    waste = Indicator.objects.get(revision__code="2023", code="GN.6a")
    older = Indicator.objects.get(revision__code="2012", code="GN.7")
    IndicatorValueFactory(organisation=vaggeryd, indicator=energy, year=2021, value="80.5")
    IndicatorValueFactory(
        organisation=vaggeryd,
        indicator=energy,
        year=2022,
        value="100",
        status="preliminary",
        source_note="Egen mätning; fakturor",
        comment='Rad ett\nrad två, "citat"',
    )
    IndicatorValueFactory(organisation=vaggeryd, indicator=waste, year=2022, value="512")
    IndicatorValueFactory(organisation=vaggeryd, indicator=older, year=2010, value="498")
    before = sorted(IndicatorValue.objects.values_list())
    history_before = IndicatorValue.history.count()

    content = export(admin_client, VALUES, fmt)
    response = value_preview(admin_client, "export." + ("csv" if fmt == CSV else "xlsx"), content)
    report = response.context["report"]
    assert report.ok and report.unchanged == 4 and not response.context["rows"]
    value_confirm(admin_client, response)
    after = sorted(IndicatorValue.objects.values_list())
    assert [row[:-2] for row in after] == [row[:-2] for row in before]  # all but entered_*
    assert IndicatorValue.history.count() == history_before


def test_the_export_follows_the_admin_filter_and_carries_units_and_sources(admin_client):
    vaggeryd = MunicipalityFactory(code="0665")
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    waste = Indicator.objects.get(revision__code="2023", code="GN.6a")
    IndicatorValueFactory(organisation=vaggeryd, indicator=energy, year=2021, value="80.5")
    IndicatorValueFactory(organisation=vaggeryd, indicator=waste, year=2021, value="512")
    text = export(admin_client, VALUES, CSV, indicator__id__exact=waste.pk).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == (
        "kommunkod,kommun,nyckeltal,revision,nyckeltalets namn,år,värde,enhet,status,källa,"
        "kommentar,datakälla,täljare,nämnare"
    )
    assert lines[1:] == [
        "0665,Vaggeryd,GN.6a,2023,Mängd hushållsavfall,2021,512,kg/person,slutligt,,,"
        "Avfall Sverige,,"
    ]


def test_the_catalogue_exports_and_imports_back_unchanged_and_corrections_apply(admin_client):
    model = "indicators_indicator"
    before = sorted(Indicator.objects.values_list())
    content = export(admin_client, model, XLSX)
    response = preview(admin_client, model, "katalog.xlsx", content, XLSX)
    assert response.context["result"].totals["skip"] == Indicator.objects.count()
    confirm(admin_client, model, response)
    assert sorted(Indicator.objects.values_list()) == before

    content = (
        "revision,kod,namn,enhet,riktning,decimaler,lägsta värde,högsta värde,huvudindikator\n"
        "2023,GN.8b,Solceller i kommunen (nätanslutna),W/inv,higher,2,0,,GN.8\n"
    ).encode()
    response = preview(admin_client, model, "rattelse.csv", content)
    confirm(admin_client, model, response)
    corrected = Indicator.objects.get(revision__code="2023", code="GN.8b")
    assert corrected.name == "Solceller i kommunen (nätanslutna)"
    assert corrected.parent.code == "GN.8"


def test_saving_one_value_in_the_admin_still_goes_through_the_service(admin_client, admin_user):
    # values_upsert now returns its values lazily after a bulk write; the admin needs the pk.
    vaggeryd = MunicipalityFactory(code="0665")
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    response = admin_client.post(
        reverse("admin:indicators_indicatorvalue_add"),
        {
            "organisation": vaggeryd.pk,
            "indicator": energy.pk,
            "year": 2022,
            "value": "82.5",
            "status": "final",
            "source_note": "",
            "comment": "",
            "numerator": "",
            "denominator": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    value = IndicatorValue.objects.get()
    assert value.value == Decimal("82.5")
    assert value.history.get().history_user == admin_user


MILJOBAROMETERN = (
    "Rad-id;Mätområde;Datum;Värde (ton CO2ekv/inv)\n"
    "1;Sveriges Ekokommuner;2022;1,72\n"
    "2;Jönköpings län;2022;1,90\n"
    "3;Vaggeryd;2021;2,47\n"
    "4;Vaggeryd;2022;2,31\n"
).encode()


def test_a_miljobarometern_table_is_imported_with_its_figure_and_aggregates_are_skipped(
    admin_client,
):
    emissions = Indicator.objects.get(revision__code="2023", code="GN.1b")
    MunicipalityFactory(code="0665")
    response = value_preview(
        admin_client, "GN1b.csv", MILJOBAROMETERN, layout="miljobarometern", indicator=emissions.pk
    )
    report = response.context["report"]
    assert report.ok and not report.warnings  # CO2ekv is CO2e: no unit warning
    assert [(line, reason) for line, reason in report.skipped] == [
        (2, "sammanställning för flera organisationer (”Sveriges Ekokommuner”), inte en kommun"),
        (3, "sammanställning för flera organisationer (”Jönköpings län”), inte en kommun"),
    ]
    html = response.content.decode()
    assert "Rader som hoppas över" in html and "Sveriges Ekokommuner" in html
    value_confirm(admin_client, response)
    assert sorted(IndicatorValue.objects.values_list("year", "value")) == [
        (2021, Decimal("2.47")),
        (2022, Decimal("2.31")),
    ]
    run = ImportRun.objects.get()
    assert (run.door, run.format, run.created, run.skipped, run.succeeded) == (
        "admin",
        "miljobarometern",
        2,
        2,
        True,
    )


def test_miljobarometern_needs_the_figure_on_the_form(admin_client):
    response = value_preview(admin_client, "GN1b.csv", MILJOBAROMETERN, layout="miljobarometern")
    assert response.context["form"].errors == {
        "indicator": ["Välj vilket nyckeltal Miljöbarometerns tabell gäller."]
    }


def test_kolada_json_is_imported_and_group_rows_are_skipped(admin_client):
    import json

    MunicipalityFactory(code="0665")
    entries = [
        {
            "kpi": "N00401",
            "municipality": code,
            "period": 2022,
            "values": [{"gender": "T", "count": 1, "status": "", "value": value}],
        }
        for code, value in (("0665", 4.56), ("G34215", 4.1))
    ]
    content = json.dumps({"values": entries}).encode()
    response = value_preview(
        admin_client, "kolada.json", content, layout="kolada", kpi="N00401=GN.1a"
    )
    report = response.context["report"]
    assert report.skipped == [
        (2, "sammanställning för flera organisationer (”G34215”), inte en kommun")
    ]
    value_confirm(admin_client, response)
    assert IndicatorValue.objects.get().value == Decimal("4.56")


def test_kolada_with_too_many_decimals_says_how_to_round(admin_client):
    import json

    MunicipalityFactory(code="0665")
    entry = {"kpi": "N00401", "municipality": "0665", "period": 2022}
    entry["values"] = [{"gender": "T", "count": 1, "status": "", "value": 4.5678}]
    content = json.dumps({"values": [entry]}).encode()
    response = value_preview(
        admin_client, "kolada.json", content, layout="kolada", kpi="N00401=GN.1a"
    )
    assert "Avrunda till nyckeltalets decimaler" in response.context["report"].errors[0]
    response = value_preview(
        admin_client, "kolada.json", content, layout="kolada", kpi="N00401=GN.1a", round_values="on"
    )
    value_confirm(admin_client, response)
    assert IndicatorValue.objects.get().value == Decimal("4.57")


def test_the_preview_shows_old_and_new_values_the_swedish_way_without_export_columns(
    admin_client,
):
    vaggeryd = MunicipalityFactory(code="0665")
    emissions = Indicator.objects.get(revision__code="2023", code="GN.1a")
    IndicatorValueFactory(organisation=vaggeryd, indicator=emissions, year=2021, value="0.24")
    content = (
        "kommunkod;kommun;nyckeltal;år;värde;enhet;datakälla\n"
        "0665;Vaggeryd;GN.1a;2021;4,6;ton;SMED\n"
        "0665;Vaggeryd;GN.1a;2022;1234,5;ton;SMED\n"
    ).encode()
    response = value_preview(admin_client, "varden.csv", content)
    html = response.content.decode()
    assert "0,24 → 4,60" in html
    assert "ny: 1\u202f234,50" in html
    table = html[html.index('<table class="import-preview">') :]
    table = table[: table.index("</table>")]
    assert "4.60.24" not in html
    for export_only in ("enhet", "datakälla", "SMED", "ton<"):
        assert export_only not in table
    assert [row["kind"] for row in response.context["rows"]] == ["changed", "new"]


def test_the_export_screen_and_file_are_in_swedish(admin_client):
    vaggeryd = MunicipalityFactory(code="0665")
    IndicatorValueFactory(
        organisation=vaggeryd,
        indicator=Indicator.objects.get(revision__code="2023", code="GN.6a"),
        year=2021,
        value="512",
    )
    url = reverse(f"admin:{VALUES}_export")
    html = admin_client.get(url).content.decode()
    assert "Organisation Name" not in html and ">Kommun<" in html.replace("\n", "")
    form = admin_client.get(url).context["form"]
    data = {"format": XLSX, "resource": "0"}
    data.update({name: "on" for name in form.fields if name not in ("format", "resource")})
    data.pop("export_items", None)
    response = admin_client.post(url, data)
    assert "värden-" in response["Content-Disposition"]
    assert "IndicatorValue" not in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Värden"]


SHARE_FILE = (
    "kommunkod;nyckeltal;år;värde;täljare;nämnare\n"
    "0665;GN.7;2021;;800;1000\n"  # the two numbers only: the share is computed
    "0665;GN.7;2022;50;;\n"  # the value only
).encode()


def share_rows():
    return sorted(IndicatorValue.objects.values_list("year", "value", "numerator", "denominator"))


def test_a_share_given_as_two_numbers_gives_the_same_rows_through_both_doors(
    admin_client, tmp_path
):
    from django.core.management import call_command

    vaggeryd = MunicipalityFactory(code="0665")
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    # A stored value with its numbers that the file changes without giving numbers.
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=energy, year=2022, value="40", numerator=4, denominator=10
    )
    value_confirm(admin_client, value_preview(admin_client, "andel.csv", SHARE_FILE))
    through_admin = share_rows()
    assert through_admin == [
        (2021, Decimal("80"), Decimal("800"), Decimal("1000")),
        (2022, Decimal("50"), None, None),  # numbers that no longer give the value are dropped
    ]
    IndicatorValue.objects.filter(year=2021).delete()
    IndicatorValue.objects.filter(year=2022).update(value=40, numerator=4, denominator=10)
    path = tmp_path / "andel.csv"
    path.write_bytes(SHARE_FILE)
    call_command("import_values", str(path), stdout=io.StringIO())
    assert share_rows() == through_admin


def test_stored_numbers_that_still_give_the_value_are_kept_on_every_path(admin_client):
    vaggeryd = MunicipalityFactory(code="0665")
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    IndicatorValueFactory(
        organisation=vaggeryd, indicator=energy, year=2022, value="40", numerator=4, denominator=10
    )
    response = value_preview(
        admin_client,
        "andel.csv",
        b"kommunkod;nyckeltal;\xc3\xa5r;v\xc3\xa4rde\n0665;GN.7;2022;40\n",
    )
    assert response.context["report"].unchanged == 1


def test_a_typed_share_that_disagrees_with_its_numbers_is_refused(admin_client):
    MunicipalityFactory(code="0665")
    content = "kommunkod;nyckeltal;år;värde;täljare;nämnare\n0665;GN.7;2021;50;800;1000\n"
    response = value_preview(admin_client, "andel.csv", content.encode())
    assert "stämmer inte med talen" in response.context["report"].errors[0]
    assert response.context["report"].problems[0].line == 2


def test_import_runs_are_listed_read_only_newest_first_and_filtered_by_outcome(admin_client):
    MunicipalityFactory(code="0665")
    good = b"kommunkod;nyckeltal;\xc3\xa5r;v\xc3\xa4rde\n0665;GN.7;2021;80\n"
    value_confirm(admin_client, value_preview(admin_client, "bra.csv", good))
    value_preview(admin_client, "fel.csv", good.replace(b"0665", b"9999"))
    assert list(ImportRun.objects.values_list("file_name", "succeeded")) == [
        ("fel.csv", False),
        ("bra.csv", True),
    ]
    assert list(ImportRun.objects.failed().values_list("file_name", flat=True)) == ["fel.csv"]
    url = reverse("admin:indicators_importrun_changelist")
    html = admin_client.get(url).content.decode()
    assert html.index("fel.csv") < html.index("bra.csv")
    failed_only = admin_client.get(url + "?succeeded__exact=0").content.decode()
    assert "fel.csv" in failed_only and "bra.csv" not in failed_only
    run = ImportRun.objects.failed().get()
    assert admin_client.get(reverse("admin:indicators_importrun_add")).status_code == 403
    page = admin_client.get(reverse("admin:indicators_importrun_change", args=[run.pk]))
    assert page.status_code == 200 and "Okänd kommunkod ”9999”" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


def test_aggregate_rows_in_a_plain_table_are_skipped_and_reported_not_errors(admin_client):
    MunicipalityFactory(code="0665")
    content = (
        "kommun;nyckeltal;år;värde\n"
        "Sveriges Ekokommuner;GN.6a;2022;491\n"
        "Jönköpings län;GN.6a;2022;470\n"
        "Vaggeryd;GN.6a;2022;289\n"
    ).encode()
    response = value_preview(admin_client, "avfall.csv", content)
    report = response.context["report"]
    assert report.ok
    assert [line for line, _reason in report.skipped] == [2, 3]
    value_confirm(admin_client, response)
    assert list(IndicatorValue.objects.values_list("value", flat=True)) == [Decimal("289")]


def test_a_confirmation_with_changed_hidden_fields_is_refused(admin_client):
    MunicipalityFactory(code="0665")
    content = b"kommunkod;nyckeltal;\xc3\xa5r;v\xc3\xa4rde\n0665;GN.7;2021;80\n"
    response = value_preview(admin_client, "bra.csv", content)
    form = dict(response.context["confirm_form"])
    url = reverse(f"admin:{VALUES}_process_import")
    assert admin_client.post(url, {**form, "kept": "../../etc/passwd"}).status_code == 403
    assert (
        admin_client.post(url, {**form, "layout": "miljobarometern", "indicator": "x"}).status_code
        == 403
    )
    assert not IndicatorValue.objects.exists()


def test_catalogue_choices_export_in_swedish(admin_client):
    # The membership list's status: tests/members/test_member_imports.py.
    catalogue = export(admin_client, "indicators_indicator", CSV).decode("utf-8-sig")
    for english in ("lower", "higher", "national", "member"):
        assert f",{english}," not in catalogue
    for swedish in ("lägre är bättre", "högre är bättre", "nationell databas", "medlemmen"):
        assert f",{swedish}," in catalogue
    # The Swedish labels read back as the stored choices: the round trip changes nothing.
    before = sorted(Indicator.objects.values_list("code", "direction", "reported_by"))
    response = preview(admin_client, "indicators_indicator", "katalog.csv", catalogue.encode())
    assert response.context["result"].totals["skip"] == Indicator.objects.count()
    confirm(admin_client, "indicators_indicator", response)
    assert sorted(Indicator.objects.values_list("code", "direction", "reported_by")) == before
