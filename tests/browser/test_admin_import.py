"""The office imports a spreadsheet in the admin: a bad row is named, a clean file is written."""

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
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    expect(page.get_by_text("Okänd kommun eller region ”Vagerud”.")).to_be_visible()
    expect(page.get_by_text("värdet 140 är högre än det högsta tillåtna, 100 %")).to_be_visible()
    page.hover(".validation-error-count")  # the admin lists a row's reasons on hover
    page.screenshot(path="test-results/admin-import-errors.png", full_page=True)
    assert not IndicatorValue.objects.exists()

    good = tmp_path / "ratt.csv"
    good.write_text(
        "kommunkod;nyckeltal;år;värde\n0665;GN.7;2021;80,5\nVaggeryd;GN.7;2022;82\n",
        encoding="utf-8-sig",
    )
    page.set_input_files("input[type=file]", str(good))
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    page.screenshot(path="test-results/admin-import-preview.png", full_page=True)
    page.click("input[type=submit][name=confirm]")
    page.screenshot(path="test-results/admin-import-done.png", full_page=True)
    assert sorted(IndicatorValue.objects.values_list("year", flat=True)) == [2021, 2022]
    # (The admin has no favicon, which the browser logs as a 404; no page resource failed.)
    assert failed == []
