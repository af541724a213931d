"""Target tracking: a straight line through the member's last five values, said in words."""

import pytest

from indicators.analysis import Point, least_squares, target_projection


def series(*pairs):
    return [Point(year, value) for year, value in pairs]


# Emissions falling 0.1 a year from 1.9 (2019) to 1.5 (2023): the line reaches 0.8 in 2030.
FALLING = series((2019, 1.9), (2020, 1.8), (2021, 1.7), (2022, 1.6), (2023, 1.5))


def test_the_line_is_fitted_by_least_squares():
    slope, intercept = least_squares(series((2020, 1.0), (2021, 3.0), (2022, 2.0)))
    assert slope == pytest.approx(0.5)
    assert intercept + slope * 2021 == pytest.approx(2.0)


def test_lower_is_better_on_track():
    result = target_projection(
        series=FALLING, target_year=2030, target_value=0.9, lower_is_better=True, unit="ton/inv"
    )
    assert result["kind"] == "on_track"
    assert result["text"] == "I takt med målet 2030"
    assert result["projected"] == pytest.approx(0.8)


def test_lower_is_better_off_track_says_where_the_line_ends():
    # Falling only 0.05 a year from 1.75: 2030 ends at 1.4, the target is 0.9.
    slow = series((2019, 1.75), (2020, 1.7), (2021, 1.65), (2022, 1.6), (2023, 1.55))
    result = target_projection(
        series=slow, target_year=2030, target_value=0.9, lower_is_better=True, unit="ton/inv"
    )
    assert result["kind"] == "off_track"
    assert result["text"] == (
        "Inte i takt: med nuvarande utveckling nås 1,2 ton/inv 2030, målet är 0,9"
    )


def test_the_example_sentence_of_the_issue():
    worse = series((2019, 1.4), (2020, 1.45), (2021, 1.35), (2022, 1.4), (2023, 1.4))
    result = target_projection(
        series=worse, target_year=2030, target_value=0.9, lower_is_better=True, unit="ton/inv"
    )
    assert result["text"] == (
        "Inte i takt: med nuvarande utveckling nås 1,4 ton/inv 2030, målet är 0,9"
    )


def test_higher_is_better_on_track_and_off_track():
    rising = series((2020, 40.0), (2021, 43.0), (2022, 46.0), (2023, 49.0))  # +3 a year
    on = target_projection(
        series=rising, target_year=2030, target_value=60, lower_is_better=False, unit="%"
    )
    assert (on["kind"], on["text"]) == ("on_track", "I takt med målet 2030")
    assert on["projected"] == pytest.approx(70.0)
    off = target_projection(
        series=rising, target_year=2030, target_value=80, lower_is_better=False, unit="%"
    )
    assert off["kind"] == "off_track"
    assert off["text"] == "Inte i takt: med nuvarande utveckling nås 70,0 % 2030, målet är 80"


def test_the_same_line_is_wrong_for_the_other_direction():
    # Falling values reach 0.8 by 2030: on track when lower is better, not when higher is.
    higher = target_projection(
        series=FALLING, target_year=2030, target_value=0.9, lower_is_better=False, unit="ton/inv"
    )
    assert higher["kind"] == "off_track"
    assert higher["text"].startswith("Inte i takt: med nuvarande utveckling nås 0,8 ton/inv")


@pytest.mark.parametrize("count, word", [(0, "inget"), (1, "ett"), (2, "två")])
def test_fewer_than_three_values_give_no_projection_and_say_so(count, word):
    result = target_projection(
        series=FALLING[:count], target_year=2030, target_value=0.9, lower_is_better=True
    )
    assert result["kind"] == "too_few"
    assert result["projected"] is None
    assert result["text"] == (
        f"Ingen prognos mot målet 2030: det behövs minst tre värden och det finns {word}."
    )


def test_three_values_are_enough():
    result = target_projection(
        series=FALLING[:3], target_year=2030, target_value=0.9, lower_is_better=True
    )
    assert result["kind"] == "on_track"


def test_only_the_last_five_values_count():
    # Twenty years of rising values, then five falling ones: the line follows the last five.
    early = [Point(year, 1.0 + (year - 1999) * 0.1) for year in range(1999, 2019)]
    result = target_projection(
        series=early + FALLING, target_year=2030, target_value=0.9, lower_is_better=True
    )
    assert result["kind"] == "on_track"
    assert result["points"] == 5


def test_gaps_are_skipped_not_zeros():
    gappy = series((2015, 2.0), (2018, 1.7), (2023, 1.2))  # -0.1 a year, years missing
    result = target_projection(
        series=gappy, target_year=2030, target_value=0.6, lower_is_better=True, unit="t"
    )
    assert result["projected"] == pytest.approx(0.5)
    assert result["kind"] == "on_track"


def test_the_projection_stays_within_the_valid_range():
    # A steep fall would cross zero; a share cannot be negative.
    steep = series((2021, 30.0), (2022, 20.0), (2023, 10.0))
    result = target_projection(
        series=steep, target_year=2030, target_value=5, lower_is_better=False, unit="%", low=0
    )
    assert result["projected"] == 0
    assert result["text"] == "Inte i takt: med nuvarande utveckling nås 0,0 % 2030, målet är 5"


def test_a_target_year_that_has_come_is_judged_on_the_latest_value():
    reached = target_projection(
        series=FALLING, target_year=2022, target_value=1.6, lower_is_better=True, unit="t"
    )
    assert (reached["kind"], reached["text"]) == ("reached", "Målet för 2022 är nått: 1,5 t 2023")
    missed = target_projection(
        series=FALLING, target_year=2023, target_value=1.0, lower_is_better=True, unit="t"
    )
    assert missed["kind"] == "missed"
    assert missed["text"] == "Målet för 2023 är inte nått: 1,5 t 2023, målet är 1"
