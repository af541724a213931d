"""The fee list an office invoices from: a total, amounts with thousands separators, a warning
when the population is older than the fee year, and last year's schedule copied in one step."""

from decimal import Decimal

import pytest
from django.urls import reverse

from members.models import FeeSchedule
from tests.members.factories import (
    FeeScheduleFactory,
    MembershipFactory,
    MunicipalityFactory,
    PopulationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fee_year_2025():
    FeeScheduleFactory(year=2025, ceiling=Decimal("50000"))
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    PopulationFactory(municipality=vaggeryd.organisation, year=2025, inhabitants=14000)
    # Only last year's population is registered for Jönköping.
    jonkoping = MembershipFactory(organisation=MunicipalityFactory(code="0680"))
    PopulationFactory(municipality=jonkoping.organisation, year=2024, inhabitants=145000)


def test_the_fee_list_shows_the_total_and_warns_about_an_older_population(
    admin_client, fee_year_2025
):
    html = admin_client.get(
        reverse("admin:members_feeschedule_fee_list", args=[2025])
    ).content.decode()
    assert "Summa: 55\xa0700 kr för 2 medlemmar." in html  # 8 200 + 47 500
    assert "Fast del 4\xa0000 kr + 0,30 kr per invånare, högst 50\xa0000 kr" in html
    assert "<td>145\xa0000</td>" in html and "<td>47\xa0500</td>" in html
    assert (
        "Folkmängden för 2025 är inte registrerad än; avgiften bygger på ett tidigare års "
        "folkmängd för: Jönköping"
    ) in html
    assert "Vaggeryd" not in html.split("folkmängd för:")[1].split("</p>")[0]


def test_the_schedule_list_shows_amounts_with_thousands_separators(admin_client):
    FeeScheduleFactory(year=2025, fixed_amount=Decimal("4000"), ceiling=Decimal("50000"))
    html = admin_client.get(reverse("admin:members_feeschedule_changelist")).content.decode()
    assert "4\xa0000" in html and "50\xa0000" in html and "0,30" in html


def test_last_years_schedule_is_copied_to_the_next_year(admin_client):
    last = FeeScheduleFactory(year=2025, ceiling=Decimal("50000"))
    changelist = reverse("admin:members_feeschedule_changelist")
    done = admin_client.post(
        changelist, {"action": "copy_to_next_year", "_selected_action": [last.pk]}
    )
    assert done.status_code == 302
    copy = FeeSchedule.objects.get(year=2026)
    assert (copy.fixed_amount, copy.per_inhabitant, copy.ceiling, copy.decided_on) == (
        last.fixed_amount,
        last.per_inhabitant,
        Decimal("50000"),
        None,
    )
    again = admin_client.post(
        changelist, {"action": "copy_to_next_year", "_selected_action": [last.pk]}, follow=True
    )
    assert "Det finns redan en avgiftsmodell för 2026." in again.content.decode()
    assert FeeSchedule.objects.count() == 2
