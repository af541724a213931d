"""A staff member's first admin login in production: password, then enrolment of an
authenticator app from the QR code (drawn by the site, allowed by its CSP), recovery codes,
and the admin opens."""

from playwright.sync_api import expect


def test_first_login_enrols_an_app_and_opens_the_admin(page, reference_data, admin_user, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    failed = []
    page.on(
        "response", lambda r: r.status >= 400 and "favicon" not in r.url and failed.append(r.url)
    )
    page.goto("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")  # pytest-django's admin_user
    page.click("input[type=submit]")

    expect(page.get_by_role("heading", name="Aktivera tvåstegsverifiering")).to_be_visible()
    qr = page.locator("img.otp-qr")
    expect(qr).to_be_visible()
    # Drawn, not blocked by the CSP: the image loads with a size.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"test-results/two-factor-enrol-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_token", f"{code:06d}")
    page.get_by_role("button", name="Aktivera").click()
    expect(page.get_by_role("heading", name="Tvåstegsverifiering är aktiverad")).to_be_visible()
    assert page.locator(".otp-codes li").count() == 10
    page.screenshot(path="test-results/two-factor-codes.png", full_page=True)

    page.get_by_role("link", name="Fortsätt").click()
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.get_by_role("link", name="Personuppgifter (GDPR)")).to_be_visible()
    assert failed == [] and page.console_errors == []
