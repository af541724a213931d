"""A strategist defines an own figure, reports two years, sees its chart, and saves the yearly
report for the council as a PDF with Chromium: one summary page, then one page per figure."""

import re
import unicodedata
from pathlib import Path

from django.core.management import call_command
from django.db.models import Q
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.members.factories import OrganisationAccessFactory, UserFactory

PASSWORD = "hemligt-lösenord-1"
RESULTS = Path("test-results")
YEAR = 2024


def row(page, label):
    """The own section's row of one figure on the yearly form."""
    return page.locator(
        "section.own-figures fieldset.report-row", has=page.locator("legend", has_text=label)
    )


def report_figures(code: str, year: int) -> list[str]:
    """What the report must hold, counted straight from the tables: every current common
    figure and every own figure (not retired before the year) with a value up to the year."""
    from indicators.models import Indicator, IndicatorValue

    reported = set(
        IndicatorValue.objects.filter(organisation__code=code, year__lte=year).values_list(
            "indicator_id", flat=True
        )
    )
    common = Indicator.objects.filter(
        owner__isnull=True, revision__is_current=True, children__isnull=True
    )
    own = Indicator.objects.filter(owner__code=code).filter(
        Q(retired_on__isnull=True) | Q(retired_on__year__gte=year)
    )
    return [
        i.label
        for i in list(common) + list(own)
        if i.pk in reported or (i.continues_id in reported)
    ]


def save(page, year):
    page.get_by_role("button", name=f"Spara {year}").click()
    expect(page.locator(".messages")).to_contain_text(f"Vaggeryd {year} är sparat")


def test_define_report_see_and_print_an_own_figure(page, live_server, reference_data):
    from indicators.models import Indicator, IndicatorValue

    RESULTS.mkdir(exist_ok=True)
    call_command("seed_demo", members=12, years=(2016, YEAR), verbosity=0)
    strategist = UserFactory(username="strateg", email="strateg@vaggeryd.se")
    OrganisationAccessFactory(user=strategist, organisation__code="0665")

    page.goto("/konto/login/?next=/rapportera/")
    page.get_by_label("E-postadress").fill("strateg@vaggeryd.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera gröna nyckeltal")

    # Define it, with a target, from the list of every member's own figures.
    page.goto("/egna-nyckeltal/")
    expect(page.get_by_role("link", name="E.1 Gång- och cykelvägar").first).to_be_visible()
    page.get_by_role("link", name="Nytt eget nyckeltal för Vaggeryd").click()
    page.get_by_label("Namn", exact=True).fill("Publika laddpunkter")
    page.get_by_label("Beskrivning").fill("Publika laddpunkter för elbil per 1 000 invånare.")
    page.get_by_label("Enhet").fill("st/1000 inv")
    page.get_by_label("Högre är bättre").check()
    page.get_by_label("Antal decimaler").fill("1")
    page.get_by_label("Lägsta giltiga värde").fill("0")
    page.get_by_label("Målår").fill("2030")
    page.get_by_label("Målvärde").fill("5")
    page.screenshot(path=str(RESULTS / "own-define.png"), full_page=True)
    page.get_by_role("button", name="Spara nyckeltalet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E.3 Publika laddpunkter")
    figure = Indicator.objects.get(owner__code="0665", name="Publika laddpunkter")

    # Report two years in the yearly form's own section.
    for year, value in ((2023, "1,2"), (YEAR, "1,6")):
        page.goto(f"/rapportera/{year}/?org=0665")
        own = page.locator("section.own-figures")
        expect(own.get_by_role("heading", name="Egna nyckeltal")).to_be_visible()
        expect(row(page, "E.2 Sjöar")).to_have_count(0)  # retired: not in the form
        row(page, "E.3 Publika laddpunkter").get_by_label(f"Värde {year}").fill(value)
        save(page, year)
    assert [str(v) for v in figure.values.order_by("year").values_list("value", flat=True)] == [
        "1.2000",
        "1.6000",
    ]
    page.screenshot(path=str(RESULTS / "own-reported.png"), full_page=True)

    # Its chart on the member page, with the other own figures (the retired one as ended).
    page.goto("/kommun/0665/")
    section = page.locator("#egna-nyckeltal")
    expect(section.get_by_role("heading", name="Egna nyckeltal")).to_be_visible()
    chart = page.locator(f"#chart-own-{figure.pk}")
    chart.scroll_into_view_if_needed()  # charts are drawn when they come into view
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    expect(chart.locator(".scatterlayer .trace").first.locator("path.point")).to_have_count(2)
    expect(page.locator(f"#chart-own-{figure.pk}-block")).to_contain_text(
        "Utvecklingen går åt rätt håll sedan 2023"
    )
    expect(section).to_contain_text("Serien avslutades")
    page.locator(f"#chart-own-{figure.pk}-block").screenshot(path=str(RESULTS / "own-chart.png"))

    # The yearly report: every chart drawn, then Chromium's PDF.
    page.get_by_role("link", name=f"Årsrapport {YEAR} för fullmäktige").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Vaggeryd: gröna nyckeltal {YEAR}")
    expect(page.locator("html")).to_have_attribute("data-charts-drawn", "true")
    expected = report_figures("0665", YEAR)
    assert "E.3 Publika laddpunkter" in expected and "E.1 Gång- och cykelvägar" in expected
    blocks = page.locator(".report-block")
    expect(blocks).to_have_count(len(expected))
    expect(page.locator(".report-chart[data-drawn='true'] svg.main-svg").first).to_be_visible()
    for index in range(len(expected)):
        block = blocks.nth(index)
        expect(block.locator("h2")).to_contain_text(expected[index])
        expect(
            block.locator(".report-chart svg.main-svg .scatterlayer .trace").first
        ).to_be_attached()
    expect(page.get_by_role("button", name="Skriv ut eller spara som PDF")).to_be_visible()
    page.screenshot(path=str(RESULTS / "report-screen.png"), full_page=True)

    pdf = RESULTS / f"rapport-0665-{YEAR}.pdf"
    pdf.unlink(missing_ok=True)
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.exists() and pdf.stat().st_size > 10_000
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1 + len(expected)  # the summary, then a page per figure
    # NFKC: the PDF's fonts set "fi" as one ligature glyph.
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]
    assert (
        "Sammanfattning" in texts[0] and "nyckeltal gick åt rätt håll sedan förra året" in texts[0]
    )
    for number, (text, label) in enumerate(zip(texts[1:], expected, strict=True), start=2):
        # Every page: the association, the data's date, its figure, and the figure's chart
        # (its axis of years and its legend are drawn text only the chart has).
        assert "Sveriges Ekokommuner" in text, number
        assert f"Uppgifter till och med {YEAR}" in text, number
        assert label.split(" ", 1)[1] in text.replace("\n", " "), (number, label)
        # (at least two years: a far target stands beside the axis, not on it).
        assert re.search(r"\b(?:19|20)\d\d (?:19|20)\d\d\b", text), number
        assert re.search(r"^Vaggeryd(?!,)", text, re.MULTILINE), number
    assert IndicatorValue.objects.filter(indicator=figure).count() == 2
    assert page.console_errors == []
