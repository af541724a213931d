"""The admin's import and export screens (django-import-export) as a member of staff uses them:
the one set of steps the tests of every admin import and export share."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

CSV, XLSX = "0", "1"  # the admin's formats, in the order the admin classes list them


def preview(client, model: str, name: str, content: bytes, fmt: str = CSV):
    """Step one of an import: the file posted, the preview answered."""
    return client.post(
        reverse(f"admin:{model}_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, model: str, response):
    """Step two: the preview's confirmation posted (it fails, showing why, if there is none)."""
    form = response.context.get("confirm_form")
    assert form is not None, [
        (row.number, row.error_dict) for row in response.context["result"].invalid_rows
    ] or response.context["form"].errors
    return client.post(reverse(f"admin:{model}_process_import"), form.initial, follow=True)


def export(client, model: str, fmt: str = CSV, **filters) -> bytes:
    """The admin's export of `model` with every field ticked, as a file's bytes."""
    url = reverse(f"admin:{model}_export")
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    form = client.get(url).context["form"]
    data = {"format": fmt, "resource": "0"}
    data.update({name: "on" for name in form.fields if name not in ("format", "resource")})
    data.pop("export_items", None)
    response = client.post(url, data)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content
