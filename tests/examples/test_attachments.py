"""Attachments are checked by their content and served only through a view, with nosniff."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from examples import services
from examples.models import GoodExample
from tests.examples.factories import GoodExampleFactory, png_bytes
from tests.members.factories import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("beslut.pdf", b"%PDF-1.7 inte alls en pdf"),
        ("beslut.pdf", b"<html><script>alert(1)</script></html>"),
        ("bild.png", b"\x89PNG\r\n\x1a\n" + b"inte en bild" * 10),
        ("bild.png", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(vaggeryd, reporter, name, content):
    example = GoodExampleFactory(organisation=vaggeryd, status="draft")
    with pytest.raises(ValidationError):
        services.good_example_attachment_add(example=example, upload=_upload(name, content))
    assert not example.attachments.exists()


def test_a_gif_that_decodes_is_still_refused_only_png_jpeg_and_webp_are_images(vaggeryd):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, format="GIF")
    example = GoodExampleFactory(organisation=vaggeryd, status="draft")
    with pytest.raises(ValidationError):
        services.good_example_attachment_add(
            example=example, upload=_upload("bild.gif", out.getvalue())
        )


def test_a_real_pdf_and_png_are_accepted_and_served_with_their_type_and_nosniff(client, vaggeryd):
    example = GoodExampleFactory(organisation=vaggeryd)
    pdf = services.good_example_attachment_add(
        example=example, upload=_upload("../../etc/Beslut.pdf", pdf_bytes("Beslut"))
    )
    png = services.good_example_attachment_add(
        example=example, upload=_upload("foto.png", png_bytes())
    )
    assert pdf.content_type == "application/pdf" and pdf.name == "Beslut.pdf"
    assert png.content_type == "image/png"
    assert "etc" not in pdf.file.name and pdf.file.name.startswith("goda-exempel/")

    response = client.get(reverse("good_example_attachment", args=[example.pk, pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    image = client.get(reverse("good_example_attachment", args=[example.pk, png.pk]))
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert image["Content-Disposition"].startswith("inline;")


def test_an_unpublished_examples_attachment_is_not_served(client, vaggeryd):
    example = GoodExampleFactory(organisation=vaggeryd, status=GoodExample.Status.SUBMITTED)
    png = services.good_example_attachment_add(
        example=example, upload=_upload("foto.png", png_bytes())
    )
    url = reverse("good_example_attachment", args=[example.pk, png.pk])
    assert client.get(url).status_code == 404


def test_the_form_refuses_a_fake_pdf_beside_the_field(client, vaggeryd, waste, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("good_example_create") + "?org=0665",
        {
            "indicator": waste.pk,
            "title": "Matavfall",
            "text": "Text",
            "year_from": 2020,
            "attachment_1": _upload("beslut.pdf", b"%PDF-nej"),
            "utkast": "1",
        },
    )
    assert response.status_code == 200
    assert "Filen går inte att läsa som PDF" in response.content.decode()
    assert not GoodExample.objects.exists()


def test_the_form_stores_a_real_pdf(client, vaggeryd, waste, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("good_example_create") + "?org=0665",
        {
            "indicator": waste.pk,
            "title": "Matavfall",
            "text": "Text",
            "year_from": 2020,
            "attachment_1": _upload("beslut.pdf", pdf_bytes("Beslut")),
            "utkast": "1",
        },
    )
    assert response.status_code == 302
    example = GoodExample.objects.get()
    assert example.status == GoodExample.Status.DRAFT
    assert example.attachments.get().content_type == "application/pdf"
