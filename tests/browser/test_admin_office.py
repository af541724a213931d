"""The office's admin in a browser: "Markera alla" on the export screen works under the site's
Content-Security-Policy (no console error), and the start page and the value list render."""

from playwright.sync_api import expect


def login(page, admin_user):
    page.goto("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")  # pytest-django's admin_user
    page.click("input[type=submit]")


def test_markera_alla_on_the_export_screen_clears_and_checks_every_column(
    page, reference_data, admin_user
):
    login(page, admin_user)
    page.goto("/admin/indicators/indicatorvalue/export/")
    toggle = page.get_by_label("Markera alla")
    columns = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert columns.count() > 3
    expect(toggle).to_be_checked()

    toggle.uncheck()
    for index in range(columns.count()):
        expect(columns.nth(index)).not_to_be_checked()
    toggle.check()
    for index in range(columns.count()):
        expect(columns.nth(index)).to_be_checked()
    page.screenshot(path="test-results/admin-export.png", full_page=True)
    assert page.console_errors == []


def test_the_office_start_page_and_the_value_list(page, reference_data, admin_user):
    login(page, admin_user)
    page.goto("/admin/")
    expect(page.locator("#office-start")).to_contain_text("väntar på styrelsens beslut")
    page.screenshot(path="test-results/admin-start.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path="test-results/admin-start-375.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/indicators/indicatorvalue/")
    expect(page.get_by_role("link", name="Borttagna värden")).to_be_visible()
    page.screenshot(path="test-results/admin-values.png", full_page=True)
    assert page.console_errors == []
