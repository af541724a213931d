"""Charts on the member page are drawn when they come near the viewport (static/js/charts.js);
tests that look inside every chart bring each into view first, as a reader scrolling would."""

from playwright.sync_api import expect


def draw_every_chart(page) -> None:
    """Scroll each lazily drawn chart into view until it is drawn, then wait for them all."""
    for index in range(page.locator("[data-chart-lazy]").count()):
        chart = page.locator("[data-chart-lazy]").nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_attribute("data-drawn", "true")
    expect(page.locator("html[data-charts-drawn]")).to_have_count(1)
    page.evaluate("window.scrollTo(0, 0)")
