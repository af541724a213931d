from decimal import Decimal

import pytest

from common.numbers import NumberFormatError, decimal_places, format_decimal, parse_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,47", Decimal("2.47")),
        ("2.47", Decimal("2.47")),
        ("1 250", Decimal("1250")),
        ("1\u00a0250,5", Decimal("1250.5")),
        (" 12 % ", Decimal("12")),
        ("\u22120,3", Decimal("-0.3")),
        ("-4", Decimal("-4")),
        (",5", Decimal("0.5")),
    ],
)
def test_swedish_and_english_numbers_are_read(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_text_is_no_value(text):
    assert parse_decimal(text) is None


@pytest.mark.parametrize("text", ["abc", "1,250.5", "2,4,7", "1e5", "--2", "12 kg"])
def test_text_that_is_no_number_gets_a_swedish_message(text):
    with pytest.raises(NumberFormatError, match="inte ett tal"):
        parse_decimal(text)


def test_decimal_places_ignore_trailing_zeros():
    assert decimal_places(Decimal("2.50")) == 1
    assert decimal_places(Decimal("1E+3")) == 0
    assert decimal_places(Decimal("0.125")) == 3


def test_numbers_are_shown_the_swedish_way():
    assert format_decimal(Decimal("1250.5"), 1) == "1\u202f250,5"
