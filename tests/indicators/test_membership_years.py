"""A membership has years: former members' pages, old years' overviews, promoted figures' start.

- A former member's page says "Tidigare medlem (2012–2019)" and keeps its series.
- Old years' completeness overviews count the members of that year (Membership.active_in).
- A figure promoted into the catalogue is owed from the year the office chose, not backwards.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators import services
from indicators.models import Indicator
from indicators.selectors import (
    completeness_overview,
    member_trends,
    reporting_reminders,
    reporting_year,
    reporting_years,
)
from members.models import Membership, Municipality
from members.selectors import fees_for_year
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.indicators.reporting_support import indicator
from tests.members.factories import (
    ContactPersonFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def resigned(code, *, joined, left):
    return MembershipFactory(
        organisation=MunicipalityFactory(code=code),
        status=Membership.Status.RESIGNED,
        applied_on=joined - datetime.timedelta(days=60),
        decision_date=joined,
        joined_on=joined,
        left_on=left,
    ).organisation


# --- A former member's page --------------------------------------------------------------------


def test_a_former_members_page_names_its_years_and_keeps_its_series(client):
    vaggeryd = resigned(
        "0665", joined=datetime.date(2012, 12, 17), left=datetime.date(2019, 12, 31)
    )
    for year, number in [(2015, "480"), (2018, "450")]:
        IndicatorValueFactory(
            organisation=vaggeryd, indicator=indicator("GN.6a"), year=year, value=Decimal(number)
        )
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert "Tidigare medlem (2012–2019)" in html
    trends = member_trends(code="0665")
    assert trends["organisation"]["membership"] == {
        "state": "former",
        "text": "Tidigare medlem (2012–2019)",
        "joined": 2012,
        "left": 2019,
    }
    block = next(b for b in trends["indicators"] if b["code"] == "GN.6a")
    assert [p["year"] for p in block["series"]] == [2015, 2018]


def test_the_former_members_years_in_english(client):
    resigned("0665", joined=datetime.date(2012, 12, 17), left=datetime.date(2019, 12, 31))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert "Former member (2012–2019)" in html and "Tidigare medlem" not in html


def test_a_member_that_left_and_rejoined_is_a_member_again(client):
    eda = resigned("1730", joined=datetime.date(2005, 3, 1), left=datetime.date(2010, 6, 30))
    MembershipFactory(organisation=eda, joined_on=datetime.date(2016, 1, 1))
    html = client.get(reverse("member_detail", args=["1730"])).content.decode()
    assert "Tidigare medlem" not in html


def test_a_current_members_page_says_nothing_about_former_years(client):
    MembershipFactory(organisation__code="0680")
    assert (
        "Tidigare medlem"
        not in client.get(reverse("member_detail", args=["0680"])).content.decode()
    )


# --- Members of a year -----------------------------------------------------------------------


@pytest.fixture
def history():
    """Vaggeryd joined 2012-12-17; Stockholm was a member 2001-2019; Eda joined in 2015;
    Gnosjö applied and was rejected in 2009."""
    members = {
        "0665": MembershipFactory(organisation__code="0665").organisation,
        "0180": resigned("0180", joined=datetime.date(2001, 5, 1), left=datetime.date(2019, 6, 30)),
        "1730": MembershipFactory(
            organisation__code="1730", joined_on=datetime.date(2015, 2, 1)
        ).organisation,
    }
    MembershipFactory(
        organisation__code="0617",
        status=Membership.Status.REJECTED,
        applied_on=datetime.date(2009, 1, 1),
        decision_date=datetime.date(2009, 3, 1),
        joined_on=None,
        rejection_reason="Programmet saknades.",
    )
    return members


def test_active_in_answers_who_was_a_member_that_year(history):
    def codes(year):
        return sorted(Municipality.objects.members_in(year).values_list("code", flat=True))

    assert codes(2010) == ["0180"]
    assert codes(2012) == ["0180", "0665"]  # joined in December: a member that year
    assert codes(2019) == ["0180", "0665", "1730"]  # left in June: still a member that year
    assert codes(2020) == ["0665", "1730"]
    assert Membership.objects.active_in(2009).count() == 1


def test_an_old_years_overview_counts_the_members_of_that_year(history):
    """The 2010 overview counted members who joined later and left out one that was a member."""
    assert [m["code"] for m in completeness_overview(year=2010)["members"]] == ["0180"]
    assert {m["code"] for m in completeness_overview(year=2015)["members"]} == {
        "0180",
        "1730",
        "0665",
    }
    assert {m["code"] for m in completeness_overview(year=2024)["members"]} == {"0665", "1730"}


def test_the_fee_list_asks_the_same_question(history):
    assert [row["code"] for row in fees_for_year(year=2010)["rows"]] == ["0180"]
    assert {row["code"] for row in fees_for_year(year=2019)["rows"]} == {"0180", "0665", "1730"}


# --- A promoted figure's start year ----------------------------------------------------------


@pytest.fixture
def promoted(db):
    """Vaggeryd's cycling figure, reported since 2014, promoted to the catalogue from 2023."""
    staff = UserFactory(username="kansliet", is_staff=True)
    vaggeryd = MembershipFactory(organisation__code="0665").organisation
    jonkoping = MembershipFactory(organisation__code="0680").organisation
    ContactPersonFactory(membership=jonkoping.memberships.get(), email="strateg@jonkoping.se")
    ContactPersonFactory(membership=vaggeryd.memberships.get(), email="strateg@vaggeryd.se")
    figure = OwnIndicatorFactory(owner=vaggeryd, name="Gång- och cykelvägar", code="E.1")
    IndicatorValueFactory(organisation=vaggeryd, indicator=figure, year=2020, value=Decimal(2))
    return services.own_indicator_promote(
        user=staff, indicator=figure, code="GN.13", reported_from=2023
    )


def test_the_start_year_is_stored_on_the_promoted_figure(promoted):
    assert Indicator.objects.get(pk=promoted.pk).reported_from == 2023


def test_no_reporting_duty_before_the_start_year(promoted):
    before, after = completeness_overview(year=2022), completeness_overview(year=2023)
    assert "GN.13" not in [i["code"] for i in before["indicators"]]
    assert "GN.13" in [i["code"] for i in after["indicators"]]
    jonkoping = Municipality.objects.get(code="0680")
    old_form = reporting_year(organisation_id=jonkoping.pk, year=2022)
    new_form = reporting_year(organisation_id=jonkoping.pk, year=2023)
    # The figure stays on the old year's form (one may report it), but is not missing there.
    assert old_form["counts"]["missing"] == new_form["counts"]["missing"] - 1
    years = reporting_years(organisation_ids=[jonkoping.pk], years=[2022, 2023])[jonkoping.pk]
    assert [(y["year"], y["total"]) for y in years] == [(2023, 7), (2022, 6)]
    row = next(r for r in old_form["rows"] if r["indicator"].code == "GN.13")
    assert row["required"] is False
    for reminder in reporting_reminders(year=2022):
        assert "GN.13" not in [i["code"] for i in reminder["missing"]]
    assert any(
        "GN.13" in [i["code"] for i in reminder["missing"]]
        for reminder in reporting_reminders(year=2023)
    )


def test_remind_reporters_lists_the_figure_only_from_its_start(promoted, capsys):
    call_command("remind_reporters", year=2022)
    assert "GN.13" not in capsys.readouterr().out
    call_command("remind_reporters", year=2023)
    assert "GN.13" in capsys.readouterr().out


def test_the_year_form_says_the_figure_is_voluntary_before_its_start(client, promoted):
    client.force_login(UserFactory(username="kansliet2", is_staff=True))
    html = client.get(f"{reverse('reporting_year', args=[2022])}?org=0680").content.decode()
    assert "Frivilligt: rapporteras från 2023" in html


def test_promotion_asks_from_which_year_and_refuses_without_one(client):
    staff = UserFactory(username="kansliet", is_staff=True)
    vaggeryd = MembershipFactory(organisation__code="0665").organisation
    figure = OwnIndicatorFactory(owner=vaggeryd, name="Gång- och cykelvägar", code="E.1")
    client.force_login(staff)
    url = reverse("own_indicator_promote", args=[figure.pk])
    assert 'name="reported_from"' in client.get(url).content.decode()
    response = client.post(url, {"code": "GN.13"})
    assert response.status_code == 200
    assert "Ange från vilket år nyckeltalet rapporteras." in response.content.decode()
    response = client.post(url, {"code": "GN.13", "reported_from": "1980"})
    assert "Ange från vilket år medlemmarna ska rapportera nyckeltalet" in (
        response.content.decode()
    )
    assert Indicator.objects.get(pk=figure.pk).is_own
    response = client.post(url, {"code": "GN.13", "reported_from": "2023"})
    assert response.status_code == 302
    assert Indicator.objects.get(pk=figure.pk).reported_from == 2023
