"""The whole membership path in a browser: a municipality applies at /ansok/, staff approve
the application in the admin, the member appears on /medlemmar/, and the official opens the
reporting account through the link in the e-mail."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.members.factories import pdf_bytes

SHOTS = "test-results"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(text)}


def test_apply_approve_and_appear_on_the_member_list(page, reference_data, media_root):
    from django.contrib.auth import get_user_model

    from members.models import Membership

    # 1. The applicant fills in the form; a Word file instead of a PDF is refused first.
    page.goto("/")
    page.get_by_role("link", name="Bli medlem").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansök om medlemskap")
    page.get_by_label("Kommun eller region").select_option(label="Vaggeryd")
    page.get_by_label("kommunfullmäktige").check()
    page.get_by_label("Beslutsdatum").fill("2025-01-27")
    page.get_by_label("Beslutet (protokollsutdrag, PDF)").set_input_files(
        {"name": "beslut.pdf", "mimeType": "application/pdf", "buffer": b"PK\x03\x04 docx"}
    )
    page.get_by_label("Miljö- eller hållbarhetsprogrammet (PDF)").set_input_files(
        pdf_file("miljoprogram.pdf", "Miljoprogram 2024-2030")
    )
    politician = page.get_by_role("group", name="Kontaktperson: politiker")
    politician.get_by_label("Namn").fill("Eva Ek")
    politician.get_by_label("Titel eller uppdrag").fill("Kommunstyrelsens ordförande")
    politician.get_by_label("Parti (frivilligt)").fill("C")
    politician.get_by_label("E-post").fill("eva.ek@vaggeryd.example.se")
    politician.get_by_label("Telefon").fill("0393-780 00")
    official = page.get_by_role("group", name="Kontaktperson: tjänsteperson")
    official.get_by_label("Namn").fill("Olle Holm")
    official.get_by_label("Titel").fill("Miljöstrateg")
    official.get_by_label("E-post").fill("olle.holm@vaggeryd.example.se")
    official.get_by_label("Telefon").fill("0393-780 01")
    page.get_by_label("Din e-postadress").fill("registrator@vaggeryd.example.se")
    page.screenshot(path=f"{SHOTS}/membership-1-form.png", full_page=True)
    page.get_by_role("button", name="Skicka ansökan").click()

    expect(page.get_by_role("alert")).to_contain_text("Ansökan är inte skickad")
    expect(page.locator("#id_decision_document_error")).to_have_text(
        "Filen är ingen PDF. Spara dokumentet som PDF och bifoga det igen."
    )
    expect(page.get_by_label("Beslutet (protokollsutdrag, PDF)")).to_have_attribute(
        "aria-invalid", "true"
    )
    official = page.get_by_role("group", name="Kontaktperson: tjänsteperson")
    expect(official.get_by_label("Namn")).to_have_value("Olle Holm")  # What was typed stays.
    page.screenshot(path=f"{SHOTS}/membership-2-form-error.png", full_page=True)
    assert Membership.objects.count() == 0

    # The files must be chosen again (browsers never keep them); now with real PDFs.
    page.get_by_label("Beslutet (protokollsutdrag, PDF)").set_input_files(
        pdf_file("KF 2025-01-27 § 12.pdf", "Protokollsutdrag KF 2025-01-27")
    )
    page.get_by_label("Miljö- eller hållbarhetsprogrammet (PDF)").set_input_files(
        pdf_file("miljoprogram.pdf", "Miljoprogram 2024-2030")
    )
    page.get_by_role("button", name="Skicka ansökan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack! Ansökan är mottagen")
    expect(page.locator(".receipt")).to_contain_text("registrator@vaggeryd.example.se")
    page.screenshot(path=f"{SHOTS}/membership-3-receipt.png", full_page=True)
    assert Membership.objects.get().status == Membership.Status.APPLIED
    assert [m.to for m in mail.outbox] == [["registrator@vaggeryd.example.se"]]
    assert len([p for p in media_root.rglob("*.pdf")]) == 2

    # Not on the member list while pending.
    page.goto("/medlemmar/")
    expect(page.get_by_text("Vaggeryd", exact=True)).to_have_count(0)

    assert page.console_errors == []

    # 2. Staff log into the admin and approve with the action.
    get_user_model().objects.create_superuser("kansliet", "kansliet@sekom.se", "Kansli-2025-x")
    page.goto("/admin/members/membershipapplication/")
    page.get_by_label("Användarnamn").fill("kansliet")
    page.get_by_label("Lösenord").fill("Kansli-2025-x")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("row", name=re.compile("Vaggeryd"))).to_contain_text("väntar på beslut")
    # The uploaded decision is one click away, for staff.
    with page.expect_download() as download:
        page.get_by_role("link", name="Beslut", exact=True).click()
    assert download.value.suggested_filename == "0665-beslut.pdf"
    page.screenshot(path=f"{SHOTS}/membership-4-admin-list.png", full_page=True)

    page.get_by_role("row", name=re.compile("Vaggeryd")).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("approve_applications")
    page.get_by_role("button", name="Utför").click()
    expect(page.get_by_role("heading", name="Godkänn ansökningar")).to_be_visible()
    meeting = timezone.localdate().isoformat()
    page.get_by_label("Styrelsemötets datum").fill(meeting)
    page.screenshot(path=f"{SHOTS}/membership-5-admin-approve.png", full_page=True)
    page.get_by_role("button", name="Godkänn").click()
    expect(page.locator(".messagelist")).to_contain_text("1 ansökan är godkänd: Vaggeryd")
    expect(page.get_by_role("row", name=re.compile("Vaggeryd"))).to_contain_text("godkänd")
    page.screenshot(path=f"{SHOTS}/membership-6-admin-approved.png", full_page=True)

    # 3. The member appears on /medlemmar/ (staff also see its contact persons).
    page.get_by_role("link", name="Visa sida").click()
    page.console_errors.clear()  # The admin's pages have no favicon link: Chromium's 404.
    page.get_by_role("link", name="Medlemmar", exact=True).click()
    expect(page.get_by_text("1 medlem i Jönköpings län")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Vaggeryd"))
    expect(row).to_contain_text(str(timezone.localdate().year))
    expect(row).to_contain_text("olle.holm@vaggeryd.example.se")
    page.screenshot(path=f"{SHOTS}/membership-7-member-list.png", full_page=True)

    # The public sees the member, but not the contact persons.
    page.context.clear_cookies()
    page.reload()
    expect(page.get_by_role("row", name=re.compile("Vaggeryd"))).to_be_visible()
    expect(page.get_by_text("olle.holm@vaggeryd.example.se")).to_have_count(0)

    # 4. The official opens the reporting account with the link in the e-mail.
    account_mail = next(m for m in mail.outbox if m.to == ["olle.holm@vaggeryd.example.se"])
    link = re.search(r"https?://\S+/konto/aktivera/\S+/", account_mail.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj lösenord för ditt konto")
    page.get_by_label("Nytt lösenord:", exact=True).fill("Gröna-nyckeltal-2025")
    page.get_by_label("Bekräfta nytt lösenord").fill("Gröna-nyckeltal-2025")
    page.screenshot(path=f"{SHOTS}/membership-8-choose-password.png", full_page=True)
    page.get_by_role("button", name="Spara lösenordet").click()
    # Logged in and on reporting at once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera gröna nyckeltal")
    expect(page.get_by_text("Lösenordet är sparat och du är inloggad.")).to_be_visible()
    account = get_user_model().objects.get(email="olle.holm@vaggeryd.example.se")
    assert account.is_active and account.check_password("Gröna-nyckeltal-2025")
    assert page.console_errors == []
