"""A strategist logs in, enters a year with one mistake, corrects it, saves, and sees it."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import MembershipFactory, MunicipalityFactory, UserFactory

PASSWORD = "hemligt-lösenord-1"


def row(page, code):
    return page.locator("fieldset.report-row", has=page.locator("legend", has_text=f"{code} "))


def test_a_reporter_enters_a_year_corrects_a_mistake_and_sees_the_values(
    page, reference_data, settings
):
    from indicators.models import Indicator, IndicatorValue
    from members.models import OrganisationAccess

    settings.AXES_ENABLED = True  # The real login, with its guard.
    vaggeryd = MunicipalityFactory(code="0665")
    MembershipFactory(organisation=vaggeryd)
    strategist = UserFactory(username="strateg", email="strateg@vaggeryd.se")
    OrganisationAccess.objects.create(user=strategist, organisation=vaggeryd)
    energy = Indicator.objects.get(revision__code="2023", code="GN.7")
    IndicatorValueFactory(organisation=vaggeryd, indicator=energy, year=2023, value=Decimal(80))

    # Log in with the e-mail address, from the menu.
    page.goto("/")
    page.get_by_role("link", name="Rapportera").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    page.get_by_label("E-postadress").fill("strateg@vaggeryd.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera gröna nyckeltal")
    page.get_by_role("link", name="Fyll i 2024").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vaggeryd: gröna nyckeltal 2024")

    # Empty fields are marked; so are the ones changed since the page loaded.
    fuel = row(page, "GN.2b")
    expect(fuel).to_have_class(re.compile(r"\bis-empty\b"))
    expect(fuel.get_by_text("Ej ifyllt")).to_be_visible()
    expect(row(page, "GN.7").get_by_text("Förra året (2023): 80,0 %")).to_be_visible()

    row(page, "GN.2a").get_by_label("Värde 2024").fill("42,5")
    row(page, "GN.7").get_by_label("Värde 2024").fill("140")  # The mistake.
    row(page, "GN.8a").get_by_label("Värde 2024").fill("2,47")
    # A share from its two numbers: the value is filled in as they are typed.
    fuel.get_by_text("Räkna fram värdet från två tal").click()
    fuel.get_by_label("Förnybart bränsle (kWh)").fill("931 000")
    fuel.get_by_label("Allt bränsle (kWh)").fill("1 000 000")
    expect(fuel.get_by_label("Värde 2024")).to_have_value("93,1")
    expect(fuel).not_to_have_class(re.compile(r"\bis-empty\b"))
    expect(row(page, "GN.8a")).to_have_class(re.compile(r"\bis-changed\b"))
    expect(row(page, "GN.8a").get_by_text("Ändrat, inte sparat")).to_be_visible()
    expect(page.get_by_text("4 nyckeltal är ändrade och inte sparade.")).to_be_visible()
    page.screenshot(path="test-results/reporting-typed.png", full_page=True)

    # Leaving with unsaved changes asks first.
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="← 2023").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/rapportera/2024/?org=0665")

    page.get_by_role("button", name="Spara 2024").click()
    message = (
        "GN.7 Förnybar och återvunnen energi i lokaler: värdet 140 är högre än det högsta "
        "tillåtna, 100 %."
    )
    expect(page.get_by_text("Inget sparades: ett fält behöver rättas.")).to_be_visible()
    # The focus is on the error summary; its link leads to the field to correct.
    expect(page.locator("#error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=message)).to_be_focused()
    expect(row(page, "GN.7").get_by_text(message)).to_be_visible()
    expect(row(page, "GN.8a").get_by_label("Värde 2024")).to_have_value("2,47")
    expect(row(page, "GN.8a")).to_have_class(re.compile(r"\bis-changed\b"))
    page.screenshot(path="test-results/reporting-error.png", full_page=True)
    assert not IndicatorValue.objects.filter(year=2024).exists()

    row(page, "GN.7").get_by_label("Värde 2024").fill("87,5")
    page.get_by_role("button", name="Spara 2024").click()
    expect(page.get_by_text("Vaggeryd 2024 är sparat: 4 nya och 0 ändrade värden.")).to_be_visible()
    expect(row(page, "GN.8a")).not_to_have_class(re.compile(r"\bis-changed\b"))
    expect(row(page, "GN.2b").get_by_label("Förnybart bränsle (kWh)")).to_have_value("931000")
    page.screenshot(path="test-results/reporting-saved.png", full_page=True)

    # The history names the reporter.
    row(page, "GN.8a").get_by_role("link", name="Historik för GN.8a").click()
    expect(page.get_by_role("cell", name="strateg@vaggeryd.se")).to_be_visible()

    # And the values are on the municipality's page.
    page.goto("/kommun/0665/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vaggeryd")
    expect(page.locator("main")).to_contain_text("2,47")
    expect(page.locator("main")).to_contain_text("87,5")
    page.screenshot(path="test-results/reporting-member-page.png", full_page=True)
    assert page.console_errors == []
