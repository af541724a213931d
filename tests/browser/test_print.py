"""The printed council report: every page carries the association, the member, the print date,
"Demodata" where it applies and "sida N av M", read back from the PDF Chromium prints."""

import datetime
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory


@pytest.fixture
def vaggeryd(reference_data):
    from indicators.models import Indicator
    from members.models import SiteState

    member = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    for indicator in Indicator.objects.filter(revision__is_current=True)[:6]:
        for offset, year in enumerate(range(2019, 2024)):
            IndicatorValueFactory(
                organisation=member, indicator=indicator, year=year, value=Decimal(40 + offset)
            )
    SiteState.objects.update_or_create(pk=1, defaults={"demo": {"seed": 1}})
    return member


def _pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def test_the_council_report_prints_numbered_pages_with_member_and_date(page, vaggeryd):
    page.goto("/kommun/0665/rapport/2023/")
    expect(page.locator("html[data-charts-drawn]")).to_have_count(1)
    pages = _pages(page.pdf(format="A4"))
    assert len(pages) >= 3  # the summary, then a page per figure with values
    today = datetime.date.today()
    for number, text in enumerate(pages, start=1):
        assert f"sida {number} av {len(pages)}" in text, text
        assert "Sveriges Ekokommuner · Gröna nyckeltal" in text, text
        assert "Vaggeryd, årsrapport 2023" in text, text
        assert f"Uppgifter till och med 2023, utskrivet {today.day} " in text, text
        assert str(today.year) in text, text
        assert "Demodata" in text, text


def test_the_printed_member_page_is_numbered_and_skips_empty_pages(page, vaggeryd):
    page.goto("/kommun/0665/")
    # The member page draws a chart when it comes into view; printing draws them all.
    page.emulate_media(media="print")
    expect(page.locator("html[data-charts-drawn]")).to_have_count(1)
    pages = _pages(page.pdf(format="A4"))
    for number, text in enumerate(pages, start=1):
        assert f"sida {number} av {len(pages)}" in text, text
        assert "Vaggeryd" in text and "Demodata" in text, text
    # A figure without values does not take a page of its own: the empty ones share pages.
    blocks = page.locator(".chart-block").count()
    empty = page.locator(".chart-block.is-empty").count()
    assert empty >= 8
    assert len(pages) <= blocks - empty + 2
    assert any(text.count("Inga värden rapporterade.") >= 3 for text in pages)
