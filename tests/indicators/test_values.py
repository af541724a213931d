import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import Indicator, IndicatorValue
from indicators.services import ValueInput, values_upsert
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    return MunicipalityFactory(code="0665")


@pytest.fixture
def energy():
    return Indicator.objects.get(revision__code="2023", code="GN.7")


@pytest.fixture
def tonnage():
    return Indicator.objects.get(revision__code="2023", code="GN.1a")


def test_a_second_value_for_the_same_member_indicator_and_year_is_refused(vaggeryd, energy):
    IndicatorValueFactory(organisation=vaggeryd, indicator=energy, year=2022)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            organisation=vaggeryd, indicator=energy, year=2022, value=Decimal("60")
        )


def test_a_year_before_1990_is_refused_by_the_database(vaggeryd, energy):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            organisation=vaggeryd, indicator=energy, year=1989, value=Decimal("60")
        )


def test_140_percent_is_refused_with_a_clear_message(vaggeryd, energy):
    value = IndicatorValue(organisation=vaggeryd, indicator=energy, year=2022, value=Decimal(140))
    with pytest.raises(ValidationError) as caught:
        value.full_clean()
    message = caught.value.message_dict["value"][0]
    assert message == (
        "GN.7 Förnybar och återvunnen energi i lokaler: värdet 140 är högre än det högsta "
        "tillåtna, 100 %."
    )


def test_a_negative_tonnage_is_refused(vaggeryd, tonnage):
    value = IndicatorValue(
        organisation=vaggeryd, indicator=tonnage, year=2022, value=Decimal("-1.5")
    )
    with pytest.raises(ValidationError) as caught:
        value.full_clean()
    assert "kan inte vara negativt" in caught.value.message_dict["value"][0]
    assert caught.value.message_dict["value"][0].startswith("GN.1a ")


def test_too_many_decimals_and_a_future_year_are_refused(vaggeryd, tonnage):
    next_year = datetime.date.today().year + 1
    value = IndicatorValue(
        organisation=vaggeryd, indicator=tonnage, year=next_year, value=Decimal("1.234")
    )
    with pytest.raises(ValidationError) as caught:
        value.full_clean()
    errors = caught.value.message_dict
    assert "högst 2 decimaler" in errors["value"][0]
    assert "har inte börjat" in errors["year"][0]


def test_the_write_service_saves_all_rows_or_none(vaggeryd, energy, tonnage):
    good = ValueInput(organisation_id=vaggeryd.pk, indicator=energy, year=2021, value=Decimal(80))
    bad = ValueInput(organisation_id=vaggeryd.pk, indicator=energy, year=2022, value=Decimal(140))
    with pytest.raises(ValidationError, match="högre än det högsta"):
        values_upsert(rows=[good, bad])
    assert not IndicatorValue.objects.exists()

    result = values_upsert(
        rows=[
            good,
            ValueInput(
                organisation_id=vaggeryd.pk, indicator=tonnage, year=2021, value=Decimal("2.47")
            ),
        ]
    )
    assert result.counts() == {"created": 2, "updated": 0, "unchanged": 0}


def test_the_write_service_updates_in_place_and_keeps_history(vaggeryd, energy, django_user_model):
    reporter = django_user_model.objects.create_user("strateg")
    row = ValueInput(organisation_id=vaggeryd.pk, indicator=energy, year=2021, value=Decimal(80))
    values_upsert(rows=[row], user=reporter)
    changed = ValueInput(
        organisation_id=vaggeryd.pk, indicator=energy, year=2021, value=Decimal(85)
    )
    result = values_upsert(rows=[changed], user=reporter)
    again = values_upsert(rows=[changed], user=reporter)

    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 0}
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 1}
    value = IndicatorValue.objects.get()
    assert value.value == 85
    history = list(
        value.history.order_by("history_date").values_list("history_type", "value", "history_user")
    )
    assert history == [("+", Decimal(80), reporter.pk), ("~", Decimal(85), reporter.pk)]


def test_the_same_key_twice_in_one_call_is_refused(vaggeryd, energy):
    row = ValueInput(organisation_id=vaggeryd.pk, indicator=energy, year=2021, value=Decimal(80))
    with pytest.raises(ValidationError, match="flera gånger"):
        values_upsert(rows=[row, row])


def test_a_row_that_keeps_its_stored_comment_keeps_every_other_field_too():
    """The fast copy of a row without a comment (values_resolve) leaves nothing out, so a
    Kolada row keeps its KPI and fetch date (a field added to ValueInput must be copied)."""
    import dataclasses

    from indicators.services.values import _with_comment

    organisation = MunicipalityFactory()
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    row = ValueInput(
        organisation_id=organisation.pk, indicator=waste, year=2022, value=Decimal("480"),
        status="preliminary", source_note="Källa: Kolada (RKA)", comment=None,
        numerator=Decimal("1"), denominator=Decimal("2"), source_kpi="U07801",
        fetched_on=datetime.date(2026, 12, 1),
    )  # fmt: skip
    copied = _with_comment(row, "kept")
    assert copied == dataclasses.replace(row, comment="kept")
