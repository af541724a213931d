"""The membership fee: a yearly schedule (fixed part + per inhabitant, optional ceiling),
the fee per member and year, and the fee list staff export for invoicing."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from members.models import FeeSchedule, Membership
from members.selectors import fees_for_year
from tests.members.factories import (
    ContactPersonFactory,
    FeeScheduleFactory,
    MembershipFactory,
    MunicipalityFactory,
    PopulationFactory,
)

pytestmark = pytest.mark.django_db


def test_vaggeryd_with_14000_inhabitants_pays_8200_kr():
    """4 000 kr + 0,30 kr per inhabitant, as in 2019."""
    vaggeryd = MunicipalityFactory(code="0665")
    MembershipFactory(organisation=vaggeryd)
    PopulationFactory(municipality=vaggeryd, year=2019, inhabitants=14000)
    FeeScheduleFactory(year=2019, fixed_amount=Decimal("4000"), per_inhabitant=Decimal("0.30"))
    assert _fee(code="0665", year=2019) == Decimal("8200")


@pytest.mark.parametrize(
    ("inhabitants", "ceiling", "fee"),
    [
        (14000, None, "8200"),
        (14000, "8000", "8000"),  # The ceiling caps the fee.
        (14000, "9000", "8200"),  # A ceiling above the fee changes nothing.
        (0, None, "4000"),
        (14001, None, "8200"),  # 8 200,30 kr rounds to whole kronor.
        (14002, None, "8201"),  # 8 200,60 kr.
        (1_000_000, "60000", "60000"),
    ],
)
def test_the_schedule_gives_fixed_part_plus_rate_times_inhabitants_capped(
    inhabitants, ceiling, fee
):
    schedule = FeeSchedule(
        year=2024,
        fixed_amount=Decimal("4000"),
        per_inhabitant=Decimal("0.30"),
        ceiling=Decimal(ceiling) if ceiling else None,
    )
    assert schedule.fee_for_inhabitants(inhabitants) == Decimal(fee)


def _fee(*, code: str, year: int) -> Decimal | None:
    """The fee on `year`'s fee list for the member with `code`."""
    (row,) = [row for row in fees_for_year(year=year)["rows"] if row["code"] == code]
    return row["fee"]


def test_the_fee_uses_the_latest_population_up_to_that_year():
    vaggeryd = MunicipalityFactory(code="0665")
    MembershipFactory(organisation=vaggeryd)
    PopulationFactory(municipality=vaggeryd, year=2022, inhabitants=10000)
    PopulationFactory(municipality=vaggeryd, year=2023, inhabitants=14000)
    PopulationFactory(municipality=vaggeryd, year=2025, inhabitants=20000)
    FeeScheduleFactory(year=2024)
    assert _fee(code="0665", year=2024) == Decimal("8200")


def test_no_fee_without_a_schedule_or_a_population():
    vaggeryd = MunicipalityFactory(code="0665")
    MembershipFactory(organisation=vaggeryd)
    PopulationFactory(municipality=vaggeryd, year=2024, inhabitants=14000)
    assert _fee(code="0665", year=2024) is None  # No schedule for the year.
    FeeScheduleFactory(year=2024)
    assert _fee(code="0665", year=2024) == Decimal("8200")
    vaggeryd.populations.all().delete()
    assert _fee(code="0665", year=2024) is None  # No population up to the year.


@pytest.mark.parametrize(
    "fields",
    [
        {"fixed_amount": Decimal("-1")},
        {"per_inhabitant": Decimal("-0.30")},
        {"ceiling": Decimal("3999")},  # Below the fixed part.
        {"year": 1989},
    ],
)
def test_the_database_refuses_an_impossible_schedule(fields):
    values = {
        "year": 2024,
        "fixed_amount": Decimal("4000"),
        "per_inhabitant": Decimal("0.30"),
        **fields,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeSchedule.objects.create(**values)


def test_one_schedule_per_year():
    FeeScheduleFactory(year=2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeSchedule.objects.create(year=2024, fixed_amount=1, per_inhabitant=0)


@pytest.fixture
def fee_year_2024():
    FeeScheduleFactory(year=2024, ceiling=Decimal("50000"))
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    PopulationFactory(municipality=vaggeryd.organisation, year=2024, inhabitants=14000)
    ContactPersonFactory(membership=vaggeryd, name="Olle Holm", email="olle@vaggeryd.example.se")
    big = MembershipFactory(organisation=MunicipalityFactory(code="0180"))  # Stockholm
    PopulationFactory(municipality=big.organisation, year=2024, inhabitants=984748)
    # Left in June 2024: a member for part of the year, so on the list.
    left = MembershipFactory(
        organisation=MunicipalityFactory(code="0680"),
        status=Membership.Status.RESIGNED,
        left_on=datetime.date(2024, 6, 30),
    )
    PopulationFactory(municipality=left.organisation, year=2024, inhabitants=145000)
    # Not on the 2024 list: left earlier, joined later, only applied.
    MembershipFactory(
        organisation=MunicipalityFactory(code="0684"),
        status=Membership.Status.RESIGNED,
        left_on=datetime.date(2019, 12, 31),
    )
    MembershipFactory(
        organisation=MunicipalityFactory(code="0685"), joined_on=datetime.date(2025, 2, 1)
    )
    MembershipFactory(
        organisation=MunicipalityFactory(code="0686"),
        status=Membership.Status.APPLIED,
        joined_on=None,
        decision_date=None,
    )
    # A member without a population figure: listed, fee unknown.
    MembershipFactory(organisation=MunicipalityFactory(code="0604"))


def test_the_fee_list_has_every_member_of_the_year(fee_year_2024, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        fees = fees_for_year(year=2024)
    rows = {row["code"]: row for row in fees["rows"]}
    assert sorted(rows) == ["0180", "0604", "0665", "0680"]
    assert rows["0665"]["fee"] == Decimal("8200")
    assert rows["0665"]["official_email"] == "olle@vaggeryd.example.se"
    assert rows["0180"]["fee"] == Decimal("50000")  # The ceiling.
    assert rows["0680"]["fee"] == Decimal("47500")
    assert rows["0604"]["fee"] is None
    assert fees["missing_population"] == ["Aneby"]
    assert fees["total"] == Decimal("105700")


def test_staff_export_the_fee_list_as_csv(admin_client, fee_year_2024):
    response = admin_client.get(reverse("admin:members_feeschedule_export", args=[2024, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="medlemsavgifter-2024.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["Organisation"] for row in rows] == ["Aneby", "Jönköping", "Stockholm", "Vaggeryd"]
    vaggeryd = rows[3]
    assert vaggeryd["Kod"] == "0665"
    assert vaggeryd["Folkmängd"] == "14000"
    assert vaggeryd["Avgift (kr)"] == "8200"
    assert vaggeryd["E-post"] == "olle@vaggeryd.example.se"
    assert rows[0]["Avgift (kr)"] == ""


def test_staff_export_the_fee_list_as_xlsx(admin_client, fee_year_2024):
    response = admin_client.get(reverse("admin:members_feeschedule_export", args=[2024, "xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Kod", "Organisation")
    vaggeryd = next(row for row in rows if row[0] == "0665")
    assert vaggeryd[rows[0].index("Avgift (kr)")] == 8200
    assert len(rows) == 5


def test_the_fee_list_page_and_exports_are_for_staff_only(client, admin_client, fee_year_2024):
    page = admin_client.get(reverse("admin:members_feeschedule_fee_list", args=[2024]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fast del 4\xa0000 kr + 0,30 kr per invånare, högst 50\xa0000 kr" in html
    assert "<td>14\xa0000</td>" in html and "<td>8\xa0200</td>" in html  # No-break spaces.
    assert "Folkmängd saknas, så avgiften kan inte beräknas för: Aneby" in html
    for url in [
        reverse("admin:members_feeschedule_fee_list", args=[2024]),
        reverse("admin:members_feeschedule_export", args=[2024, "csv"]),
    ]:
        assert client.get(url).status_code == 302  # To the admin login.
    assert (
        admin_client.get(
            reverse("admin:members_feeschedule_export", args=[2023, "csv"])
        ).status_code
        == 404
    )
    assert (
        admin_client.get(
            reverse("admin:members_feeschedule_export", args=[2024, "pdf"])
        ).status_code
        == 404
    )


def test_staff_keep_the_schedule_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:members_feeschedule_add"),
        {"year": "2025", "fixed_amount": "4000", "per_inhabitant": "0,30", "ceiling": ""},
    )
    assert response.status_code == 302, response.content.decode()
    assert FeeSchedule.objects.get(year=2025).per_inhabitant == Decimal("0.30")
    changelist = admin_client.get(reverse("admin:members_feeschedule_changelist")).content.decode()
    assert reverse("admin:members_feeschedule_export", args=[2025, "xlsx"]) in changelist
    refused = admin_client.post(
        reverse("admin:members_feeschedule_add"),
        {"year": "2026", "fixed_amount": "4000", "per_inhabitant": "0,30", "ceiling": "100"},
    )
    assert refused.status_code == 200
    assert "Taket kan inte vara lägre än den fasta delen." in refused.content.decode()
