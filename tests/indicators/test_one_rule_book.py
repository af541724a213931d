"""Every rule about a value or a target lives in indicators.validation: the same bad value or
target gets the same Swedish message through the year form, the write service, the importer
and the admin (TargetAdmin included). The API only reads, so it has no door to refuse at."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import importers, validation
from indicators.forms import ValueRowForm
from indicators.models import Indicator, IndicatorValue, Target
from indicators.services import ValueInput, ValuesInvalid, target_set, values_upsert
from tests.members.factories import MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2022


@pytest.fixture
def energy():
    # 0–100 %, one decimal, given as its share of two numbers (kWh).
    return Indicator.objects.get(revision__is_current=True, code="GN.7")


@pytest.fixture
def vaggeryd():
    return MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation


def form_messages(indicator, **fields) -> list[str]:
    prefix = f"n{indicator.pk}"
    data = {f"{prefix}-{name}": text for name, text in {"status": "final", **fields}.items()}
    form = ValueRowForm(data, indicator=indicator, year=YEAR, current=None, previous=None)
    assert not form.is_valid()
    return [message for messages in form.errors.values() for message in messages]


def service_messages(organisation, indicator, **numbers) -> list[str]:
    with pytest.raises(ValuesInvalid) as caught:
        values_upsert(
            rows=[
                ValueInput(
                    organisation_id=organisation.pk, indicator=indicator, year=YEAR, **numbers
                )
            ]
        )
    return caught.value.messages


def importer_messages(text: str) -> list[str]:
    read = importers.read_file(text.encode("utf-8"), fmt="csv")
    report = importers.values_import(read=read)
    assert not report.ok
    return [problem.message for problem in report.problems]


def admin_messages(admin_client, organisation, indicator, **fields) -> list[str]:
    response = admin_client.post(
        reverse("admin:indicators_indicatorvalue_add"),
        {
            "organisation": organisation.pk,
            "indicator": indicator.pk,
            "year": YEAR,
            "status": "final",
            "source_note": "",
            "comment": "",
            "numerator": "",
            "denominator": "",
            **fields,
        },
    )
    assert response.status_code == 200  # the form again, with its errors
    form = response.context["adminform"].form
    return [message for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("150", Decimal("150")), ("12,34", Decimal("12.34")), ("-1", Decimal("-1"))],
)
def test_a_bad_value_gets_the_same_message_through_every_door(
    admin_client, energy, vaggeryd, typed, stored
):
    expected = validation.value_errors(indicator=energy, year=YEAR, value=stored)["value"]
    assert expected  # the case really breaks a rule
    assert form_messages(energy, value=typed) == expected
    assert service_messages(vaggeryd, energy, value=stored) == expected
    text = str(stored)
    assert importer_messages(f"kommunkod;nyckeltal;år;värde\n0665;GN.7;{YEAR};{text}\n") == expected
    assert admin_messages(admin_client, vaggeryd, energy, value=text) == expected
    assert not IndicatorValue.objects.exists()


def test_a_share_with_only_one_number_gets_the_same_message_through_every_door(
    admin_client, energy, vaggeryd
):
    expected = validation.share_errors(
        indicator=energy, value=None, numerator=Decimal(40), denominator=None
    )["denominator"]
    assert "ange både" in expected[0]
    assert form_messages(energy, numerator="40", denominator="") == expected
    assert service_messages(vaggeryd, energy, value=None, numerator=Decimal(40)) == expected
    assert (
        importer_messages(f"kommunkod;nyckeltal;år;värde;täljare\n0665;GN.7;{YEAR};;40\n")
        == expected
    )
    # The admin used to pass this to the service and fail there; now its form says why.
    assert admin_messages(admin_client, vaggeryd, energy, value="40", numerator="40") == expected
    assert not IndicatorValue.objects.exists()


def target_admin_messages(admin_client, indicator, organisation, *, year, value) -> list[str]:
    response = admin_client.post(
        reverse("admin:indicators_target_add"),
        {
            "organisation": organisation.pk,
            "indicator": indicator.pk,
            "year": year,
            "value": value,
            "note": "",
        },
    )
    if response.status_code == 302:
        return []
    assert response.status_code == 200
    form = response.context["adminform"].form
    return [message for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize(
    ("year", "value"),
    [(2200, Decimal("50")), (2030, Decimal("150")), (2030, Decimal("12.34"))],
)
def test_target_admin_refuses_what_target_set_refuses_with_the_same_message(
    admin_client, energy, vaggeryd, year, value
):
    reporter = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError) as caught:
        target_set(user=reporter, organisation=vaggeryd, indicator=energy, year=year, value=value)
    expected = caught.value.messages
    assert expected
    assert (
        target_admin_messages(admin_client, energy, vaggeryd, year=year, value=str(value))
        == expected
    )
    assert not Target.objects.filter(organisation=vaggeryd).exists()


def test_target_admin_saves_a_valid_target(admin_client, energy, vaggeryd):
    assert target_admin_messages(admin_client, energy, vaggeryd, year=2030, value="75.5") == []
    target = Target.objects.get(organisation=vaggeryd, indicator=energy)
    assert (target.year, target.value) == (2030, Decimal("75.5"))
