"""Good examples behind the figures (goda exempel): what a member did for one key figure.

A member's reporter describes it, the office publishes it (moderation), and only then is it
public: beside the member's chart, on the figure's page, in the knowledge bank, the feed and
the open API. The contact person's name and addresses are personal data: shown only to users
who see contacts (members.access.sees_contacts). Behaviour lives in examples/services.py and
examples/selectors.py.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from examples.validation import EXTENSIONS, MAX_TEXT
from members.models import FIRST_YEAR


class GoodExampleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=GoodExample.Status.PUBLISHED)

    def waiting(self):
        """Submitted and waiting for the office (the moderation queue)."""
        return self.filter(status=GoodExample.Status.SUBMITTED)


class GoodExample(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("utkast")
        SUBMITTED = "submitted", _("väntar på granskning")
        PUBLISHED = "published", _("publicerat")
        REJECTED = "rejected", _("avvisat")

    organisation = models.ForeignKey(
        "members.Municipality",
        on_delete=models.CASCADE,
        related_name="good_examples",
        verbose_name=_("medlem"),
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.PROTECT,
        related_name="good_examples",
        verbose_name=_("nyckeltal"),
    )
    title = models.CharField(_("rubrik"), max_length=150)
    text = models.TextField(_("beskrivning"), validators=[MaxLengthValidator(MAX_TEXT)])
    year_from = models.PositiveSmallIntegerField(_("från år"))
    year_to = models.PositiveSmallIntegerField(_("till år"), null=True, blank=True)
    cost = models.CharField(_("kostnad"), max_length=300, blank=True)
    result = models.TextField(
        _("vad det gav"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)]
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    rejection_reason = models.CharField(_("skäl till avvisning"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skrivet av"),
    )
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("inskickat"), null=True, blank=True)
    published_at = models.DateTimeField(_("publicerat"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publicerat av"),
    )

    objects = GoodExampleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("gott exempel")
        verbose_name_plural = _("goda exempel")
        indexes = [
            models.Index(fields=["status", "organisation"], name="example_status_member"),
            models.Index(fields=["status", "indicator"], name="example_status_indicator"),
        ]
        constraints = [
            models.CheckConstraint(
                name="example_status_known",
                condition=Q(status__in=["draft", "submitted", "published", "rejected"]),
            ),
            models.CheckConstraint(
                name="example_published_has_date",
                condition=~Q(status="published") | Q(published_at__isnull=False),
                violation_error_message=_("Ett publicerat exempel måste ha ett publiceringsdatum."),
            ),
            models.CheckConstraint(
                name="example_years_ordered",
                condition=Q(year_from__gte=FIRST_YEAR)
                & (Q(year_to__isnull=True) | Q(year_to__gte=F("year_from"))),
                violation_error_message=_("Slutåret kan inte vara före startåret."),
            ),
            models.CheckConstraint(
                name="example_title_not_blank",
                condition=~Q(title=""),
                violation_error_message=_("Ange en rubrik."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years_label(self) -> str:
        if self.year_to and self.year_to != self.year_from:
            return f"{self.year_from}–{self.year_to}"
        return str(self.year_from)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class GoodExampleLink(models.Model):
    example = models.ForeignKey(
        GoodExample, on_delete=models.CASCADE, related_name="links", verbose_name=_("exempel")
    )
    url = models.URLField(_("adress"), max_length=500)
    label = models.CharField(_("text"), max_length=200, blank=True)

    class Meta:
        ordering = ["example", "pk"]
        verbose_name = _("länk")
        verbose_name_plural = _("länkar")
        constraints = [
            # Only web addresses: a javascript: or data: link would run in the reader's page.
            models.CheckConstraint(
                name="example_link_is_web", condition=Q(url__regex=r"^https?://")
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.url


def attachment_path(instance, filename: str) -> str:
    # A generated name: nothing the member typed ends up in a path on the server.
    return f"goda-exempel/{uuid.uuid4().hex}.{EXTENSIONS.get(instance.content_type, 'bin')}"


class GoodExampleAttachment(models.Model):
    example = models.ForeignKey(
        GoodExample,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("exempel"),
    )
    file = models.FileField(_("fil"), upload_to=attachment_path)
    content_type = models.CharField(_("filtyp"), max_length=20, editable=False)
    name = models.CharField(_("filnamn"), max_length=100)
    size = models.PositiveIntegerField(_("storlek"), default=0, editable=False)

    class Meta:
        ordering = ["example", "pk"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        constraints = [
            models.CheckConstraint(
                name="example_attachment_type_known",
                condition=Q(content_type__in=list(EXTENSIONS)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
