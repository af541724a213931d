"""Writes for questions between members: ask, pause, and forget texts after retention.

A question goes by e-mail to the asked member's official contact person (and its politician if
the asker chooses), with Reply-To the asker, so the conversation goes on directly between the
two; the asker gets a copy. The service checks every rule, whatever door the request came
through: members only, not to oneself, the pause, an official to write to, the text's length,
and the limits per user and per receiving member (counted in the database, so they hold across
processes and restarts).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.mail import email_queue_after_commit
from conversations import selectors
from conversations.models import (
    MESSAGE_MAX,
    MESSAGE_MIN,
    PAUSE_MESSAGE_MAX,
    Question,
    QuestionPause,
)
from indicators.models import Indicator
from members import access
from members.models import Municipality

DAY = datetime.timedelta(days=1)


def _message_check(message: str) -> str:
    text = "\n".join(line.rstrip() for line in message.strip().splitlines())
    if len(text) < MESSAGE_MIN:
        raise ValidationError(
            {"message": _("Skriv frågan, minst %(count)d tecken.") % {"count": MESSAGE_MIN}}
        )
    if len(text) > MESSAGE_MAX:
        raise ValidationError(
            {
                "message": _("Frågan får vara högst %(count)d tecken (nu %(length)d).")
                % {"count": MESSAGE_MAX, "length": len(text)}
            }
        )
    return text


def _limits_check(*, asker, receiver: Municipality, now: datetime.datetime) -> None:
    since = now - DAY
    if (
        Question.objects.filter(asker=asker, sent_at__gte=since).count()
        >= settings.QUESTIONS_PER_USER_PER_DAY
    ):
        raise ValidationError(
            _("Du har skickat %(count)d frågor det senaste dygnet. Försök igen i morgon.")
            % {"count": settings.QUESTIONS_PER_USER_PER_DAY}
        )
    if (
        Question.objects.filter(receiver=receiver, sent_at__gte=since).count()
        >= settings.QUESTIONS_PER_RECEIVER_PER_DAY
    ):
        raise ValidationError(
            _(
                "%(name)s har fått många frågor det senaste dygnet. Försök igen i morgon, "
                "eller kontakta kansliet."
            )
            % {"name": receiver.name}
        )


def _one_line(text: str) -> str:
    # Header values never carry a line break (Django refuses them; this keeps the mail going).
    return " ".join(str(text).split())


def _emails(*, question: Question, subject_data: dict, recipients: list[str]) -> list:
    asker = question.asker
    context = {
        "question": question,
        "asker_name": _one_line(asker.get_full_name() or asker.email),
        "asker_email": asker.email,
        "asking": question.asking_organisation,
        "receiver": question.receiver,
        "indicator": question.indicator,
        "unit": subject_data["unit"],
        "receiver_latest": subject_data["receiver_latest"],
        "asking_latest": subject_data["asking_latest"],
        "figure_url": settings.SITE_URL
        + reverse("member_detail", args=[question.receiver.code])
        + "#"
        + subject_data["anchor"],
        "questions_url": settings.SITE_URL + reverse("reporting_landing"),
    }

    def render(template: str, **extra) -> EmailMultiAlternatives:
        data = context | extra
        subject = _one_line(render_to_string(f"conversations/email/{template}_subject.txt", data))
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"conversations/email/{template}_body.txt", data),
            to=extra.pop("to"),
            reply_to=extra.pop("reply_to", None),
        )
        message.attach_alternative(
            render_to_string(f"conversations/email/{template}_body.html", data), "text/html"
        )
        return message

    # The asked member reads Swedish (the site's language); the asker's copy is in the
    # language the asker is using.
    with translation.override(settings.LANGUAGE_CODE):
        to_receiver = render("question", to=recipients, reply_to=[asker.email])
    copy = render("question_copy", to=[asker.email], recipients=recipients)
    return [to_receiver, copy]


@transaction.atomic
def question_send(
    *,
    asker,
    asking_organisation: Municipality,
    receiver: Municipality,
    indicator: Indicator,
    message: str,
    to_politician: bool = False,
) -> Question:
    """Send `message` from `asker` (on behalf of `asking_organisation`) to `receiver` about
    `indicator`. ValidationError (with the field when there is one) or PermissionDenied."""
    if not access.asking_organisations(user=asker).filter(pk=asking_organisation.pk).exists():
        raise PermissionDenied(_("Bara medlemmar kan ställa frågor till andra medlemmar."))
    if receiver.pk == asking_organisation.pk:
        raise ValidationError(_("Ni kan inte fråga er själva."))
    try:
        validate_email(asker.email)
    except ValidationError as error:
        # The address becomes the Reply-To header: nothing but a plain, valid address goes there.
        raise ValidationError(
            _("Ditt konto saknar en giltig e-postadress att svara till.")
        ) from error
    # The receiving member's row is locked, so two questions at once count against its limit.
    receiver = (
        Municipality.objects.select_for_update().active_members().filter(pk=receiver.pk).first()
    )
    if receiver is None:
        raise ValidationError(_("Bara nuvarande medlemmar kan få frågor."))
    text = _message_check(message)
    pause = selectors.question_pause(organisation=receiver)
    if pause is not None:
        raise ValidationError(
            _("%(name)s tar inte emot frågor till och med %(until)s: %(message)s")
            % {
                "name": receiver.name,
                "until": pause["until"].isoformat(),
                "message": pause["message"],
            }
        )
    contacts = selectors.receiver_contacts(organisation=receiver)
    if contacts["official"] is None:
        raise ValidationError(
            _("%(name)s saknar en tjänsteperson att skriva till. Kontakta kansliet.")
            % {"name": receiver.name}
        )
    now = timezone.now()
    _limits_check(asker=asker, receiver=receiver, now=now)
    subject_data = selectors.question_subject(
        receiver_code=receiver.code, indicator_code=indicator.code, asking=asking_organisation
    )
    latest = subject_data["receiver_latest"] if subject_data else None
    question = Question.objects.create(
        asker=asker,
        asking_organisation=asking_organisation,
        receiver=receiver,
        indicator=indicator,
        year=latest["year"] if latest else timezone.localdate().year,
        message=text,
        to_politician=bool(to_politician and contacts["politician"]),
    )
    recipients = [contacts["official"].email]
    if question.to_politician:
        recipients.append(contacts["politician"].email)
    # Queued (common.tasks.send_email, with retries) once the question is committed.
    email_queue_after_commit(
        *_emails(question=question, subject_data=subject_data, recipients=recipients)
    )
    return question


@transaction.atomic
def question_pause_set(
    *, user, organisation: Municipality, until: datetime.date, message: str
) -> QuestionPause:
    """Pause questions to `organisation` through `until`, with a word to askers."""
    if not access.may_write(user=user, organisation=organisation):
        raise PermissionDenied(
            _("Du kan inte pausa frågor för %(name)s.") % {"name": organisation.name}
        )
    errors = {}
    text = " ".join(message.split())
    if not text:
        errors["message"] = _(
            "Skriv ett meddelande till den som vill fråga, t.ex. när ni är tillbaka."
        )
    elif len(text) > PAUSE_MESSAGE_MAX:
        errors["message"] = _("Meddelandet får vara högst %(count)d tecken.") % {
            "count": PAUSE_MESSAGE_MAX
        }
    if until < timezone.localdate():
        errors["until"] = _("Ange ett datum från och med i dag.")
    elif until > timezone.localdate() + datetime.timedelta(days=366):
        errors["until"] = _("En paus kan vara högst ett år.")
    if errors:
        raise ValidationError(errors)
    pause, _created = QuestionPause.objects.update_or_create(
        organisation=organisation, defaults={"until": until, "message": text, "set_by": user}
    )
    return pause


@transaction.atomic
def question_pause_end(*, user, organisation: Municipality) -> None:
    if not access.may_write(user=user, organisation=organisation):
        raise PermissionDenied(
            _("Du kan inte ändra frågor för %(name)s.") % {"name": organisation.name}
        )
    QuestionPause.objects.filter(organisation=organisation).delete()


@transaction.atomic
def question_texts_expire(*, today: datetime.date | None = None) -> int:
    """Empty the texts of questions older than the retention; who asked whom stays. Returns
    how many texts were removed."""
    today = today or timezone.localdate()
    cutoff = timezone.now() - datetime.timedelta(days=settings.QUESTION_TEXT_RETENTION_DAYS)
    return (
        Question.objects.with_text()
        .filter(sent_at__lt=cutoff)
        .update(message="", text_removed_on=today)
    )
