"""A visitor finds a member, reads its charts, learns from a strong example and compares."""

from decimal import Decimal

from playwright.sync_api import expect

from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory

SERIES = {
    # code: {indicator: [(year, value)]}
    "0665": {"GN.6a": [(2015, 520), (2018, 500), (2020, 470)], "GN.7": [(2015, 60), (2020, 80)]},
    "0680": {"GN.6a": [(2015, 480), (2020, 400)], "GN.7": [(2020, 100)]},
    "0617": {"GN.6a": [(2015, 600), (2020, 590)], "GN.7": [(2015, 40), (2020, 45)]},
    "1730": {"GN.6a": [(2020, 350)]},
}


def _data():
    from indicators.models import Indicator

    indicators = {i.code: i for i in Indicator.objects.filter(revision__is_current=True)}
    for code, figures in SERIES.items():
        member = MembershipFactory(organisation=MunicipalityFactory(code=code)).organisation
        for indicator_code, points in figures.items():
            for year, value in points:
                IndicatorValueFactory(
                    organisation=member,
                    indicator=indicators[indicator_code],
                    year=year,
                    value=Decimal(value),
                )


def test_find_read_learn_and_compare(page, live_server, reference_data):
    _data()
    outside = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else outside.append(request.url)
        ),
    )

    page.goto("/")
    page.get_by_label("Sök medlem").fill("Vagg")
    page.get_by_label("Sök medlem").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vaggeryd")

    charts = page.locator(".chart")
    expect(charts).to_have_count(2)  # the two indicators Vaggeryd has reported
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()  # drawn when it comes into view
        expect(charts.nth(index).locator("svg.main-svg").first).to_be_visible()
    expect(page.get_by_text("Utvecklingen går åt rätt håll sedan 2015").first).to_be_visible()
    page.screenshot(path="test-results/public-member.png", full_page=True)
    # Printed as a report: no navigation, the charts and their facts stay.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".toc")).to_be_hidden()
    expect(page.locator(".learn-from").first).to_be_hidden()
    expect(page.locator(".chart-block").first).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="GN.6a Mängd hushållsavfall").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("GN.6a Mängd hushållsavfall")
    expect(page.locator("#average-chart svg.main-svg").first).to_be_visible()
    page.screenshot(path="test-results/public-indicator.png", full_page=True)
    examples = page.locator(".examples section").first
    examples.get_by_role("link", name="Eda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eda")
    page.locator("#chart-GN-6a").scroll_into_view_if_needed()
    expect(page.locator("#chart-GN-6a svg.main-svg").first).to_be_visible()

    page.get_by_role("link", name="Jämför").click()
    page.get_by_label("Nyckeltal").select_option("GN.6a")
    page.get_by_label("Medlem 1").select_option(label="Vaggeryd")
    page.get_by_label("Medlem 2").select_option(label="Jönköping")
    page.get_by_label("Medlem 3").select_option(label="Gnosjö")
    page.get_by_role("button", name="Visa jämförelse").click()
    expect(page).to_have_url(
        f"{live_server.url}/jamfor/?nyckeltal=GN.6a&medlem=0665&medlem=0680&medlem=0617"
        "&medlem=&medlem="
    )
    expect(page.locator("#compare-chart svg.main-svg").first).to_be_visible()
    expect(page.locator("#compare-chart .legendtext")).to_have_text(
        ["Vaggeryd", "Jönköping", "Gnosjö", "SEKOM-medel (medlemmar som rapporterat året)"]
    )
    page.screenshot(path="test-results/public-compare.png", full_page=True)

    assert page.console_errors == []
    assert outside == []
