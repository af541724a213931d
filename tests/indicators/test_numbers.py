from decimal import Decimal

import pytest
from django.utils import translation

from common.numbers import (
    NumberFormatError,
    decimal_places,
    format_decimal,
    format_decimal_trimmed,
    format_for_input,
    parse_decimal,
    to_float,
)
from members.exports import format_rate
from members.validation import _megabytes


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


def test_numbers_are_shown_the_english_way_on_english_pages():
    assert format_decimal(Decimal("1250.5"), 1, language="en") == "1,250.5"
    with translation.override("en"):
        assert format_decimal(Decimal("8278"), 0) == "8,278"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.3"), "0,30"),
        (Decimal("2"), "2,00"),
        (Decimal("0.125"), "0,125"),
        (Decimal("0.1234"), "0,1234"),
        (Decimal("0.12345"), "0,1234"),  # rounded to four decimals, half to even
        (Decimal("0.10004"), "0,10"),  # rounded, then its zeros dropped down to two
        (Decimal("0.0000"), "0,00"),
    ],
)
def test_a_trimmed_number_has_between_its_minimum_and_maximum_decimals(value, expected):
    assert format_decimal_trimmed(value, min_decimals=2, max_decimals=4, language="sv") == expected


def test_the_fee_rate_is_written_the_swedish_way_in_either_language():
    # members formats through common.numbers; the admin shows rates Swedish in English too.
    assert format_rate(Decimal("0.3000")) == "0,30"
    with translation.override("en"):
        assert format_rate(Decimal("0.2750")) == "0,275"


def test_an_uploads_size_is_written_in_megabytes_with_a_decimal_comma():
    assert _megabytes(12 * 1024 * 1024 + 300 * 1024) == "12,3"
    with translation.override("en"):
        assert _megabytes(10 * 1024 * 1024) == "10,0"


@pytest.mark.parametrize(("language", "expected"), [("sv", "1250,50"), ("en", "1250.50")])
def test_a_number_for_input_has_no_grouping_and_the_languages_decimal_sign(language, expected):
    assert format_for_input(Decimal("1250.5"), 2, language=language) == expected
    with translation.override(language):
        assert format_for_input(Decimal("1250.5000")) == expected[:-1]


def test_a_number_for_input_reads_back_as_itself():
    for value in [Decimal("0.0425"), Decimal("-3.5"), Decimal("123456789.1234")]:
        assert parse_decimal(format_for_input(value, language="sv")) == value


def test_to_float_keeps_none():
    assert to_float(None) is None
    assert to_float(Decimal("2.47")) == 2.47
