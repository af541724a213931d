"""Like with like: a region is not a municipality.

The catalogue says which kinds of organisation each figure applies to; a region's form, page,
report and completeness overview list only its figures, and averages, strong examples and
"Lär av" compare municipalities with municipalities and regions with regions.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from indicators.models import Indicator
from indicators.selectors import (
    completeness_overview,
    indicator_overview,
    member_trends,
    reporting_year,
    reporting_years,
    yearly_averages,
)
from tests.indicators.factories import IndicatorValueFactory
from tests.indicators.reporting_support import YEAR, indicator
from tests.members.factories import MembershipFactory, OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db

MUNICIPAL_2023 = {"GN.3", "GN.5", "GN.6a", "GN.8b", "GN.11"}


@pytest.fixture
def region():
    """Region Jönköpings län, a member (code 06 in the reference data)."""
    return MembershipFactory(organisation__code="06").organisation


@pytest.fixture
def vaggeryd():
    return MembershipFactory(organisation__code="0665").organisation


def value(organisation, code, number, year=YEAR):
    return IndicatorValueFactory(
        organisation=organisation, indicator=indicator(code), year=year, value=Decimal(number)
    )


def test_the_catalogue_says_which_kinds_each_figure_applies_to():
    path = Path(settings.BASE_DIR) / "fixtures" / "catalogue.json"
    for revision in json.loads(path.read_text(encoding="utf-8"))["revisions"]:
        for item in revision["indicators"]:
            keys = list(item)
            # The new key sits right after "display_order" in every entry.
            assert keys[keys.index("display_order") + 1] == "applies_to", item["code"]
            assert item["applies_to"] in {"alla", "kommun", "region"}
    municipal = set(
        Indicator.objects.current().filter(applies_to="kommun").values_list("code", flat=True)
    )
    assert municipal == MUNICIPAL_2023
    assert indicator("GN.2a").applies_to == "alla"
    assert Indicator.objects.get(revision__code="2012", code="GN.7").applies_to == "kommun"


def test_staff_set_the_kinds_in_the_admin_with_the_uncertain_facts_named(client):
    staff = UserFactory(username="kansliet", is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(reverse("admin:indicators_indicator_change", args=[indicator("GN.6a").pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="applies_to"' in html and "bara kommuner" in html
    assert "Osäkert" in html
    assert 'name="reported_from"' in html


def test_own_figures_apply_to_their_member_only(vaggeryd, region):
    from tests.indicators.factories import OwnIndicatorFactory

    own = OwnIndicatorFactory(owner=vaggeryd)
    assert own.applies_to_organisation(vaggeryd)
    assert not own.applies_to_organisation(region)


def test_a_regions_year_form_lists_only_its_figures(client, region):
    page = reporting_year(organisation_id=region.pk, year=YEAR)
    codes = {row["indicator"].code for row in page["rows"]}
    assert codes and not codes & MUNICIPAL_2023
    assert "GN.6a" in {
        row["indicator"].code
        for row in reporting_year(organisation_id=MembershipFactory().organisation.pk, year=YEAR)[
            "rows"
        ]
    }
    reporter = OrganisationAccessFactory(organisation=region).user
    client.force_login(reporter)
    html = client.get(f"{reverse('reporting_year', args=[YEAR])}?org={region.code}").content
    assert "Mängd hushållsavfall" not in html.decode()
    assert "Resor med kollektivtrafik" in html.decode()


def test_a_regions_missing_figures_count_only_its_own(region, vaggeryd):
    # Staff decide that renewable energy in premises is a municipal figure only.
    Indicator.objects.filter(pk=indicator("GN.7").pk).update(applies_to="kommun")
    value(region, "GN.7", "90")  # a stray value nobody owes
    value(region, "GN.2a", "40")
    years = reporting_years(organisation_ids=[region.pk, vaggeryd.pk], years=[YEAR])
    region_year, vaggeryd_year = years[region.pk][0], years[vaggeryd.pk][0]
    assert (region_year["total"], region_year["final"], region_year["missing"]) == (5, 1, 4)
    assert vaggeryd_year["total"] == 6
    overview = completeness_overview(year=YEAR)
    row = next(m for m in overview["members"] if m["id"] == region.pk)
    cells = dict(zip([i["code"] for i in overview["indicators"]], row["cells"], strict=True))
    assert cells["GN.7"] == "na"
    assert (row["final"], row["missing"]) == (1, 4)
    gn7 = next(i for i in overview["indicators"] if i["code"] == "GN.7")
    assert gn7["missing"] == 1  # Vaggeryd only
    form = reporting_year(organisation_id=region.pk, year=YEAR)
    assert form["counts"] == {"final": 1, "preliminary": 0, "missing": 4}


def test_the_overview_page_and_csv_mark_what_does_not_apply(client, region):
    Indicator.objects.filter(pk=indicator("GN.7").pk).update(applies_to="kommun")
    client.force_login(UserFactory(username="kansliet", is_staff=True))
    html = client.get(reverse("reporting_overview", args=[YEAR])).content.decode()
    assert 'class="num cell-na"' in html and "gäller inte" in html
    response = client.get(reverse("reporting_overview_csv", args=[YEAR]))
    csv_text = response.content.decode("utf-8-sig")
    region_line = next(line for line in csv_text.splitlines() if line.startswith("06;"))
    assert "gäller inte" in region_line


def test_a_regions_page_and_report_show_only_its_figures(client, region, vaggeryd):
    value(region, "GN.6a", "300")  # a region's household waste, as an old import left it
    value(region, "GN.1a", "3.5")
    trends = member_trends(code=region.code)
    codes = {block["code"] for block in trends["indicators"]}
    assert "GN.1a" in codes and not codes & MUNICIPAL_2023
    page = client.get(reverse("member_detail", args=[region.code])).content.decode()
    assert "Mängd hushållsavfall" not in page
    assert "En region jämförs med regioner" in page
    report = client.get(reverse("member_report", args=[region.code, YEAR])).content.decode()
    assert "Mängd hushållsavfall" not in report and "Växthusgasutsläpp" in report


def test_averages_compare_municipalities_with_municipalities_and_regions_with_regions(
    region, vaggeryd
):
    jonkoping = MembershipFactory(organisation__code="0680").organisation
    value(vaggeryd, "GN.1a", "3.0")
    value(jonkoping, "GN.1a", "5.0")
    value(region, "GN.1a", "10.0")
    value(region, "GN.6a", "100")  # never in anyone's household-waste average
    value(vaggeryd, "GN.6a", "400")
    ids = [indicator("GN.1a").pk, indicator("GN.6a").pk]
    municipal = yearly_averages(indicator_ids=ids, county_id=vaggeryd.county_id)
    regional = yearly_averages(indicator_ids=ids, county_id=region.county_id, kind="region")
    ghg, waste = ids
    assert municipal[ghg][YEAR]["sekom"] == pytest.approx(4.0)
    assert municipal[ghg][YEAR]["county"] == pytest.approx(4.0)
    assert municipal[waste][YEAR]["sekom"] == pytest.approx(400)
    assert regional[ghg][YEAR]["sekom"] == pytest.approx(10.0)
    assert waste not in regional
    # The member pages use their own kind's average.
    region_block = next(
        b for b in member_trends(code=region.code)["indicators"] if b["code"] == "GN.1a"
    )
    assert [a["sekom"] for a in region_block["averages"]] == [pytest.approx(10.0)]
    vaggeryd_block = next(
        b for b in member_trends(code=vaggeryd.code)["indicators"] if b["code"] == "GN.1a"
    )
    assert [a["sekom"] for a in vaggeryd_block["averages"]] == [pytest.approx(4.0)]


def test_learn_from_never_sends_a_municipality_to_a_region(region, vaggeryd):
    """Vaggeryd was told to learn household waste from Region Jönköpings län."""
    others = [MembershipFactory(organisation__code=code).organisation for code in ("0680", "0604")]
    value(vaggeryd, "GN.6a", "400")
    value(others[0], "GN.6a", "380")
    value(others[1], "GN.6a", "390")
    value(region, "GN.6a", "200")
    value(vaggeryd, "GN.1a", "4.0")
    value(region, "GN.1a", "1.0")
    value(others[0], "GN.1a", "3.0")
    trends = member_trends(code=vaggeryd.code)
    blocks = {b["code"]: b for b in trends["indicators"]}
    assert sorted(r["name"] for r in blocks["GN.6a"]["learn_from"]) == ["Aneby", "Jönköping"]
    assert [r["name"] for r in blocks["GN.1a"]["learn_from"]] == ["Jönköping"]
    region_blocks = {b["code"]: b for b in member_trends(code=region.code)["indicators"]}
    assert region_blocks["GN.1a"]["learn_from"] == []


def test_strong_examples_list_municipalities_and_regions_apart(client, region, vaggeryd):
    value(vaggeryd, "GN.1a", "4.0")
    value(region, "GN.1a", "1.0")
    overview = indicator_overview(code="GN.1a")
    assert [r["name"] for r in overview["strong"]] == ["Vaggeryd"]
    assert [r["name"] for r in overview["region_strong"]] == [region.name]
    value(region, "GN.6a", "100")
    value(vaggeryd, "GN.6a", "400")
    waste = indicator_overview(code="GN.6a")
    assert [r["name"] for r in waste["strong"]] == ["Vaggeryd"]
    assert waste["region_strong"] == [] and [r["name"] for r in waste["table"]] == ["Vaggeryd"]
    html = client.get(reverse("indicator_detail", args=["GN.1a"])).content.decode()
    assert "Regioner: starka senaste värden" in html
    assert "Medlemskommunernas medel: regionerna räknas inte in" in html
    waste_html = client.get(reverse("indicator_detail", args=["GN.6a"])).content.decode()
    assert "Regioner: starka senaste värden" not in waste_html


def test_the_open_catalogue_says_whom_each_figure_applies_to(client):
    body = client.get("/api/v1/indicators/").json()
    rows = body["results"]
    by_code = {row["code"]: row for row in rows}
    assert by_code["GN.6a"]["applies_to"] == "kommun"
    assert by_code["GN.2a"]["applies_to"] == "alla"
    assert by_code["GN.6a"]["reported_from"] is None
