"""'Lär av' and like-with-like, checked over a whole seeded demo site (`seed_demo`, built once).

Tests that start from an empty database check the rules on hand-made cases; this module checks
that they hold on every member and figure of a site with real volume: regions, former members,
own figures, gaps and preliminary values.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from indicators import analysis
from indicators.demo import demo_reset
from indicators.models import Indicator, IndicatorValue
from indicators.selectors import (
    completeness_overview,
    indicator_overview,
    member_trends,
    reporting_year,
    yearly_averages,
)
from members.models import Municipality
from members.selectors import site_state

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_site(django_db_setup, django_db_blocker):
    """The demo site as `make run` builds it, once for the module, removed afterwards."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        try:
            yield
        finally:
            demo_reset()
            get_user_model().objects.filter(username="admin").delete()
            assert not IndicatorValue.history.exists()  # nothing left for the next module


@pytest.fixture
def every_member_trends(seeded_site):
    version = site_state().data_version
    members = list(Municipality.objects.active_members().order_by("code"))
    return [(member, member_trends(code=member.code, data_version=version)) for member in members]


def test_no_learn_from_suggestion_is_weaker_than_the_member(every_member_trends):
    checked = weaker = strongest = improvers_shown = crossed_kind = 0
    kinds = dict(Municipality.objects.values_list("pk", "kind"))
    examples = []
    for member, trends in every_member_trends:
        for block in trends["indicators"]:
            own = block["latest"]
            for row in block["learn_from"]:
                if kinds[row["organisation_id"]] != member.kind:
                    crossed_kind += 1
                assert row["organisation_id"] != member.pk
            if block["learn_from_strongest"]:
                strongest += 1
                assert block["learn_from_note"] == (
                    f"{member.name} hör till de starkaste i detta nyckeltal."
                )
                for row in block["learn_from"]:
                    # Offered as "improved most", and said so: each shows its own improvement.
                    improvers_shown += 1
                    assert row["gain"] > 0 and row["earlier"]["year"] == row["year"] - 5
                continue
            for row in block["learn_from"]:
                checked += 1
                if own is not None and not analysis.is_better(
                    row["value"], own["value"], lower_is_better=block["lower_is_better"]
                ):
                    weaker += 1
                    examples.append((member.name, block["code"], own["value"], row["name"]))
    print(
        f"\nLär av over the seeded site: {len(every_member_trends)} members, "
        f"{checked} suggestions checked, {weaker} weaker than the member, "
        f"{crossed_kind} across kinds (municipality/region); "
        f"{strongest} figures where the member hör till de starkaste, "
        f"with {improvers_shown} improvers offered instead."
    )
    assert examples == []
    assert (weaker, crossed_kind) == (0, 0)
    assert checked > 1000  # the check ran over the whole site, not a corner of it
    assert strongest > 0


def test_vaggeryd_learns_household_waste_from_better_municipalities_only(every_member_trends):
    member, trends = next(item for item in every_member_trends if item[0].code == "0665")
    block = next(b for b in trends["indicators"] if b["code"] == "GN.6a")
    own = block["latest"]["value"]
    regions = set(Municipality.objects.regions().values_list("pk", flat=True))
    assert block["learn_from"] or block["learn_from_strongest"]
    for row in block["learn_from"]:
        assert row["organisation_id"] not in regions
        if not block["learn_from_strongest"]:
            assert row["value"] < own, (row["name"], row["value"], own)


def test_regions_carry_no_values_of_figures_only_municipalities_have(seeded_site):
    municipal = Indicator.objects.common().filter(applies_to="kommun")
    assert {"GN.3", "GN.5", "GN.6a", "GN.8b"} <= set(
        municipal.filter(revision__is_current=True).values_list("code", flat=True)
    )
    assert not IndicatorValue.objects.filter(
        indicator__in=municipal, organisation__kind="region"
    ).exists()
    assert Municipality.objects.active_members().regions().exists()


def test_a_regions_page_form_and_overview_list_only_its_figures(seeded_site):
    region = Municipality.objects.active_members().regions().order_by("code").first()
    municipal_codes = set(
        Indicator.objects.current().filter(applies_to="kommun").values_list("code", flat=True)
    )
    trends = member_trends(code=region.code)
    shown = {block["code"] for block in trends["indicators"]}
    assert shown and not shown & municipal_codes
    form = reporting_year(organisation_id=region.pk, year=2024)
    assert not {row["indicator"].code for row in form["rows"]} & municipal_codes
    overview = completeness_overview(year=2024)
    row = next(m for m in overview["members"] if m["id"] == region.pk)
    for indicator, cell in zip(overview["indicators"], row["cells"], strict=True):
        if indicator["code"] in municipal_codes:
            assert cell == "na"
    assert row["missing"] + row["final"] + row["preliminary"] == sum(
        1 for cell in row["cells"] if cell != "na"
    )


def test_averages_and_strong_examples_compare_like_with_like(seeded_site):
    ghg = Indicator.objects.current().get(code="GN.1a")
    regions = set(Municipality.objects.regions().values_list("pk", flat=True))
    overview = indicator_overview(code="GN.1a")
    assert overview["strong"] and overview["region_strong"]
    assert not {row["organisation_id"] for row in overview["strong"]} & regions
    assert {row["organisation_id"] for row in overview["region_strong"]} <= regions
    municipalities = yearly_averages(indicator_ids=[ghg.pk])[ghg.pk]
    of_regions = yearly_averages(indicator_ids=[ghg.pk], kind="region")[ghg.pk]
    members = Municipality.objects.active_members()
    assert municipalities[2024]["sekom_n"] == (
        IndicatorValue.objects.filter(
            indicator=ghg, year=2024, organisation__in=members.municipalities()
        ).count()
    )
    assert of_regions[2024]["sekom_n"] == (
        IndicatorValue.objects.filter(
            indicator=ghg, year=2024, organisation__in=members.regions()
        ).count()
    )
