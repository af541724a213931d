"""The public application form at /ansok/: what a valid application leaves behind, and how
each kind of bad input is refused with its message, keeping what was typed and storing
nothing."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Membership, MembershipApplication
from members.validation import MAX_DOCUMENT_BYTES
from tests.members.factories import (
    MembershipApplicationFactory,
    MembershipFactory,
    MunicipalityFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

URL = "/ansok/"


def pdf(name="beslut.pdf", content=None):
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type="application/pdf"
    )


def valid_data(**overrides) -> dict:
    data = {
        "organisation": "0665",  # Vaggeryd
        "deciding_body": "kf",
        "decided_on": "2025-01-27",
        "decision_document": pdf("KF-protokoll 2025-01-27.pdf"),
        "programme_document": pdf("Miljöprogram.pdf"),
        "programme_url": "",
        "politician_name": "Eva Ek",
        "politician_title": "Kommunstyrelsens ordförande",
        "politician_party": "C",
        "politician_email": "eva.ek@vaggeryd.example.se",
        "politician_phone": "0393-780 00",
        "official_name": "Olle Holm",
        "official_title": "Miljöstrateg",
        "official_email": "olle.holm@vaggeryd.example.se",
        "official_phone": "0393-780 01",
        "applicant_email": "registrator@vaggeryd.example.se",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_offers_every_municipality_and_region(client):
    html = client.get(URL).content.decode()
    assert '<option value="0665">Vaggeryd</option>' in html
    assert "Region Jönköpings län" in html
    assert 'enctype="multipart/form-data"' in html


def test_a_valid_application_becomes_pending_with_its_documents_and_a_receipt(
    client, stored_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid_data())

    assert response.status_code == 302
    assert response.url == reverse("membership_application_receipt")
    membership = Membership.objects.get(organisation__code="0665")
    assert membership.status == Membership.Status.APPLIED
    assert membership.applied_on == timezone.localdate()
    assert membership.joined_on is None
    application = membership.application
    assert application.deciding_body == "kf"
    assert application.decided_on == datetime.date(2025, 1, 27)
    assert application.official_email == "olle.holm@vaggeryd.example.se"
    assert application.politician_party == "C"
    assert membership.contact_persons.count() == 0  # They take office when the board approves.

    # Stored under MEDIA_ROOT with generated names, not the applicant's.
    names = [path.name for path in stored_files()]
    assert len(names) == 2
    assert all(name.endswith(".pdf") and len(name) == 36 for name in names)
    assert not any("protokoll" in name.lower() for name in names)
    assert application.decision_document.read() == pdf_bytes()

    receipt = client.get(response.url).content.decode()
    assert "Tack! Ansökan är mottagen" in receipt
    assert "Vaggeryd" in receipt
    assert "registrator@vaggeryd.example.se" in receipt

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["registrator@vaggeryd.example.se"]
    assert "Vaggeryd" in message.subject
    assert "Olle Holm" in message.body
    assert "Styrelsen beslutar vid sitt nästa möte" in message.body


def test_a_link_to_the_programme_may_replace_its_pdf(client):
    response = client.post(
        URL,
        valid_data(programme_document=None, programme_url="https://vaggeryd.se/miljoprogram"),
    )
    assert response.status_code == 302
    application = MembershipApplication.objects.get()
    assert application.programme_url == "https://vaggeryd.se/miljoprogram"
    assert not application.programme_document


OVERSIZED = b"%PDF-1.4\n" + b"0" * MAX_DOCUMENT_BYTES  # A PDF header, and 10 MB + 9 bytes.
# The review's squatting upload: 79 bytes that start like a PDF and are none.
FAKE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UNREADABLE = (
    "Filen går inte att läsa som PDF: den kan vara skadad, tom eller lösenordsskyddad. Spara "
    "dokumentet som PDF igen och bifoga det."
)


def encrypted_pdf() -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="hemligt", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD_INPUT = {
    "missing politician name": (
        {"politician_name": ""},
        "politician_name",
        "Ange politikerns namn.",
    ),
    "missing decision document": (
        {"decision_document": None},
        "decision_document",
        "Bifoga beslutet som PDF.",
    ),
    "missing applicant e-mail": (
        {"applicant_email": ""},
        "applicant_email",
        "Ange din e-postadress, så att vi kan svara.",
    ),
    "wrong e-mail": (
        {"official_email": "olle.holm(at)vaggeryd"},
        "official_email",
        "Ange en giltig e-postadress, t.ex. namn@kommun.se.",
    ),
    "a Word file renamed to .pdf": (
        {"decision_document": pdf("beslut.pdf", b"PK\x03\x04 word/document.xml")},
        "decision_document",
        "Filen är ingen PDF. Spara dokumentet som PDF och bifoga det igen.",
    ),
    "an HTML page calling itself a PDF": (
        {"programme_document": pdf("program.pdf", b"<html><script>alert(1)</script></html>")},
        "programme_document",
        "Filen är ingen PDF. Spara dokumentet som PDF och bifoga det igen.",
    ),
    "79 bytes that only start like a PDF": (
        {"decision_document": pdf("beslut.pdf", FAKE_PDF)},
        "decision_document",
        UNREADABLE,
    ),
    "a PDF without pages": (
        {"programme_document": pdf("program.pdf", pdf_bytes(pages=0))},
        "programme_document",
        UNREADABLE,
    ),
    "a password-protected PDF": (
        {"decision_document": pdf("beslut.pdf", encrypted_pdf())},
        "decision_document",
        UNREADABLE,
    ),
    "an oversized file": (
        {"decision_document": pdf("beslut.pdf", OVERSIZED)},
        "decision_document",
        "Filen är för stor (10,0 MB). Den får vara högst 10 MB.",
    ),
    "an empty file": (
        {"decision_document": pdf("beslut.pdf", b"")},
        "decision_document",
        "Filen är tom. Bifoga beslutet som PDF.",
    ),
    "a decision date in the future": (
        # A month ahead, not tomorrow: the cases are built at import, and a run that crosses
        # midnight would otherwise turn "tomorrow" into today.
        {"decided_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()},
        "decided_on",
        "Datumet kan inte ligga i framtiden.",
    ),
    "a decision date that is no date": (
        {"decided_on": "27 jan"},
        "decided_on",
        "Ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2025-03-17.",
    ),
    "neither programme file nor link": (
        {"programme_document": None, "programme_url": ""},
        "programme_document",
        "Bifoga programmet som PDF eller ange en länk till det.",
    ),
    "a programme link that is no address": (
        {"programme_document": None, "programme_url": "miljöprogrammet på intranätet"},
        "programme_url",
        "Ange en fullständig webbadress, t.ex. https://…",
    ),
    "no organisation chosen": (
        {"organisation": ""},
        "organisation",
        "Välj vilken kommun eller region som ansöker.",
    ),
    "no deciding body": (
        {"deciding_body": None},
        "deciding_body",
        "Ange vilket organ som beslutade att ansöka.",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "field", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys()
)
def test_bad_input_is_refused_beside_its_field_keeps_what_was_typed_and_stores_nothing(
    client, stored_files, overrides, field, message
):
    response = client.post(URL, valid_data(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    html = response.content.decode()
    # The message sits in the field's own error list, linked to the input for screen readers.
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>' in html
    assert "Ansökan är inte skickad" in html
    # What was typed stays.
    assert 'value="Olle Holm"' in html or field == "official_name"
    assert 'value="Miljöstrateg"' in html
    assert Membership.objects.count() == 0
    assert MembershipApplication.objects.count() == 0
    assert stored_files() == []
    assert mail.outbox == []


def test_a_municipality_that_is_already_a_member_cannot_apply(client, stored_files):
    MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    response = client.post(URL, valid_data())
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == [
        "Vaggeryd är redan medlem i Sveriges Ekokommuner. Kontakta kansliet om ni vill ändra "
        "era kontaktpersoner."
    ]
    assert Membership.objects.count() == 1
    assert MembershipApplication.objects.count() == 0
    assert stored_files() == []


def test_a_pending_application_never_blocks_another(client, stored_files, admin_client):
    """The review's squat: anyone can post the form for any non-member. The genuine
    application still goes in, and staff see both, flagged as duplicates."""
    MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0665"),
        applicant_email="fejk@evil.example",
    )
    response = client.post(URL, valid_data())
    assert response.status_code == 302
    pending = MembershipApplication.objects.pending().filter(membership__organisation__code="0665")
    assert sorted(pending.values_list("applicant_email", flat=True)) == [
        "fejk@evil.example",
        "registrator@vaggeryd.example.se",
    ]
    assert [a.is_duplicate for a in pending.with_duplicate_flag()] == [True, True]

    listing = admin_client.get(reverse("admin:members_membershipapplication_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "dubblett" in html.lower()
    assert html.count('alt="True"') == 2  # both rows carry the duplicate mark


def test_only_one_of_two_pending_applications_can_be_approved(client):
    from members.services import membership_approve

    first = MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0665"))
    second = MembershipApplicationFactory(membership__organisation=first.membership.organisation)
    membership_approve(
        membership=first.membership, board_meeting_on=timezone.localdate(), site_url="http://x"
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        membership_approve(
            membership=second.membership, board_meeting_on=timezone.localdate(), site_url="x"
        )
    # Once decided, the other is no longer flagged as a duplicate of a pending one.
    flags = MembershipApplication.objects.with_duplicate_flag().values_list(
        "is_duplicate", flat=True
    )
    assert list(flags) == [False, False]


def test_applications_are_rate_limited_per_address(client, settings, stored_files):
    settings.APPLICATION_RATE_LIMIT = "3/h"
    for number in range(3):
        data = valid_data(organisation=["0665", "0680", "0682"][number])
        assert client.post(URL, data, REMOTE_ADDR="203.0.113.9").status_code == 302
    files_before = stored_files()

    refused = client.post(URL, valid_data(organisation="0683"), REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert "Många ansökningar har skickats från din adress" in refused.content.decode()
    assert MembershipApplication.objects.count() == 3
    assert stored_files() == files_before  # nothing of the refused post was stored

    # Another address (another municipality's office) is not affected.
    other = client.post(URL, valid_data(organisation="0683"), REMOTE_ADDR="198.51.100.4")
    assert other.status_code == 302


def test_the_service_refuses_too_when_the_form_is_bypassed_and_leaves_no_files(stored_files):
    from django.core.exceptions import ValidationError

    from members.services import ContactDetails, application_submit

    vaggeryd = MunicipalityFactory(code="0665")
    MembershipFactory(organisation=vaggeryd)
    person = ContactDetails(name="A B", title="T", email="a@b.se", phone="1")
    with pytest.raises(ValidationError) as error:
        application_submit(
            organisation=vaggeryd,
            deciding_body="kf",
            decided_on=datetime.date(2025, 1, 1),
            decision_document=pdf(),
            programme_document=None,
            programme_url="https://vaggeryd.se/program",
            applicant_email="a@b.se",
            politician=person,
            official=person,
        )
    assert "redan medlem" in error.value.message_dict["organisation"][0]
    assert stored_files() == []


def test_the_service_checks_the_pdf_itself_and_removes_written_files_on_failure(stored_files):
    from django.core.exceptions import ValidationError

    from members.services import ContactDetails, application_submit

    person = ContactDetails(name="A B", title="T", email="a@b.se", phone="1")
    with pytest.raises(ValidationError) as error:
        application_submit(
            organisation=MunicipalityFactory(code="0665"),
            deciding_body="kf",
            decided_on=datetime.date(2025, 1, 1),
            decision_document=pdf(),
            programme_document=pdf("program.pdf", b"GIF89a"),
            programme_url="",
            applicant_email="a@b.se",
            politician=person,
            official=person,
        )
    assert "programme_document" in error.value.message_dict
    assert Membership.objects.count() == 0
    assert stored_files() == []


def test_the_receipt_page_needs_an_application_in_the_session(client):
    response = client.get(reverse("membership_application_receipt"))
    assert response.status_code == 302
    assert response.url == URL


def test_documents_are_served_to_staff_only_and_never_from_media_url(client, admin_client):
    application = MembershipApplicationFactory()
    url = reverse("admin:members_membershipapplication_document", args=[application.pk, "beslut"])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous.url

    from django.contrib.auth import get_user_model

    member_user = get_user_model().objects.create_user("strateg", password="x-Lösen-123")
    client.force_login(member_user)
    assert client.get(url).status_code == 302  # Not staff: back to the admin login.

    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == pdf_bytes("Beslut")

    # The stored name is unguessable and nothing maps MEDIA_URL to the files.
    assert client.get("/media/" + application.decision_document.name).status_code == 404
    assert (
        admin_client.get(
            reverse("admin:members_membershipapplication_document", args=[application.pk, "annat"])
        ).status_code
        == 404
    )


def test_a_failure_after_the_files_were_written_removes_them_and_nothing_else(
    media_root, stored_files, monkeypatch
):
    from members.services import ContactDetails, application_submit
    from members.services import applications as services  # where application_submit mails

    media_root.mkdir(parents=True)
    unrelated = media_root / "beslut.pdf"  # Same name as the upload: must survive.
    unrelated.write_bytes(b"%PDF-1.4 someone else's file")

    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(services, "_message", broken)
    person = ContactDetails(name="A B", title="T", email="a@b.se", phone="1")
    with pytest.raises(RuntimeError):
        application_submit(
            organisation=MunicipalityFactory(code="0665"),
            deciding_body="kf",
            decided_on=datetime.date(2025, 1, 1),
            decision_document=pdf("beslut.pdf"),
            programme_document=pdf("program.pdf"),
            programme_url="",
            applicant_email="a@b.se",
            politician=person,
            official=person,
        )
    assert Membership.objects.count() == 0
    assert stored_files() == [unrelated]
