"""The selectors package: one lookup of an indicator by code and revision, data not HTTP."""

import ast
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators import selectors
from indicators.models import Indicator, IndicatorValue, Revision
from tests.indicators.factories import OwnIndicatorFactory

pytestmark = pytest.mark.django_db

PACKAGE = Path(selectors.__file__).parent


def test_the_selectors_package_does_not_import_django_http():
    """Selectors return data; what a missing thing means (404, 400, an error) is the caller's."""
    imported = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {(path.name, node.module)}
                imported |= {(path.name, f"{node.module}.{a.name}") for a in node.names}
            elif isinstance(node, ast.Import):
                imported |= {(path.name, alias.name) for alias in node.names}
    assert len({name for name, _module in imported}) >= 9  # every module was read
    assert [
        (name, module)
        for name, module in imported
        if module == "django.http" or module.startswith(("django.http.", "django.shortcuts"))
    ] == []


def test_missing_things_are_none_not_404():
    assert selectors.indicator_by_code(code="GN.6x") is None
    assert selectors.indicator_overview(code="GN.6x") is None
    assert selectors.member_trends(code="9999") is None
    assert selectors.member_report(code="9999", year=2024) is None
    assert selectors.organisation_heading(code="9999") is None
    assert selectors.own_indicator_object(pk=0) is None


@pytest.mark.parametrize(
    ("code", "older_code"), [("GN.6a", "GN.6"), ("gn.6a", "gn.6"), ("Gn.6A", "gN.6")]
)
def test_a_code_matches_without_regard_to_case(code, older_code):
    found = selectors.indicator_by_code(code=code)
    assert (found.code, found.revision.code) == ("GN.6a", "2023")
    older = selectors.indicator_by_code(code=older_code, revision="2012")
    assert (older.code, older.revision.code) == ("GN.6", "2012")
    # The older code is not in the current revision, nor the current one in the older.
    assert selectors.indicator_by_code(code=older_code) is None
    assert selectors.indicator_by_code(code=code, revision="2012") is None


def test_the_lookup_reads_only_the_catalogue_and_measurable_rows_when_asked():
    own = OwnIndicatorFactory(code="GN.6a")  # an own figure may reuse a catalogue code
    assert selectors.indicator_by_code(code="gn.6a").pk != own.pk
    assert selectors.indicator_by_code(code="E.404") is None
    group = Indicator.objects.filter(revision__is_current=True, children__isnull=False).first()
    assert selectors.indicator_by_code(code=group.code.lower()) == group
    assert selectors.indicator_by_code(code=group.code, measurable=True) is None


def test_the_compare_page_picks_from_its_list_by_the_same_rule():
    indicators = selectors.current_indicators()
    assert selectors.indicator_among(indicators, code="gn.6a").code == "GN.6a"
    assert selectors.indicator_among(indicators, code="GN.6x") is None


def test_two_codes_in_one_revision_may_not_differ_only_in_case():
    current = Revision.objects.get(is_current=True)
    twin = Indicator(
        revision=current, code="gn.6a", name="Hushållsavfall igen", unit="kg/inv", direction="lower"
    )
    with pytest.raises(ValidationError, match="Koden finns redan i den här revisionen."):
        twin.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # Another revision may use the code in any case.
    older = Revision.objects.get(code="2012")
    Indicator(
        revision=older, code="gn.6a", name="Hushållsavfall", unit="kg/inv", direction="lower"
    ).validate_constraints()


def import_waste(tmp_path, code: str) -> str:
    path = tmp_path / "avfall.csv"
    path.write_text("Rad-id;Mätområde;Datum;Värde (kg/inv)\n1;Vaggeryd;2021;480\n", "utf-8")
    out = io.StringIO()
    call_command(
        "import_values", str(path), "--format", "miljobarometern", "--indicator", code, stdout=out
    )
    return out.getvalue()


@pytest.mark.parametrize("code", ["GN.6a", "gn.6a"])
def test_pages_downloads_the_api_and_the_command_agree_on_a_code(client, world, tmp_path, code):
    page = client.get(reverse("indicator_detail", args=[code]))
    assert page.status_code == 200
    assert page.context["indicator"]["code"] == "GN.6a"
    revision_page = client.get(reverse("indicator_revision_detail", args=["2023", code]))
    assert revision_page.status_code == 200
    assert revision_page.context["indicator"]["code"] == "GN.6a"

    download = client.get(reverse("indicator_data", args=[code, "csv"]))
    assert download.status_code == 200
    lines = download.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + IndicatorValue.objects.filter(indicator__code="GN.6a").count()
    assert all(";GN.6a;2023;" in line for line in lines[1:])

    api = client.get("/api/v1/values/", {"indicator": code})
    assert api.status_code == 200
    results = api.json()["results"]
    assert results and {row["indicator"] for row in results} == {"GN.6a"}

    compare = client.get(reverse("compare"), {"nyckeltal": code, "medlem": "0665"})
    assert compare.status_code == 200
    assert compare.context["comparison"]["indicator"]["code"] == "GN.6a"
    assert compare.context["chosen_indicator"] == "GN.6a"  # chosen in the list
    compare_download = client.get(
        reverse("compare_data", args=["csv"]), {"nyckeltal": code, "medlem": "0665"}
    )
    assert compare_download.status_code == 200
    assert ";GN.6a;" in compare_download.content.decode("utf-8-sig")

    output = import_waste(tmp_path, code)
    assert "1 nya" in output
    assert IndicatorValue.objects.get(organisation__code="0665", year=2021).indicator.code == (
        "GN.6a"
    )


def test_pages_downloads_the_api_and_the_command_agree_on_an_unknown_code(client, world, tmp_path):
    page = client.get(reverse("indicator_detail", args=["gn.6x"]))
    assert page.status_code == 404
    assert client.get(reverse("indicator_data", args=["gn.6x", "csv"])).status_code == 404
    api = client.get("/api/v1/values/", {"indicator": "gn.6x"})
    assert api.status_code == 400
    assert api.json()["detail"] == "Okänt nyckeltal gn.6x i revision 2023."
    compare = client.get(reverse("compare"), {"nyckeltal": "gn.6x", "medlem": "0665"})
    assert compare.status_code == 404
    with pytest.raises(CommandError, match="Nyckeltalet gn.6x finns inte i revisionen."):
        import_waste(tmp_path, "gn.6x")
