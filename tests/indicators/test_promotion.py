"""Staff promote an own figure many members adopted into the catalogue: all of it, or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, IndicatorValue, Target
from indicators.selectors import current_indicators, member_trends, yearly_averages
from indicators.services import promotion
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.members.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="kansliet", is_staff=True)


@pytest.fixture
def family(staff):
    """Vaggeryd's cycling figure, adopted by Jönköping, whose copy Gnosjö adopted in turn."""
    members = {
        code: MembershipFactory(organisation__code=code).organisation
        for code in ("0665", "0680", "0617")
    }
    origin = OwnIndicatorFactory(owner=members["0665"], name="Gång- och cykelvägar", code="E.1")
    jonkoping = services.own_indicator_adopt(
        user=staff, indicator=origin, organisation=members["0680"]
    )
    gnosjo = services.own_indicator_adopt(
        user=staff, indicator=jonkoping, organisation=members["0617"]
    )
    figures = {"0665": origin, "0680": jonkoping, "0617": gnosjo}
    values = {
        "0665": [(2021, "2.1"), (2022, "2.3")],
        "0680": [(2020, "3.0"), (2022, "3.4")],
        "0617": [(2022, "1.2")],
    }
    for code, points in values.items():
        for year, value in points:
            services.values_upsert(
                rows=[
                    services.ValueInput(
                        organisation_id=members[code].pk,
                        indicator=figures[code],
                        year=year,
                        value=Decimal(value),
                        comment=f"Kommentar {code} {year}",
                        status="preliminary" if code == "0617" else "final",
                    )
                ],
                user=staff,
            )
    Target.objects.create(
        organisation=members["0680"], indicator=figures["0680"], year=2030, value=5
    )
    return members, figures


def snapshot():
    """Every value as members see it: who, year, value, status, comment."""
    return sorted(
        IndicatorValue.objects.values_list(
            "organisation__code", "year", "value", "status", "comment", "source_note"
        )
    )


def test_promotion_carries_every_adopters_values_over_unchanged(family, staff):
    members, figures = family
    before = snapshot()
    promoted = services.own_indicator_promote(
        user=staff, indicator=figures["0617"], code="GN.13", reported_from=2020
    )
    # The figure it started from is now the catalogue's, whichever family member was chosen.
    assert promoted.pk == figures["0665"].pk
    promoted.refresh_from_db()
    assert (promoted.owner, promoted.revision.is_current, promoted.code) == (None, True, "GN.13")
    assert promoted in current_indicators()
    assert snapshot() == before
    assert set(IndicatorValue.objects.values_list("indicator_id", flat=True)) == {promoted.pk}
    # The adopters' copies are gone; their targets and history follow the values.
    assert not Indicator.objects.own().exists()
    target = Target.objects.get(indicator=promoted)
    assert (target.organisation, target.value) == (members["0680"], 5)
    history = IndicatorValue.history.filter(
        organisation=members["0680"], indicator_id=promoted.pk, year=2022
    ).order_by("history_date")
    assert [(h.history_type, h.value) for h in history] == [
        ("+", Decimal("3.4")),
        ("~", Decimal("3.4")),
    ]
    assert history.last().history_change_reason == "Flyttat när nyckeltalet blev gemensamt (GN.13)"
    # From now on it is a common figure: in the SEKOM average of all three.
    averages = yearly_averages(indicator_ids=[promoted.pk])[promoted.pk]
    assert averages[2022]["sekom_n"] == 3
    assert averages[2022]["sekom"] == pytest.approx((2.3 + 3.4 + 1.2) / 3)
    block = next(b for b in member_trends(code="0680")["indicators"] if b["code"] == "GN.13")
    assert [p["display"] for p in block["series"]] == ["3,0", "3,4"]
    assert member_trends(code="0680")["own_indicators"] == []


def test_promotion_is_all_or_nothing(family, staff, monkeypatch):
    members, figures = family
    before = snapshot()
    history_before = IndicatorValue.history.count()

    def fail(**kwargs):
        raise RuntimeError("the disk is full")

    # Values and their history have moved by the time the targets move: then it fails.
    monkeypatch.setattr(promotion, "_move_targets", fail)
    with pytest.raises(RuntimeError):
        services.own_indicator_promote(
            user=staff, indicator=figures["0665"], code="GN.13", reported_from=2020
        )
    assert snapshot() == before
    for code, figure in figures.items():
        figure_now = Indicator.objects.get(pk=figure.pk)
        assert (figure_now.owner, figure_now.revision, figure_now.code) == (
            members[code],
            None,
            "E.1",
        )
        assert set(
            IndicatorValue.objects.filter(organisation=members[code]).values_list(
                "indicator_id", flat=True
            )
        ) == {figure.pk}
    assert Indicator.objects.get(pk=figures["0617"].pk).adopted_from == figures["0680"]
    assert IndicatorValue.history.count() == history_before
    assert Target.objects.get(organisation=members["0680"]).indicator_id == figures["0680"].pk
    assert not Indicator.objects.filter(code="GN.13").exists()
    # And nothing else stood in its way: the same call without the failure goes through.
    monkeypatch.undo()
    services.own_indicator_promote(
        user=staff, indicator=figures["0665"], code="GN.13", reported_from=2020
    )
    assert snapshot() == before


def test_a_code_already_in_the_catalogue_is_refused(family, staff):
    _members, figures = family
    with pytest.raises(ValidationError, match="Koden GN.7 finns redan i revisionen 2023"):
        services.own_indicator_promote(
            user=staff, indicator=figures["0665"], code="GN.7", reported_from=2020
        )
    assert Indicator.objects.own().count() == 3


def test_only_staff_promote(client, family):
    members, figures = family
    reporter = UserFactory()
    members["0665"].access.create(user=reporter, level="reporter")
    with pytest.raises(PermissionDenied):
        services.own_indicator_promote(
            user=reporter, indicator=figures["0665"], code="GN.13", reported_from=2020
        )
    client.force_login(reporter)
    url = reverse("own_indicator_promote", args=[figures["0665"].pk])
    assert client.post(url, {"code": "GN.13", "reported_from": "2022"}).status_code == 403
    assert Indicator.objects.own().count() == 3


def test_staff_promote_from_the_figures_page(client, family, staff):
    members, figures = family
    client.force_login(staff)
    page = client.get(reverse("own_indicator_detail", args=[figures["0680"].pk]))
    assert reverse("own_indicator_promote", args=[figures["0680"].pk]) in page.content.decode()
    form = client.get(reverse("own_indicator_promote", args=[figures["0680"].pk]))
    html = form.content.decode()
    assert all(name in html for name in ("Vaggeryd", "Jönköping", "Gnosjö"))
    response = client.post(
        reverse("own_indicator_promote", args=[figures["0680"].pk]),
        {"code": "GN.13", "name": "Gång- och cykelvägar i kommunen", "reported_from": "2022"},
    )
    assert response["Location"] == reverse("indicator_detail", args=["GN.13"])
    assert Indicator.objects.get(code="GN.13").name == "Gång- och cykelvägar i kommunen"
    assert client.get(reverse("indicator_detail", args=["GN.13"])).status_code == 200
    # The old own figure's address leads to the catalogue's page.
    old = client.get(reverse("own_indicator_detail", args=[figures["0665"].pk]))
    assert old["Location"] == reverse("indicator_detail", args=["GN.13"])


def test_values_before_promotion_never_entered_the_average(family):
    _members, figures = family
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    IndicatorValueFactory(organisation=figures["0665"].owner, indicator=waste, year=2022, value=1)
    ids = [figures["0665"].pk, waste.pk]
    assert set(yearly_averages(indicator_ids=ids)) == {waste.pk}
