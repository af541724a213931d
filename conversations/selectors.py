"""Reads for questions between members: plain dicts and lists for the pages, the e-mails and
the office's counts."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Window
from django.db.models.functions import ExtractYear, RowNumber
from django.utils import timezone

from common.numbers import format_decimal
from conversations.models import Question, QuestionPause
from indicators.models import FigureLatest, Indicator
from indicators.selectors import indicator_by_code
from members.models import ContactPerson, Membership, Municipality

# How many sent and received questions the reporting page lists (the newest).
LISTED = 20


def _latest(*, indicator: Indicator, organisation: Municipality) -> dict | None:
    row = (
        FigureLatest.objects.filter(indicator=indicator, organisation=organisation)
        .values("year", "value", "status")
        .first()
    )
    if row is None:
        return None
    return {
        "year": row["year"],
        "display": format_decimal(row["value"], indicator.decimals),
        "preliminary": row["status"] == "preliminary",
    }


def question_pause(
    *, organisation: Municipality, today: datetime.date | None = None
) -> dict | None:
    """The member's pause on questions if it holds today, else None."""
    today = today or timezone.localdate()
    pause = QuestionPause.objects.filter(organisation=organisation, until__gte=today).first()
    if pause is None:
        return None
    return {"until": pause.until, "message": pause.message}


def receiver_contacts(*, organisation: Municipality) -> dict[str, ContactPerson | None]:
    """The current member's current official and politician contact persons (None if missing)."""
    contacts = ContactPerson.objects.current().filter(
        membership__in=Membership.objects.active().filter(organisation=organisation),
        anonymised_on__isnull=True,
    )
    by_role = {contact.role: contact for contact in contacts}
    return {
        "official": by_role.get(ContactPerson.Role.OFFICIAL),
        "politician": by_role.get(ContactPerson.Role.POLITICIAN),
    }


def question_subject(
    *, receiver_code: str, indicator_code: str, asking: Municipality | None
) -> dict | None:
    """What a question is about: the member asked, its latest value of the figure, the asking
    member's own latest value, the pause and whether there is an official to write to. None
    when the member is not a current member or the figure is not in the catalogue."""
    receiver = Municipality.objects.active_members().filter(code=receiver_code).first()
    indicator = indicator_by_code(code=indicator_code, measurable=True)
    if receiver is None or indicator is None:
        return None
    contacts = receiver_contacts(organisation=receiver)
    return {
        "receiver": receiver,
        "indicator": indicator,
        "unit": indicator.display_unit,
        # The figure's block on the member page (as the member page names it).
        "anchor": f"chart-{indicator.code.replace('.', '-')}-block",
        "receiver_latest": _latest(indicator=indicator, organisation=receiver),
        "asking_latest": (
            _latest(indicator=indicator, organisation=asking) if asking is not None else None
        ),
        "pause": question_pause(organisation=receiver),
        "has_official": contacts["official"] is not None,
        "has_politician": contacts["politician"] is not None,
    }


def _question_row(question: Question, *, sent: bool) -> dict:
    other = question.receiver if sent else question.asking_organisation
    return {
        "id": question.pk,
        "other_code": other.code,
        "other_name": other.name,
        "indicator_code": question.indicator.code,
        "indicator_name": question.indicator.display_name,
        "sent_at": question.sent_at,
        "message": question.message,
        "text_removed": question.text_removed_on is not None,
        "asker_name": (question.asker.get_full_name() or question.asker.email)
        if question.asker
        else "",
        "asker_email": question.asker.email if question.asker else "",
        "to_politician": question.to_politician,
    }


def questions_of(*, organisation_ids: list[int]) -> dict[int, dict]:
    """{organisation id: its newest sent and received questions and its pause} for the
    organisations a reporting page shows: three queries however many organisations (the
    newest LISTED of each, by a window over each organisation's questions)."""
    if not organisation_ids:
        return {}
    base = Question.objects.select_related("asker", "indicator", "asking_organisation", "receiver")

    def newest(side: str):
        ranked = base.filter(**{f"{side}__in": organisation_ids}).annotate(
            rank=Window(
                RowNumber(), partition_by=F(side), order_by=[F("sent_at").desc(), F("pk").desc()]
            )
        )
        return ranked.filter(rank__lte=LISTED).order_by("-sent_at", "-pk")

    found = {pk: {"sent": [], "received": [], "pause": None} for pk in organisation_ids}
    for question in newest("asking_organisation"):
        found[question.asking_organisation_id]["sent"].append(_question_row(question, sent=True))
    for question in newest("receiver"):
        found[question.receiver_id]["received"].append(_question_row(question, sent=False))
    today = timezone.localdate()
    for pause in QuestionPause.objects.filter(
        organisation_id__in=organisation_ids, until__gte=today
    ):
        found[pause.organisation_id]["pause"] = {"until": pause.until, "message": pause.message}
    return found


def question_counts(*, year: int | None = None) -> list[dict]:
    """How many questions each figure started, per year: counts, never texts (the office's
    measure of what the figures set going). Newest year first, then by figure code."""
    rows = (
        Question.objects.annotate(sent_year=ExtractYear("sent_at"))
        .values("sent_year", "indicator__code", "indicator__name", "indicator__revision__code")
        .annotate(questions=Count("pk"), askers=Count("asking_organisation", distinct=True))
        .order_by("-sent_year", "indicator__code")
    )
    if year is not None:
        rows = rows.filter(sent_year=year)
    return [
        {
            "year": row["sent_year"],
            "code": row["indicator__code"],
            "name": row["indicator__name"],
            "revision": row["indicator__revision__code"],
            "questions": row["questions"],
            "asking_members": row["askers"],
        }
        for row in rows
    ]
