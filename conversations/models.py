"""A question one member asks another about a figure, and a member's pause on questions.

Who asked whom about what, and when, is kept (the office counts the conversations the figures
start); the text itself only for `QUESTION_TEXT_RETENTION_DAYS` (personal data: it names people
and is written by them), after which `question_texts_expire` empties it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from members.models import Municipality

MESSAGE_MAX = 2000
MESSAGE_MIN = 10
PAUSE_MESSAGE_MAX = 500


class QuestionQuerySet(models.QuerySet):
    def involving(self, organisation: Municipality):
        """Questions the organisation sent or received."""
        return self.filter(Q(asking_organisation=organisation) | Q(receiver=organisation))

    def with_text(self):
        """Questions whose text is still kept."""
        return self.filter(text_removed_on__isnull=True)


class Question(models.Model):
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="questions_asked",
        verbose_name=_("frågeställare"),
    )
    asking_organisation = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="questions_sent",
        verbose_name=_("frågande medlem"),
    )
    receiver = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="questions_received",
        verbose_name=_("tillfrågad medlem"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("nyckeltal")
    )
    # The year of the figures the question was about (the receiver's latest value).
    year = models.PositiveSmallIntegerField(_("år"))
    message = models.TextField(_("fråga"), blank=True)
    to_politician = models.BooleanField(_("även till politikern"), default=False)
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True, db_index=True)
    text_removed_on = models.DateField(_("texten borttagen"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        constraints = [
            models.CheckConstraint(
                name="question_not_to_itself",
                condition=~Q(asking_organisation=models.F("receiver")),
            ),
            # A kept text is within the limits; an expired one is empty.
            models.CheckConstraint(
                name="question_text_kept_or_removed",
                condition=(
                    Q(text_removed_on__isnull=True)
                    & Q(GreaterThanOrEqual(Length("message"), MESSAGE_MIN))
                    & Q(LessThanOrEqual(Length("message"), MESSAGE_MAX))
                )
                | (Q(text_removed_on__isnull=False) & Q(message="")),
            ),
            models.CheckConstraint(name="question_year_from_1990", condition=Q(year__gte=1990)),
        ]
        indexes = [
            models.Index(fields=["receiver", "sent_at"], name="question_by_receiver"),
            models.Index(fields=["asker", "sent_at"], name="question_by_asker"),
            models.Index(fields=["asking_organisation", "sent_at"], name="question_by_asking"),
        ]

    def __str__(self) -> str:
        return f"{self.asking_organisation_id} → {self.receiver_id} ({self.indicator_id})"


class QuestionPause(models.Model):
    """A member that asks for no questions for a while (a holiday), with a word to askers."""

    organisation = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="question_pause",
        verbose_name=_("medlem"),
    )
    until = models.DateField(_("till och med"))
    message = models.CharField(_("meddelande till den som vill fråga"), max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("satt av"),
    )
    set_at = models.DateTimeField(_("satt"), auto_now=True)

    class Meta:
        verbose_name = _("paus för frågor")
        verbose_name_plural = _("pauser för frågor")
        constraints = [
            models.CheckConstraint(
                name="questionpause_message_given",
                condition=Q(GreaterThanOrEqual(Length("message"), 1)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} ≤ {self.until}"


class MailKind(models.TextChoices):
    """The e-mails a person can say no to (the unsubscribe link in each)."""

    YEAR_SUMMARY = "year_summary", _("årssammanfattning till kontaktpersonerna")
    DIGEST = "digest", _("årlig sammanfattning (prenumeration)")


class YearSummarySent(models.Model):
    """A member's year summary went to both contact persons: exactly once per member and year
    when the year became complete (the row is the guard), again only when the office sends it."""

    organisation = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("medlem")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    sent_at = models.DateTimeField(_("skickad"), auto_now=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skickad av"),
        help_text=_("Tomt när året blev komplett och sammanfattningen gick av sig själv."),
    )
    recipients = models.PositiveSmallIntegerField(_("mottagare"), default=0)

    class Meta:
        verbose_name = _("skickad årssammanfattning")
        verbose_name_plural = _("skickade årssammanfattningar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="yearsummarysent_one_per_member_year"
            ),
            models.CheckConstraint(
                name="yearsummarysent_year_from_1990", condition=Q(year__gte=1990)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"


class DigestSubscription(models.Model):
    """A member user (often a politician) who wants the yearly summary of its members."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_subscription",
        verbose_name=_("användare"),
    )
    language = models.CharField(
        _("språk"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("prenumererar sedan"), auto_now_add=True)

    class Meta:
        verbose_name = _("prenumeration på årlig sammanfattning")
        verbose_name_plural = _("prenumerationer på årlig sammanfattning")

    def __str__(self) -> str:
        return str(self.user_id)


class MailOptOut(models.Model):
    """An address that asked, through the link in an e-mail, to get no more of one kind."""

    email = models.EmailField(_("e-post"))
    kind = models.CharField(_("slag"), max_length=20, choices=MailKind.choices)
    created_at = models.DateTimeField(_("avregistrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("avregistrering")
        verbose_name_plural = _("avregistreringar")
        constraints = [
            models.UniqueConstraint(Lower("email"), "kind", name="mailoptout_one_per_address_kind"),
            models.CheckConstraint(
                name="mailoptout_kind_valid", condition=Q(kind__in=["year_summary", "digest"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.kind})"
