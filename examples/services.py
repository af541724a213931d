"""Writes for good examples: a member's reporter describes and submits, the office publishes
or rejects. Every write checks access itself (members.access), whatever door it came through,
and runs in one transaction; the office's e-mail is sent only after the commit."""

import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from common.mail import email_queue_after_commit
from examples.models import GoodExample, GoodExampleAttachment, GoodExampleLink
from examples.validation import (
    MAX_ATTACHMENTS,
    MAX_LINKS,
    attachment_content_type,
    years_errors,
)
from members import access

EDITABLE = {GoodExample.Status.DRAFT, GoodExample.Status.SUBMITTED, GoodExample.Status.REJECTED}
FIELDS = (
    "title",
    "text",
    "year_from",
    "year_to",
    "cost",
    "result",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _check_writer(*, user, organisation) -> None:
    if not access.may_write(user=user, organisation=organisation):
        raise PermissionDenied(
            _("Du har inte behörighet att skriva goda exempel för %(name)s.")
            % {"name": organisation}
        )


def _check_indicator(*, indicator, organisation) -> None:
    # A catalogue figure, or the member's own: another member's own figure is not theirs.
    if indicator.owner_id not in (None, organisation.pk):
        raise ValidationError({"indicator": _("Välj ett av medlemmens nyckeltal.")})


def _clean_links(links: list[dict]) -> list[dict]:
    links = [link for link in links if link.get("url")]
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": _("Högst %(n)s länkar.") % {"n": MAX_LINKS}})
    for link in links:
        if not link["url"].lower().startswith(("https://", "http://")):
            raise ValidationError({"links": _("En länk ska börja med https:// eller http://.")})
    return links


def _save(example: GoodExample, *, links: list[dict], attachments: list) -> GoodExample:
    errors = years_errors(
        year_from=example.year_from,
        year_to=example.year_to,
        this_year=timezone.localdate().year,
    )
    if errors:
        raise ValidationError(errors)
    example.full_clean(exclude=["organisation", "indicator", "created_by", "published_by"])
    example.save()
    if links is not None:
        example.links.all().delete()
        rows = [GoodExampleLink(example=example, **link) for link in _clean_links(links)]
        for row in rows:
            row.full_clean(exclude=["example"])
        GoodExampleLink.objects.bulk_create(rows)
    for upload in attachments:
        good_example_attachment_add(example=example, upload=upload)
    return example


@transaction.atomic
def good_example_create(
    *,
    user,
    organisation,
    indicator,
    title: str,
    text: str,
    year_from: int,
    year_to: int | None = None,
    cost: str = "",
    result: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    links: list[dict] | None = None,
    attachments: list | None = None,
    submit: bool = False,
) -> GoodExample:
    """A new example, as a draft (or submitted to the office at once with `submit`)."""
    _check_writer(user=user, organisation=organisation)
    _check_indicator(indicator=indicator, organisation=organisation)
    example = GoodExample(
        organisation=organisation,
        indicator=indicator,
        created_by=user if user.is_authenticated else None,
        title=title,
        text=text,
        year_from=year_from,
        year_to=year_to,
        cost=cost,
        result=result,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    _save(example, links=links or [], attachments=attachments or [])
    if submit:
        good_example_submit(user=user, example=example)
    return example


@transaction.atomic
def good_example_update(
    *,
    user,
    example: GoodExample,
    indicator=None,
    links: list[dict] | None = None,
    attachments: list | None = None,
    remove_attachments: list[int] | None = None,
    submit: bool = False,
    **fields,
) -> GoodExample:
    """Change an example that is not published (a published one is the office's to withdraw);
    a rejected one goes back to a draft, to be submitted again."""
    example = GoodExample.objects.select_for_update().get(pk=example.pk)
    _check_writer(user=user, organisation=example.organisation)
    if example.status not in EDITABLE:
        raise ValidationError(
            _("Exemplet är publicerat och kan inte ändras här. Kontakta kansliet.")
        )
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if indicator is not None:
        _check_indicator(indicator=indicator, organisation=example.organisation)
        example.indicator = indicator
    for name, value in fields.items():
        setattr(example, name, value)
    if example.status == GoodExample.Status.REJECTED:
        example.status = GoodExample.Status.DRAFT
    if remove_attachments:
        for attachment in example.attachments.filter(pk__in=remove_attachments):
            good_example_attachment_delete(attachment=attachment)
    _save(example, links=links, attachments=attachments or [])
    if submit:
        good_example_submit(user=user, example=example)
    return example


def good_example_attachment_add(*, example: GoodExample, upload) -> GoodExampleAttachment:
    """Attach a PDF or an image, checked by its content; stored under a generated name."""
    if example.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("Högst %(n)s bilagor per exempel.") % {"n": MAX_ATTACHMENTS}}
        )
    try:
        content_type = attachment_content_type(upload)
    except ValidationError as error:
        raise ValidationError({"attachments": error.messages}) from error
    # The name shown to readers: the base name only, without any path, and short.
    name = os.path.basename(str(getattr(upload, "name", "") or "bilaga"))[-100:] or "bilaga"
    attachment = GoodExampleAttachment(
        example=example, content_type=content_type, name=name, size=upload.size
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def good_example_attachment_delete(*, attachment: GoodExampleAttachment) -> None:
    stored = attachment.file
    attachment.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: stored.delete(save=False), robust=True)


def _office_notice(example: GoodExample) -> EmailMessage:
    context = {
        "example": example,
        "admin_url": settings.SITE_URL
        + reverse("admin:examples_goodexample_changelist")
        + "?status__exact=submitted",
    }
    with override(settings.LANGUAGE_CODE):  # the office reads Swedish
        subject = render_to_string("examples/email/submitted_subject.txt", context)
        body = render_to_string("examples/email/submitted_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[settings.OFFICE_EMAIL])


@transaction.atomic
def good_example_submit(*, user, example: GoodExample) -> GoodExample:
    """Send the example to the office for publication; the office gets an e-mail."""
    example = GoodExample.objects.select_for_update().get(pk=example.pk)
    _check_writer(user=user, organisation=example.organisation)
    if example.status not in EDITABLE:
        raise ValidationError(_("Exemplet är redan publicerat."))
    example.status = GoodExample.Status.SUBMITTED
    example.submitted_at = timezone.now()
    example.rejection_reason = ""
    example.save(update_fields=["status", "submitted_at", "rejection_reason"])
    # Rendered inside the transaction (a template error rolls the submission back), queued for
    # the e-mail task (retries) after the commit; an outage never undoes the submission.
    email_queue_after_commit(_office_notice(example))
    return example


def _check_office(user) -> None:
    if not access.acts_as_office(user=user):
        raise PermissionDenied(_("Bara kansliet publicerar goda exempel."))


@transaction.atomic
def good_example_publish(*, user, example: GoodExample) -> GoodExample:
    """Make a submitted (or earlier rejected) example public."""
    _check_office(user)
    example = GoodExample.objects.select_for_update().get(pk=example.pk)
    if example.status == GoodExample.Status.PUBLISHED:
        return example
    if example.status == GoodExample.Status.DRAFT:
        raise ValidationError(
            _("Ett utkast kan inte publiceras: medlemmen har inte skickat in det.")
        )
    example.status = GoodExample.Status.PUBLISHED
    example.published_at = timezone.now()
    example.published_by = user
    example.rejection_reason = ""
    example.save(update_fields=["status", "published_at", "published_by", "rejection_reason"])
    return example


@transaction.atomic
def good_example_reject(*, user, example: GoodExample, reason: str = "") -> GoodExample:
    """Refuse (or withdraw) an example: it is not public, and the member may change and submit
    it again."""
    _check_office(user)
    example = GoodExample.objects.select_for_update().get(pk=example.pk)
    example.status = GoodExample.Status.REJECTED
    example.published_at = None
    example.published_by = None
    example.rejection_reason = reason[:500]
    example.save(update_fields=["status", "published_at", "published_by", "rejection_reason"])
    return example
