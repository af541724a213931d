"""The office imports files in the admin: a bad row is named, a clean file is written, and a
Miljöbarometern table ends on the member's public page."""

import re

from playwright.sync_api import expect


def login(page, admin_user):
    page.goto("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")  # pytest-django's admin_user
    page.click("input[type=submit]")


def test_an_import_shows_the_bad_row_then_a_clean_file_is_confirmed(
    page, reference_data, admin_user, tmp_path
):
    from indicators.models import IndicatorValue

    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    login(page, admin_user)
    bad = tmp_path / "varden.csv"
    bad.write_text(
        "kommunkod;nyckeltal;år;värde\n0665;GN.7;2021;80,5\nVagerud;GN.7;2022;140\n",
        encoding="utf-8-sig",
    )
    page.goto("/admin/indicators/indicatorvalue/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("input[type=submit]")
    expect(page.get_by_text("Okänd kommun eller region ”Vagerud”.")).to_be_visible()
    expect(page.get_by_text("värdet 140 är högre än det högsta tillåtna, 100 %")).to_be_visible()
    page.screenshot(path="test-results/admin-import-errors.png", full_page=True)
    assert not IndicatorValue.objects.exists()

    good = tmp_path / "ratt.csv"
    good.write_text(
        "kommunkod;nyckeltal;år;värde\n0665;GN.7;2021;80,5\nVaggeryd;GN.7;2022;82\n",
        encoding="utf-8-sig",
    )
    page.set_input_files("input[type=file]", str(good))
    page.click("input[type=submit]:not([name=confirm])")
    page.screenshot(path="test-results/admin-import-preview.png", full_page=True)
    page.click("input[type=submit][name=confirm]")
    page.screenshot(path="test-results/admin-import-done.png", full_page=True)
    assert sorted(IndicatorValue.objects.values_list("year", flat=True)) == [2021, 2022]
    # (The admin has no favicon, which the browser logs as a 404; no page resource failed.)
    assert failed == []


def test_a_miljobarometern_table_is_previewed_confirmed_and_shown_on_the_member_page(
    page, reference_data, admin_user, tmp_path
):
    from indicators.models import Indicator, IndicatorValue
    from members.models import Municipality
    from tests.members.factories import MembershipFactory

    MembershipFactory(organisation=Municipality.objects.get(code="0665"))
    emissions = Indicator.objects.get(revision__is_current=True, code="GN.1b")
    table = tmp_path / "GN1b.csv"
    table.write_text(
        "Rad-id;Mätområde;Datum;Värde (ton CO2ekv/inv)\n"
        "1;Sveriges Ekokommuner;2021;1,81\n"
        "2;Jönköpings län;2021;1,95\n"
        "3;Vaggeryd;2020;2,47\n"
        "4;Vaggeryd;2021;2,31\n",
        encoding="utf-8-sig",
    )
    login(page, admin_user)
    page.goto("/admin/indicators/indicatorvalue/")
    page.get_by_role("link", name="Importera").click()
    page.set_input_files("input[type=file]", str(table))
    page.select_option("#id_layout", "miljobarometern")
    page.select_option("#id_indicator", str(emissions.pk))
    page.click("input[type=submit]")

    skipped = page.locator("table.import-skipped")
    expect(skipped).to_contain_text("Sveriges Ekokommuner")
    expect(skipped).to_contain_text("Jönköpings län")
    preview = page.locator("table.import-preview")
    expect(preview).to_contain_text("ny: 2,47")
    expect(preview).to_contain_text("ny: 2,31")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path="test-results/admin-import-miljobarometern-preview.png", full_page=True)
    assert not IndicatorValue.objects.exists()

    page.click("input[type=submit][name=confirm]")
    expect(page.locator(".messagelist")).to_contain_text("2 nya")
    assert IndicatorValue.objects.filter(indicator=emissions).count() == 2

    page.goto("/kommun/0665/")
    block = page.locator("section.chart-block").filter(
        has=page.get_by_role("heading", name=re.compile(r"^GN\.1b "))
    )
    block.locator(".chart").scroll_into_view_if_needed()  # drawn when it comes into view
    expect(block.locator(".chart .main-svg").first).to_be_attached()  # Plotly drew the chart
    expect(block.locator("table")).to_contain_text("2,31")
    expect(block.locator("table")).to_contain_text("2,47")
    block.scroll_into_view_if_needed()
    page.screenshot(path="test-results/admin-import-miljobarometern-member.png")
