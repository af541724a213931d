"""The comparison lines in a real browser: each switched on and off by keyboard alone, and each
point's hover saying how many organisations the average counts that year."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.drawing import draw_every_chart
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory


@pytest.fixture
def compared(reference_data, settings):
    """Vaggeryd (a member) and three non-members with household waste; Gnosjö and Eda are
    Vaggeryd's two similar municipalities."""
    from indicators.models import Indicator
    from members.models import Municipality, Population
    from members.services import similar_organisations_rebuild

    settings.SIMILAR_ORGANISATIONS = 2
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    organisations = {
        code: Municipality.objects.get(code=code) for code in ("0665", "0617", "1730", "0180")
    }
    MembershipFactory(organisation=organisations["0665"])
    for code, inhabitants in (("0665", 15000), ("0617", 9500), ("1730", 8300), ("0180", 9e5)):
        Population.objects.create(
            municipality=organisations[code], year=2022, inhabitants=int(inhabitants)
        )
    similar_organisations_rebuild()
    for code, base in (("0665", 500), ("0617", 300), ("1730", 450), ("0180", 600)):
        for offset, year in enumerate(range(2019, 2024)):
            IndicatorValueFactory(
                organisation=organisations[code],
                indicator=waste,
                year=year,
                value=Decimal(base - 5 * offset),
            )
    return organisations


def _visible(page, chart_id: str, name: str):
    return page.evaluate(
        f"() => document.getElementById('{chart_id}')._fullData"
        f".find(t => t.name === '{name}').visible"
    )


def _tab_to(page, locator) -> None:
    for _ in range(300):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail("the button is not reachable with Tab")


def test_sweden_and_similar_lines_switch_by_keyboard_and_say_how_many(page, compared):
    page.goto("/kommun/0665/")
    draw_every_chart(page)
    group = page.locator('[data-toggles-for="chart-GN-6a"]')
    sweden = group.locator('[data-toggle="sweden"]')
    similar = group.locator('[data-toggle="similar"]')
    expect(sweden).to_have_accessible_name("Sverige (alla 290 kommuner)")
    expect(similar).to_have_accessible_name("Liknande kommuner (2)")
    expect(sweden).to_have_attribute("aria-pressed", "true")
    expect(similar).to_have_attribute("aria-pressed", "false")
    assert _visible(page, "chart-GN-6a", "Sverige (alla 290 kommuner)") is True
    assert _visible(page, "chart-GN-6a", "Liknande kommuner (2)") == "legendonly"
    # Each point of the Sweden line carries its count (4 organisations had a value each year).
    counts = page.evaluate(
        "() => document.getElementById('chart-GN-6a')._fullData"
        ".find(t => t.name === 'Sverige (alla 290 kommuner)').customdata"
    )
    assert list(counts) == [4] * 5

    _tab_to(page, similar)
    page.keyboard.press("Enter")
    expect(similar).to_have_attribute("aria-pressed", "true")
    assert _visible(page, "chart-GN-6a", "Liknande kommuner (2)") is True
    page.keyboard.press("Shift+Tab")  # Sweden's button comes just before
    expect(sweden).to_be_focused()
    page.keyboard.press("Space")
    expect(sweden).to_have_attribute("aria-pressed", "false")
    assert _visible(page, "chart-GN-6a", "Sverige (alla 290 kommuner)") == "legendonly"
    assert page.console_errors == []


def test_the_indicator_pages_sweden_line_switches_by_keyboard(page, compared):
    page.goto("/nyckeltal/GN.6a/?lan=06")
    draw_every_chart(page)
    sweden = page.locator('[data-toggles-for="average-chart"] [data-toggle="sweden"]')
    expect(sweden).to_have_attribute("aria-pressed", "true")
    _tab_to(page, sweden)
    page.keyboard.press("Enter")
    expect(sweden).to_have_attribute("aria-pressed", "false")
    assert _visible(page, "average-chart", "Sverige (alla 290 kommuner)") == "legendonly"
    assert page.console_errors == []
