from playwright.sync_api import expect

from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory


def test_home_page_loads_and_a_member_page_opens(page, reference_data):
    from indicators.models import Indicator

    vaggeryd = MunicipalityFactory(code="0665")
    MembershipFactory(organisation=vaggeryd)
    IndicatorValueFactory(
        organisation=vaggeryd,
        indicator=Indicator.objects.get(revision__code="2023", code="GN.6a"),
        year=2022,
        value="491",
    )
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gröna nyckeltal")
    page.get_by_role("link", name="Vaggeryd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vaggeryd")
    expect(page.locator(".latest strong")).to_have_text("491 kg/person")
    page.screenshot(path="test-results/smoke-member.png", full_page=True)
    assert page.console_errors == []
