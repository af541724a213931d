"""The rules behind verdicts, averages' directions and good examples, on hand-made series."""

import pytest

from indicators.analysis import (
    Point,
    development_verdict,
    improvers,
    learn_from,
    strong_set,
    strongest,
    yearly_direction,
)


def test_lower_is_better_going_down_is_the_right_way():
    verdict = development_verdict(
        series=[Point(2010, 560.0), Point(2015, 500.0), Point(2022, 491.0)], lower_is_better=True
    )
    assert verdict["kind"] == "right"
    assert verdict["text"] == "Utvecklingen går åt rätt håll sedan 2010"


def test_higher_is_better_going_down_is_the_wrong_way():
    verdict = development_verdict(
        series=[Point(2007, 40.0), Point(2022, 35.0)], lower_is_better=False
    )
    assert verdict["kind"] == "wrong"
    assert verdict["text"] == "Utvecklingen går åt fel håll sedan 2007"


def test_gaps_are_not_zeros_the_baseline_is_the_first_year_with_a_value():
    # 2011-2014 are missing; a zero would make the latest value look like an improvement.
    verdict = development_verdict(
        series=[Point(2016, 3.0), Point(2010, 2.0), Point(2020, 2.5)], lower_is_better=True
    )
    assert verdict["baseline"] == Point(2010, 2.0)
    assert verdict["latest"] == Point(2020, 2.5)
    assert verdict["kind"] == "wrong"


@pytest.mark.parametrize("series", [[], [Point(2022, 1.0)]])
def test_one_value_or_none_gives_no_verdict(series):
    verdict = development_verdict(series=series, lower_is_better=True)
    assert verdict["kind"] == "unknown"
    assert verdict["text"] == "För få värden för att bedöma utvecklingen."


def test_unchanged_is_said_as_such():
    verdict = development_verdict(
        series=[Point(2018, 5.0), Point(2022, 5.0)], lower_is_better=False
    )
    assert (verdict["kind"], verdict["text"]) == ("flat", "Oförändrat sedan 2018")


def test_yearly_direction_of_the_average():
    moved = yearly_direction(averages={2021: 2.0, 2023: 1.72, 2022: 1.88}, lower_is_better=True)
    assert moved == {
        "year": 2023,
        "value": 1.72,
        "kind": "right",
        "previous_year": 2022,
        "moved": "down",
    }


def _row(org, name, year, value, county=1):
    return {
        "organisation_id": org,
        "name": name,
        "code": f"{org:04d}",
        "year": year,
        "value": value,
        "county_id": county,
    }


def test_strongest_takes_each_members_latest_recent_value_in_the_desired_direction():
    latest = {
        1: _row(1, "A", 2024, 300.0),
        2: _row(2, "B", 2024, 520.0),
        3: _row(3, "C", 2023, 410.0),
        4: _row(4, "D", 2015, 100.0),  # too old to count as an example today
    }
    assert [r["name"] for r in strongest(latest=latest, lower_is_better=True, limit=2)] == [
        "A",
        "C",
    ]
    assert [r["name"] for r in strongest(latest=latest, lower_is_better=False, limit=1)] == ["B"]


def test_strong_set_is_the_best_quarter_but_at_least_three():
    latest = {n: _row(n, f"M{n:02d}", 2024, float(n)) for n in range(1, 21)}
    assert [r["organisation_id"] for r in strong_set(latest=latest, lower_is_better=False)] == [
        20,
        19,
        18,
        17,
        16,
    ]
    few = {n: latest[n] for n in (1, 2)}
    assert len(strong_set(latest=few, lower_is_better=False)) == 2


def test_improvers_compare_each_member_with_its_own_value_five_years_earlier():
    rows = [
        _row(1, "Fast", 2019, 600.0), _row(1, "Fast", 2024, 450.0),  # -25 %
        _row(2, "Slow", 2019, 500.0), _row(2, "Slow", 2024, 480.0),  # -4 %
        _row(3, "Worse", 2019, 400.0), _row(3, "Worse", 2024, 420.0),
        _row(4, "New", 2024, 200.0),  # nothing five years earlier
        _row(5, "Gap", 2018, 900.0), _row(5, "Gap", 2024, 300.0),  # 2019 missing
    ]  # fmt: skip
    found = improvers(rows=rows, lower_is_better=True, limit=5)
    assert [(r["name"], r["earlier"]["year"]) for r in found] == [("Fast", 2019), ("Slow", 2019)]
    assert found[0]["gain_share"] == pytest.approx(0.25)


def test_learn_from_prefers_the_same_county_then_similar_size_and_never_oneself():
    strong = [
        _row(1, "Big far", 2024, 1.0, county=2),
        _row(2, "Small far", 2024, 1.0, county=2),
        _row(3, "Near", 2024, 2.0, county=6),
    ]
    chosen = learn_from(
        strong=strong,
        own_id=4,
        own_value=2.5,
        lower_is_better=True,
        own_county_id=6,
        own_population=14_000,
        populations={1: 900_000, 2: 12_000, 3: 140_000, 4: 14_000},
    )
    assert chosen["among_strongest"] is False
    assert [r["name"] for r in chosen["members"]] == ["Near", "Small far", "Big far"]


@pytest.mark.parametrize("lower_is_better", [True, False])
def test_learn_from_suggests_only_members_better_than_the_member_itself(lower_is_better):
    """Vaggeryd at 289 kg/person is never sent to members at 295 and 303 (or at 289)."""
    sign = 1 if lower_is_better else -1
    strong = [
        _row(1, "Better", 2024, sign * 280.0, county=6),
        _row(2, "Equal", 2024, sign * 289.0, county=6),
        _row(3, "Worse", 2024, sign * 295.0, county=6),
        _row(4, "Worse still", 2023, sign * 303.0, county=6),
    ]
    chosen = learn_from(
        strong=strong,
        own_id=9,
        own_value=sign * 289.0,
        lower_is_better=lower_is_better,
        own_county_id=6,
        own_population=14_000,
        populations={},
    )
    assert [r["name"] for r in chosen["members"]] == ["Better"]
    assert chosen["among_strongest"] is False


def test_a_member_among_the_strongest_is_told_so_and_offered_the_improvers_instead():
    strong = [
        _row(1, "Best", 2024, 250.0),
        _row(9, "Me", 2024, 260.0),
        _row(3, "Good", 2024, 270.0),
    ]
    improved = [_row(9, "Me", 2024, 260.0), _row(5, "Riser", 2024, 400.0)]
    chosen = learn_from(
        strong=strong,
        improved=improved,
        own_id=9,
        own_value=260.0,
        lower_is_better=True,
        own_county_id=6,
        own_population=14_000,
        populations={},
    )
    assert chosen["among_strongest"] is True
    assert [r["name"] for r in chosen["members"]] == ["Riser"]
    nobody = learn_from(
        strong=strong,
        own_id=9,
        own_value=260.0,
        lower_is_better=True,
        own_county_id=6,
        own_population=14_000,
        populations={},
    )
    assert nobody == {"among_strongest": True, "members": []}
