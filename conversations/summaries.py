"""Both contact persons informed: a member's year summary when its year becomes complete, the
office's sending of it for a chosen year, and the yearly digest that member users subscribe to.

Every e-mail carries an unsubscribe link that works without logging in (a signed token naming
the address and the kind of e-mail); it is rendered as HTML and plain text in the recipient's
language and queued through the e-mail task (retries) after the commit.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.mail import email_queue_after_commit
from conversations.models import DigestSubscription, MailKind, MailOptOut, YearSummarySent
from conversations.selectors import receiver_contacts
from indicators import selectors as indicator_selectors
from indicators.selectors.reporting import COMPLETE, reporting_year
from members import access
from members.models import Municipality

UNSUBSCRIBE_SALT = "conversations.unsubscribe"
# A year is summarised by itself only while it is being reported (this year and the two
# before): an import of old years never sends mail about 1998.
RECENT_YEARS = 2


# --- unsubscribe --------------------------------------------------------------------------


def unsubscribe_token(*, email: str, kind: str) -> str:
    return signing.dumps({"e": email.lower(), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(*, token: str) -> tuple[str, str] | None:
    """The address and kind a token names, or None when it is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in MailKind.values:
        return None
    return str(data.get("e", "")), data["k"]


@transaction.atomic
def unsubscribe_apply(*, email: str, kind: str) -> None:
    """No more e-mails of `kind` to `email` (and no digest subscription on that address)."""
    MailOptOut.objects.get_or_create(email=email.lower(), kind=kind)
    if kind == MailKind.DIGEST:
        DigestSubscription.objects.filter(user__email__iexact=email).delete()


def _opted_out(emails: list[str], kind: str) -> set[str]:
    lowered = [e.lower() for e in emails]
    return set(
        MailOptOut.objects.annotate(address=Lower("email"))
        .filter(address__in=lowered, kind=kind)
        .values_list("address", flat=True)
    )


# --- the summary --------------------------------------------------------------------------


def _summary_message(
    *, report: dict, email: str, kind: str, language: str
) -> EmailMultiAlternatives:
    organisation = report["organisation"]
    with translation.override(language):
        context = {
            "report": report,
            "organisation": organisation,
            "year": report["year"],
            "kind": kind,
            "report_url": settings.SITE_URL
            + reverse("member_report", args=[organisation["code"], report["year"]]),
            "member_url": settings.SITE_URL + reverse("member_detail", args=[organisation["code"]]),
            "unsubscribe_url": settings.SITE_URL
            + reverse("unsubscribe", args=[unsubscribe_token(email=email, kind=kind)]),
        }
        subject = render_to_string("conversations/email/year_summary_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("conversations/email/year_summary_body.txt", context),
            to=[email],
            headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"},
        )
        message.attach_alternative(
            render_to_string("conversations/email/year_summary_body.html", context), "text/html"
        )
    return message


def year_summary_report(*, organisation: Municipality, year: int) -> dict | None:
    """What the summary tells (the council report's selector): None without values that year."""
    report = indicator_selectors.member_report(code=organisation.code, year=year)
    if report is None or not report["has_values"]:
        return None
    return report


def year_summary_messages(*, organisation: Municipality, year: int) -> list:
    """The e-mails to the member's current contact persons (official and politician) that have
    not said no, in Swedish (contact persons have no language of their own). Also the
    admin's preview."""
    report = year_summary_report(organisation=organisation, year=year)
    if report is None:
        return []
    contacts = [c for c in receiver_contacts(organisation=organisation).values() if c]
    refused = _opted_out([c.email for c in contacts], MailKind.YEAR_SUMMARY)
    return [
        _summary_message(
            report=report,
            email=contact.email,
            kind=MailKind.YEAR_SUMMARY,
            language=settings.LANGUAGE_CODE,
        )
        for contact in contacts
        if contact.email.lower() not in refused
    ]


@transaction.atomic
def year_summary_send_if_complete(*, organisation_id: int, year: int) -> bool:
    """Send the year summary to both contact persons when the member's year is complete (every
    figure it reports itself final) and it has not gone out before. True when it was sent."""
    organisation = (
        Municipality.objects.active_members().select_for_update().filter(pk=organisation_id).first()
    )
    if organisation is None:
        return False
    if reporting_year(organisation_id=organisation_id, year=year)["state"] != COMPLETE:
        return False
    if YearSummarySent.objects.filter(organisation=organisation, year=year).exists():
        return False
    messages = year_summary_messages(organisation=organisation, year=year)
    YearSummarySent.objects.create(organisation=organisation, year=year, recipients=len(messages))
    email_queue_after_commit(*messages)
    return True


def year_summaries_check(*, organisation_years: set[tuple[int, int]]) -> None:
    """The hook indicators calls when member-reported values were written (indicators/hooks.py):
    after the commit, each recent member-year is checked (through the task queue, so a large
    import's transaction does not wait for it)."""
    from conversations.tasks import year_summaries_send

    this_year = timezone.localdate().year
    pairs = sorted((o, y) for o, y in organisation_years if y >= this_year - RECENT_YEARS)
    if pairs:
        transaction.on_commit(lambda: year_summaries_send.delay(pairs), robust=True)


@transaction.atomic
def year_summary_send_all(*, year: int, user) -> int:
    """The office sends `year`'s summary to both contact persons of every current member that
    has values that year (again, if it went out before). Returns how many members got it."""
    if not access.acts_as_office(user=user):
        raise PermissionDenied(_("Bara kansliet skickar sammanfattningar till alla medlemmar."))
    sent = 0
    for organisation in Municipality.objects.active_members().in_swedish_order():
        messages = year_summary_messages(organisation=organisation, year=year)
        if not messages:
            continue
        YearSummarySent.objects.update_or_create(
            organisation=organisation,
            year=year,
            defaults={"sent_by": user, "recipients": len(messages)},
        )
        email_queue_after_commit(*messages)
        sent += 1
    return sent


# --- the yearly digest ----------------------------------------------------------------------


@transaction.atomic
def digest_subscribe(*, user, language: str) -> DigestSubscription:
    """Subscribe a member user to the yearly digest, in `language`."""
    if not access.asking_organisations(user=user).exists():
        raise PermissionDenied(_("Den årliga sammanfattningen är för medlemmarnas användare."))
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    MailOptOut.objects.filter(email__iexact=user.email, kind=MailKind.DIGEST).delete()
    subscription, _created = DigestSubscription.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return subscription


@transaction.atomic
def digest_unsubscribe(*, user) -> None:
    DigestSubscription.objects.filter(user=user).delete()


@transaction.atomic
def digest_send(*, year: int) -> int:
    """Send every subscriber the year summary of each member it has access to, in its own
    language. Returns the number of e-mails queued."""
    queued = 0
    subscriptions = DigestSubscription.objects.select_related("user").filter(user__is_active=True)
    refused = _opted_out([s.user.email for s in subscriptions], MailKind.DIGEST)
    for subscription in subscriptions:
        email = subscription.user.email
        if not email or email.lower() in refused:
            continue
        for organisation in access.asking_organisations(user=subscription.user):
            report = year_summary_report(organisation=organisation, year=year)
            if report is None:
                continue
            email_queue_after_commit(
                _summary_message(
                    report=report,
                    email=email,
                    kind=MailKind.DIGEST,
                    language=subscription.language,
                )  # fmt: skip
            )
            queued += 1
    return queued
