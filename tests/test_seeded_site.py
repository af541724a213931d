"""The product on a site in use: every write and read path on a database built by `seed_demo`.

The other tests each start from an empty database and so missed what only a site in use has:
members' own key figures (no revision), their targets, value history and former members. The
demo data is built once for this module (fewer members than `make run`, every kind of data) and
removed afterwards; each test runs in its own rolled-back transaction on top of it.
"""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.demo import demo_reset
from indicators.models import ImportRun, Indicator, IndicatorValue, Target
from indicators.services import ValueInput, values_upsert
from members.models import Membership, Municipality, OrganisationAccess
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture(scope="module", autouse=True)
def seeded_site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command(
            "seed_demo",
            "--members",
            "16",
            "--years",
            "2008-2024",
            "--seed",
            "7",
            stdout=io.StringIO(),
        )
        admin = get_user_model().objects.get(username="admin")
        # A site in use has history: the office corrected a few values through the service.
        corrected = IndicatorValue.objects.filter(indicator__owner__isnull=True)[:3]
        values_upsert(
            rows=[
                ValueInput(
                    organisation_id=v.organisation_id,
                    indicator=v.indicator,
                    year=v.year,
                    value=v.value,
                    status=v.status,
                    source_note="Rättat av kansliet",
                )
                for v in corrected
            ],
            user=admin,
            change_reason="Rättelse",
        )
    yield
    with django_db_blocker.unblock():
        demo_reset()
        # demo_reset's deletions are themselves history rows: leave the database as found.
        IndicatorValue.history.all().delete()
        ImportRun.objects.all().delete()
        get_user_model().objects.filter(username="admin").delete()
        # The next module expects the empty database (with reference data) it always had.
        left = {
            "values": IndicatorValue.objects.count(),
            "history": IndicatorValue.history.count(),
            "memberships": Membership.objects.count(),
            "own figures": Indicator.objects.own().count(),
            "member targets": Target.objects.filter(organisation__isnull=False).count(),
            "users": get_user_model().objects.count(),
        }
        assert set(left.values()) == {0}, left


def test_the_seeded_site_has_every_kind_of_data():
    # The premise of this module: if the demo data lost one of these, the tests below would
    # no longer test a site in use.
    assert Indicator.objects.own().filter(values__isnull=False).exists()
    assert Target.objects.filter(indicator__owner__isnull=False).exists()
    assert Target.objects.filter(organisation__isnull=False, indicator__owner__isnull=True).exists()
    assert IndicatorValue.history.exists()
    assert Membership.objects.filter(status=Membership.Status.RESIGNED).exists()
    assert Indicator.objects.own().filter(retired_on__isnull=False).exists()


@pytest.fixture
def vaggeryd():
    return Municipality.objects.get(code="0665")


@pytest.fixture
def office_client(client):
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def stored(code, indicator_code, year):
    return (
        IndicatorValue.objects.filter(
            organisation__code=code,
            indicator__revision__is_current=True,
            indicator__code=indicator_code,
            year=year,
        )
        .values_list("value", flat=True)
        .first()
    )


# --- Writes ----------------------------------------------------------------------------------


def test_the_year_form_saves_on_a_member_with_own_figures(client, vaggeryd):
    reporter = UserFactory()
    OrganisationAccess.objects.create(
        user=reporter, organisation=vaggeryd, level=OrganisationAccess.Level.REPORTER
    )
    client.force_login(reporter)
    url = f"{reverse('reporting_year', args=[YEAR])}?org=0665"
    page = client.get(url)
    assert page.status_code == 200
    forms = page.context["form"].forms
    own = [f for f in forms if f.indicator.is_own]
    assert own, "Vaggeryd reports its own figures in the form"
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            if name != "confirm":
                data[f"{form.prefix}-{name}"] = form.initial.get(name, field.initial or "")
    own_form = own[0]
    before = own_form.current.value if own_form.current else Decimal(2)
    data[f"{own_form.prefix}-value"] = str(before).replace(".", ",")
    data[f"{own_form.prefix}-comment"] = "Nya cykelvägar i centrum."
    data[f"{own_form.prefix}-confirm"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, [f.errors for f in response.context["form"].forms]
    saved = IndicatorValue.objects.get(
        organisation=vaggeryd, indicator=own_form.indicator, year=YEAR
    )
    assert saved.comment == "Nya cykelvägar i centrum."
    assert saved.history.first().history_user == reporter


def admin_import(client, name, content, **extra):
    response = client.post(
        reverse("admin:indicators_indicatorvalue_import"),
        {"layout": "table", "import_file": SimpleUploadedFile(name, content), **extra},
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok, report.errors
    return client.post(
        reverse("admin:indicators_indicatorvalue_process_import"),
        response.context["confirm_form"],
        follow=True,
    )


def test_the_admin_imports_a_csv_on_the_seeded_site(office_client):
    content = "kommunkod;nyckeltal;år;värde\n0665;GN.6a;2024;333\nVaggeryd;GN.6a;2022;350\n"
    admin_import(office_client, "varden.csv", content.encode())
    assert (stored("0665", "GN.6a", YEAR), stored("0665", "GN.6a", 2022)) == (333, 350)
    run = ImportRun.objects.get()
    assert run.succeeded and run.user.username == "admin"


def test_the_admin_imports_an_xlsx_on_the_seeded_site(office_client):
    book = openpyxl.Workbook()
    book.active.append(["Kommunkod", "Nyckeltal", "År", "Värde"])
    book.active.append([665, "GN.6a", 2023, 321])
    buffer = io.BytesIO()
    book.save(buffer)
    admin_import(office_client, "varden.xlsx", buffer.getvalue())
    assert stored("0665", "GN.6a", 2023) == 321


def test_the_admin_imports_miljobarometern_on_the_seeded_site(office_client):
    content = (
        "Rad-id;Mätområde;Datum;Värde (ton CO2e/inv)\n"
        "1;Sveriges Ekokommuner;2024;1,72\n"
        "2;Vaggeryd;2024;2,31\n"
    )
    emissions = Indicator.objects.get(revision__is_current=True, code="GN.1b")
    admin_import(
        office_client,
        "GN1b.csv",
        content.encode(),
        layout="miljobarometern",
        indicator=emissions.pk,
    )
    assert stored("0665", "GN.1b", YEAR) == Decimal("2.31")


def test_an_admin_export_of_the_seeded_site_imports_back_unchanged(office_client):
    url = reverse("admin:indicators_indicatorvalue_export") + "?q=0665"
    form = office_client.get(url).context["form"]
    data = {"format": "0", "resource": "0"}
    data.update({n: "on" for n in form.fields if n not in ("format", "resource")})
    data.pop("export_items", None)
    content = office_client.post(url, data).content
    response = office_client.post(
        reverse("admin:indicators_indicatorvalue_import"),
        {"layout": "table", "import_file": SimpleUploadedFile("export.csv", content)},
    )
    report = response.context["report"]
    assert report.ok and report.created == report.updated == 0 and report.unchanged > 0


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_values", str(path), *args, stdout=out)
    return out.getvalue()


def test_import_values_reads_a_csv_on_the_seeded_site(tmp_path):
    path = tmp_path / "varden.csv"
    path.write_text("kommunkod;nyckeltal;år;värde\n0665;GN.6a;2024;333\n0680;GN.6a;2024;444\n")
    output = run_import(path)
    assert "Klart" in output
    assert (stored("0665", "GN.6a", YEAR), stored("0680", "GN.6a", YEAR)) == (333, 444)


def test_import_values_reads_an_xlsx_on_the_seeded_site(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Kommunkod", "Nyckeltal", "År", "Värde"])
    book.active.append([665, "GN.6a", 2023, 321])
    path = tmp_path / "varden.xlsx"
    book.save(path)
    run_import(path)
    assert stored("0665", "GN.6a", 2023) == 321


def test_import_values_reads_miljobarometern_on_the_seeded_site(tmp_path):
    path = tmp_path / "GN1b.csv"
    path.write_text(
        "Rad-id;Mätområde;Datum;Värde (ton CO2ekv/inv)\n"
        "1;Sveriges Ekokommuner;2024;1,72\n"
        "2;Vaggeryd;2024;2,31\n"
    )
    output = run_import(path, "--format", "miljobarometern", "--indicator", "GN.1b")
    assert "Varning" not in output  # ton CO2ekv/inv is ton CO2e/inv
    assert "(”Sveriges Ekokommuner”)" in output
    assert stored("0665", "GN.1b", YEAR) == Decimal("2.31")


def test_import_values_reads_kolada_on_the_seeded_site(tmp_path):
    path = tmp_path / "kolada.json"
    entries = [
        {
            "kpi": "U07801",
            "municipality": "0665",
            "period": 2024,
            "values": [{"gender": "T", "count": 1, "status": "", "value": 301}],
        },
        {
            "kpi": "U07801",
            "municipality": "G12345",
            "period": 2024,
            "values": [{"gender": "T", "count": 1, "status": "", "value": 400}],
        },
    ]
    path.write_text(json.dumps({"values": entries}))
    output = run_import(path, "--format", "kolada", "--kpi", "U07801=GN.6a")
    assert "(”G12345”)" in output
    assert stored("0665", "GN.6a", YEAR) == 301


def test_a_refused_command_line_import_names_the_row_and_is_recorded_as_failed(tmp_path):
    path = tmp_path / "kolada.json"
    entry = {"kpi": "N00401", "municipality": "0665", "period": 2024}
    entry["values"] = [{"gender": "T", "count": 1, "status": "", "value": 4.5678}]
    path.write_text(json.dumps({"values": [entry]}))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_values", str(path), "--format", "kolada", "--kpi", "N00401=GN.1a", stdout=out
        )
    assert "Post 1:" in out.getvalue() and "--round" in out.getvalue()
    run = ImportRun.objects.get()
    assert (run.door, run.format, run.file_name, run.succeeded) == (
        "command",
        "kolada",
        "kolada.json",
        False,
    )
    assert any("--round" in message for message in run.messages)
    assert list(ImportRun.objects.failed()) == [run]


# --- Reads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_answer_on_the_seeded_site(client, fmt):
    for url in (
        reverse("member_data", args=["0665", fmt]),
        reverse("indicator_data", args=["GN.6a", fmt]),
        reverse("indicator_revision_data", args=["2012", "GN.7", fmt]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(b"".join(response)) > 100


def test_the_member_download_carries_the_members_values(client):
    text = b"".join(client.get(reverse("member_data", args=["0665", "csv"]))).decode("utf-8-sig")
    assert "0665;Vaggeryd;06;GN.6a;2023;" in text


def test_the_api_answers_on_the_seeded_site(client):
    for url in (
        "/api/v1/",
        "/api/v1/organisations/",
        "/api/v1/organisations/0665/",
        "/api/v1/indicators/",
        "/api/v1/values/?organisation=0665",
        "/api/v1/values/?indicator=GN.6a&year_from=2020",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
    values = client.get("/api/v1/values/?organisation=0665&page_size=500").json()
    assert values["count"] > 0


def test_the_council_report_and_member_pages_answer_on_the_seeded_site(client):
    report = client.get(reverse("member_report", args=["0665", YEAR]))
    assert report.status_code == 200
    assert "Gång- och cykelvägar" in report.content.decode()
    former = Membership.objects.filter(status=Membership.Status.RESIGNED).first()
    for url in (
        reverse("member_detail", args=["0665"]),
        reverse("member_detail", args=[former.organisation.code]),
        reverse("indicator_detail", args=["GN.6a"]),
        f"{reverse('compare')}?nyckeltal=GN.6a&medlem=0665&medlem=0680",
        reverse("own_indicator_list"),
        reverse("home"),
    ):
        assert client.get(url).status_code == 200, url
