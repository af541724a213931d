"""Each public page runs a fixed number of queries whatever the data size."""

import random
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import IndicatorValue, Target
from indicators.selectors import current_indicators
from indicators.services.figures import figures_rebuild
from members.models import Membership, Municipality, Population

pytestmark = pytest.mark.django_db

YEARS = range(1995, 2025)  # 30 years
# The member page reads the member's published good examples (examples.selectors.
# member_examples): one more query than the other pages, for all its figures at once.
CEILINGS = {"/kommun/0665/": 9}


@pytest.fixture
def full_size():
    """All 290 municipalities as members, every current indicator, 30 years."""
    rng = random.Random(7)
    municipalities = list(Municipality.objects.municipalities())
    Membership.objects.bulk_create(
        Membership(organisation=m, status="active", applied_on="2000-01-01", joined_on="2000-03-01")
        for m in municipalities
    )
    Population.objects.bulk_create(
        Population(municipality=m, year=year, inhabitants=rng.randint(3000, 900000))
        for m in municipalities
        for year in YEARS
    )
    indicators = current_indicators()
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(
                organisation=m,
                indicator=indicator,
                year=year,
                value=Decimal(rng.randint(0, 9000)) / 100,
            )
            for m in municipalities
            for indicator in indicators
            for year in YEARS
        ),
        batch_size=5000,
    )
    Target.objects.bulk_create(
        Target(organisation=m, indicator=indicators[0], year=2030, value=1) for m in municipalities
    )
    assert IndicatorValue.objects.count() == 290 * len(indicators) * 30
    # Written in bulk past the services, as seed_demo does: the figures are rebuilt once.
    figures_rebuild()


def test_every_public_page_stays_within_eight_queries(
    client, full_size, django_assert_max_num_queries
):
    pages = [
        reverse("home"),
        reverse("member_detail", args=["0665"]),
        reverse("indicator_detail", args=["GN.6a"]),
        reverse("indicator_revision_detail", args=["2012", "GN.7"]),
        reverse("compare") + "?nyckeltal=GN.7&medlem=0665&medlem=0680&medlem=0180",
        reverse("search") + "?q=a",
    ]
    for url in pages:
        with django_assert_max_num_queries(CEILINGS.get(url, 8)):
            response = client.get(url)
        assert response.status_code == 200, url


def test_own_figures_and_the_yearly_report_keep_the_ceiling(
    client, full_size, django_assert_max_num_queries
):
    """Ten own figures of 30 years each, adopted by every member: still at most 8 queries."""
    from indicators.models import Indicator

    rng = random.Random(9)
    members = list(Municipality.objects.municipalities())
    figures = Indicator.objects.bulk_create(
        Indicator(
            owner=member,
            code=f"E.{n}",
            display_order=n,
            name=f"Eget nyckeltal {n}",
            unit="st",
            direction="higher",
        )
        for member in members
        for n in range(1, 11)
    )
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(
                organisation_id=figure.owner_id,
                indicator=figure,
                year=year,
                value=Decimal(rng.randint(0, 900)),
            )
            for figure in figures
            for year in YEARS
        ),
        batch_size=5000,
    )
    figures_rebuild()
    Target.objects.bulk_create(
        Target(organisation_id=f.owner_id, indicator=f, year=2030, value=500) for f in figures
    )
    pages = [
        reverse("member_detail", args=["0665"]),
        reverse("member_report", args=["0665", 2024]),
        reverse("member_report", args=["0680", 2010]),
        reverse("own_indicator_list"),
        reverse("own_indicator_detail", args=[figures[0].pk]),
    ]
    for url in pages:
        with django_assert_max_num_queries(CEILINGS.get(url, 8)):
            response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(reverse("member_report", args=["0665", 2024])).content.decode()
    assert html.count('class="report-page report-block') == len(current_indicators()) + 10
