"""The member page draws a chart when it comes near the viewport, not all of them at load: on a
phone only the first few are drawn, scrolling draws the next, a keyboard user reaching a
figure gets its chart, and printing draws every chart. Tables and verdicts are in the HTML
from the start."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory

PHONE = {"width": 375, "height": 667}
# charts.js draws a chart once it is within this distance of the viewport (its rootMargin).
MARGIN = 200


@pytest.fixture
def vaggeryd(reference_data):
    """Vaggeryd with six years of every current figure: one chart per figure."""
    from indicators.models import Indicator

    member = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    figures = Indicator.objects.current().filter(children__isnull=True, owner__isnull=True)
    for indicator in figures:
        low = indicator.min_value if indicator.min_value is not None else Decimal(0)
        for offset, year in enumerate(range(2018, 2024)):
            IndicatorValueFactory(
                organisation=member, indicator=indicator, year=year, value=low + offset + 1
            )
    return member


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def _state(page) -> list[dict]:
    """Each lazily drawn chart: drawn or not, and where it is relative to the viewport."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-chart-lazy]')).map(el => {
            const box = el.getBoundingClientRect();
            return {id: el.id, drawn: el.getAttribute('data-drawn') === 'true',
                    top: box.top, bottom: box.bottom, height: window.innerHeight,
                    svg: el.querySelector('svg.main-svg') !== null};
        })"""
    )


def _loaded(page) -> list[dict]:
    page.goto("/kommun/0665/")
    page.wait_for_load_state("load")
    expect(page.locator("[data-chart-lazy][data-drawn='true']").first).to_be_attached()
    page.wait_for_timeout(500)  # time for any chart that would (wrongly) still be drawn
    return _state(page)


def test_a_phone_draws_only_the_charts_near_the_viewport_at_load(phone, vaggeryd):
    charts = _loaded(phone)
    assert len(charts) >= 14, len(charts)
    drawn = [chart for chart in charts if chart["drawn"]]
    assert 1 <= len(drawn) < len(charts) / 2, [c["id"] for c in drawn]
    for chart in charts:
        near = chart["top"] < chart["height"] + MARGIN and chart["bottom"] > -MARGIN
        assert chart["drawn"] == near, chart
        assert chart["svg"] == chart["drawn"], chart
    assert phone.locator("html[data-charts-drawn]").count() == 0
    # Before its chart is drawn, a figure already reads: its verdict and its table.
    last = phone.locator(".chart-block").filter(has=phone.locator("[data-chart-lazy]")).last
    assert last.locator("[data-chart-lazy][data-drawn]").count() == 0
    expect(last.locator("table")).to_be_attached()
    expect(last.locator(".chart-facts")).not_to_be_empty()
    assert phone.console_errors == []


def test_scrolling_draws_the_next_charts(phone, vaggeryd):
    charts = _loaded(phone)
    first_undrawn = next(chart for chart in charts if not chart["drawn"])
    target = phone.locator(f"#{first_undrawn['id']}")
    target.scroll_into_view_if_needed()
    expect(target).to_have_attribute("data-drawn", "true")
    expect(target.locator("svg.main-svg").first).to_be_attached()
    # Still not everything: the charts far below stay undrawn.
    later = _state(phone)
    assert not later[-1]["drawn"], later[-1]
    # Scrolling through the whole page draws every chart.
    for chart in later:
        locator = phone.locator(f"#{chart['id']}")
        locator.scroll_into_view_if_needed()
        expect(locator).to_have_attribute("data-drawn", "true")
    expect(phone.locator("html[data-charts-drawn]")).to_have_count(1)
    assert phone.console_errors == []


def test_a_keyboard_user_reaching_a_figure_gets_its_chart(phone, vaggeryd):
    charts = _loaded(phone)
    undrawn = {chart["id"] for chart in charts if not chart["drawn"]}
    for _ in range(400):  # Tab until the focus is inside a figure whose chart was not drawn
        phone.keyboard.press("Tab")
        inside = phone.evaluate(
            """() => { const block = document.activeElement.closest('.chart-block');
                       const chart = block && block.querySelector('[data-chart-lazy]');
                       return chart ? chart.id : null; }"""
        )
        if inside in undrawn:
            break
    else:
        pytest.fail("Tab never reached a figure whose chart was not yet drawn")
    expect(phone.locator(f"#{inside}")).to_have_attribute("data-drawn", "true")
    assert phone.console_errors == []


def test_printing_draws_every_chart(phone, vaggeryd):
    charts = _loaded(phone)
    assert not all(chart["drawn"] for chart in charts)
    phone.emulate_media(media="print")
    expect(phone.locator("html[data-charts-drawn]")).to_have_count(1)
    assert all(chart["svg"] for chart in _state(phone))
    assert phone.console_errors == []
