"""Properties of the reporting form's parsing: however a valid share is typed, it is read right."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.forms import ValueRowForm
from indicators.models import Indicator

YEAR = 2024


@pytest.fixture(scope="module")
def share():
    # An unsaved indicator: the row form needs no database to parse and check.
    return Indicator(
        pk=1,
        code="GN.7",
        name="Förnybar och återvunnen energi i lokaler",
        unit="%",
        decimals=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
        reported_by=Indicator.ReportedBy.MEMBER,
        numerator_label="Förnybar energi (kWh)",
        denominator_label="All energi (kWh)",
        input_scale=Decimal(100),
    )


def row(indicator, **fields) -> ValueRowForm:
    data = {f"n1-{name}": text for name, text in {"status": "final", **fields}.items()}
    return ValueRowForm(data, indicator=indicator, year=YEAR, current=None, previous=None)


def typed(value: Decimal, *, comma: bool, spaces: bool) -> str:
    text = f"{value:,.1f}" if spaces else f"{value:.1f}"
    text = text.replace(",", " ")
    return text.replace(".", ",") if comma else text


tenths = st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(n) / 10)


@given(value=tenths, comma=st.booleans(), spaces=st.booleans())
def test_every_valid_share_is_read_however_it_is_typed(share, value, comma, spaces):
    form = row(share, value=typed(value, comma=comma, spaces=spaces))
    assert form.is_valid(), form.errors
    assert form.value_input(organisation_id=1).value == value


@given(value=st.integers(min_value=1001, max_value=10**9).map(lambda n: Decimal(n) / 10))
def test_a_share_above_100_is_always_refused(share, value):
    form = row(share, value=typed(value, comma=True, spaces=True))
    assert not form.is_valid()
    assert "högre än det högsta tillåtna, 100 %" in form.errors["value"][0]


@given(
    numerator=st.integers(min_value=0, max_value=10**9),
    extra=st.integers(min_value=0, max_value=10**9),
)
def test_two_numbers_give_their_share_rounded_to_the_indicators_decimals(share, numerator, extra):
    denominator = numerator + extra or 1
    form = row(share, numerator=f"{numerator:,}".replace(",", " "), denominator=str(denominator))
    assert form.is_valid(), form.errors
    saved = form.value_input(organisation_id=1)
    assert saved.numerator == numerator and saved.denominator == denominator
    assert abs(saved.value - Decimal(numerator) / denominator * 100) <= Decimal("0.05")
    assert saved.value == saved.value.quantize(Decimal("0.1"))
