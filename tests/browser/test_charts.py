"""Charts in a real browser: keyboard-only switching of optional series, user text that stays
text inside Plotly's labels, and numbers in the page's language on axes and hover labels."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.drawing import draw_every_chart
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory

PAYLOAD = '<a href="https://evil.example/">e</a>'


def _indicator(code: str):
    from indicators.models import Indicator

    return Indicator.objects.get(revision__is_current=True, code=code)


@pytest.fixture
def members(reference_data):
    """Vaggeryd and Jönköping (one county) with household waste and energy per employee."""
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    jonkoping = MembershipFactory(organisation=MunicipalityFactory(code="0680")).organisation
    waste, energy = _indicator("GN.6a"), _indicator("GN.9a")
    for member, base in ((vaggeryd, 500), (jonkoping, 420)):
        for offset, year in enumerate(range(2018, 2024)):
            IndicatorValueFactory(
                organisation=member, indicator=waste, year=year, value=Decimal(base - 5 * offset)
            )
            IndicatorValueFactory(
                organisation=member,
                indicator=energy,
                year=year,
                value=Decimal(18250 - 300 * offset),
            )
    return vaggeryd


def _drawn(page, url: str) -> None:
    page.goto(url)
    draw_every_chart(page)


def test_keyboard_only_switches_the_county_average_on_and_off(page, members):
    _drawn(page, "/kommun/0665/")
    chart = page.locator("#chart-GN-6a")
    # Nothing focusable inside the role="img" box, and no Plotly toolbar or cloud links.
    assert chart.locator("a[href], button, [tabindex]:not([tabindex='-1'])").count() == 0
    assert page.locator(".modebar").count() == 0
    assert page.get_by_text("Chart Studio").count() == 0
    toggle = page.locator('[data-toggles-for="chart-GN-6a"] [data-toggle="county"]')
    expect(toggle).to_have_attribute("aria-pressed", "false")
    # GN.6a comes from a national database: the county line is over all its municipalities.
    expect(toggle).to_have_accessible_name("Länet (alla 13 kommuner)")
    county_visible = (
        "() => document.getElementById('chart-GN-6a')._fullData"
        ".find(t => t.name === 'Länet (alla 13 kommuner)').visible"
    )
    assert page.evaluate(county_visible) == "legendonly"

    for _ in range(300):  # Tab through the page until the button has the focus
        page.keyboard.press("Tab")
        if toggle.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("the county average's button is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(county_visible) is True
    expect(chart.locator(".legendtext", has_text="Länet (alla 13 kommuner)")).to_have_count(1)
    page.screenshot(path="test-results/chart-county-on.png")
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert page.evaluate(county_visible) == "legendonly"
    assert page.console_errors == []


def test_markup_in_an_own_figure_stays_text_in_the_chart(page, members):
    figure = OwnIndicatorFactory(owner=members, code="E.1", name=PAYLOAD, unit=PAYLOAD)
    for year, value in [(2021, "1.5"), (2022, "2.5"), (2023, "3.5")]:
        IndicatorValueFactory(organisation=members, indicator=figure, year=year, value=value)
    _drawn(page, "/kommun/0665/")
    chart = page.locator(f"#chart-own-{figure.pk}")
    chart.locator(".scatterlayer .point").last.hover(force=True)
    hover = chart.locator(".hoverlayer")
    expect(hover).to_contain_text("evil.example")  # shown as the text it is
    assert chart.locator("svg a").count() == 0
    assert page.locator("a[href*='evil.example']").count() == 0
    expect(chart.locator(".ytitle")).to_have_text(PAYLOAD)
    assert page.console_errors == []


def _switch_language(page, code: str) -> None:
    page.locator(f'.language a[hreflang="{code}"]').click()
    expect(page.locator(f'html[lang="{code}"]')).to_have_count(1)
    draw_every_chart(page)


def test_english_and_swedish_number_formats_on_the_same_chart_page(page, members):
    _drawn(page, "/kommun/0665/")
    chart = page.locator("#chart-GN-9a")
    locale = "() => document.getElementById('chart-GN-9a')._context.locale"
    assert page.evaluate(locale) == "sv"  # the vendored Swedish locale is registered
    assert page.evaluate("() => typeof window.module") == "undefined"  # and its shim gone
    ticks = chart.locator(".ytick text").all_text_contents()
    assert any("\u202f" in tick for tick in ticks), ticks  # 16 500, Swedish thousands
    assert not any("," in tick for tick in ticks), ticks
    chart.locator(".scatterlayer .point").last.hover(force=True)
    expect(chart.locator(".hoverlayer")).to_contain_text("2023: 16\u202f750 kWh/årsarbetare")
    facts = page.locator("#chart-GN-9a-block .chart-facts")
    expect(facts).to_contain_text("16\u202f750 kWh/årsarbetare")
    page.screenshot(path="test-results/numbers-sv.png")

    _switch_language(page, "en")
    chart = page.locator("#chart-GN-9a")
    assert page.evaluate(locale) == "en"
    ticks = chart.locator(".ytick text").all_text_contents()
    assert any("," in tick for tick in ticks), ticks  # 16,500
    assert not any("\u202f" in tick or "\u00a0" in tick for tick in ticks), ticks
    chart.locator(".scatterlayer .point").last.hover(force=True)
    expect(chart.locator(".hoverlayer")).to_contain_text("2023: 16,750 kWh/full-time employee")
    facts = page.locator("#chart-GN-9a-block .chart-facts")
    expect(facts).to_contain_text("16,750 kWh/full-time employee")
    page.screenshot(path="test-results/numbers-en.png")
    assert page.console_errors == []


def test_a_chart_is_saved_as_an_image_with_a_button_outside_it(page, members):
    _drawn(page, "/kommun/0665/")
    button = page.locator('[data-image-for="chart-GN-6a"]')
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Spara diagrammet som bild (PNG)")
    assert page.locator("#chart-GN-6a button").count() == 0
    with page.expect_download() as download:
        button.click()
    saved = download.value
    assert saved.suggested_filename == "0665-gn-6a.png"
    with open(saved.path(), "rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"
    assert page.console_errors == []
