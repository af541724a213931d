"""The office's view of reporting: reminders to send, deleted values, the admin start page."""

import datetime

from django.conf import settings
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from indicators.models import (
    ImportRun,
    IndicatorValue,
    ReminderSent,
)
from indicators.selectors.reporting import completeness_overview
from members.models import (
    ContactPerson,
    FeeSchedule,
    Membership,
    MembershipApplication,
    OrganisationAccess,
)


def reporting_reminders(*, year: int) -> list[dict]:
    """Each active member missing member-reported values for `year`, with whom to remind.

    Recipients are the member's reporters (active accounts with an e-mail address); a member
    without any falls back to its current official contact person. Five queries.
    """
    overview = completeness_overview(year=year)
    indicators = overview["indicators"]
    lacking = [m for m in overview["members"] if m["missing"]]
    ids = [m["id"] for m in lacking]
    reporters: dict[int, list[dict]] = {}
    for access in (
        OrganisationAccess.objects.writable()
        .filter(organisation_id__in=ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email")
    ):
        user = access.user
        reporters.setdefault(access.organisation_id, []).append(
            {"name": user.get_full_name() or user.get_username(), "email": user.email}
        )
    officials: dict[int, list[dict]] = {}
    for contact in (
        ContactPerson.objects.current()
        .filter(
            role=ContactPerson.Role.OFFICIAL,
            membership__status=Membership.Status.ACTIVE,
            membership__organisation_id__in=ids,
        )
        .select_related("membership")
    ):
        officials.setdefault(contact.membership.organisation_id, []).append(
            {"name": contact.name, "email": contact.email}
        )
    reminders = []
    for member in lacking:
        recipients = reporters.get(member["id"]) or officials.get(member["id"], [])
        reminders.append(
            {
                "code": member["code"],
                "name": member["name"],
                "missing": [
                    {"code": i["code"], "name": i["name"]}
                    for i, cell in zip(indicators, member["cells"], strict=True)
                    if cell == "missing"
                ],
                "recipients": recipients,
                "recipients_are_reporters": member["id"] in reporters,
            }
        )
    return reminders


def deleted_values(*, limit: int = 200) -> list[dict]:
    """Values deleted and not entered again since, newest deletion first: one query."""
    history = IndicatorValue.history.model
    records = (
        history.objects.filter(history_type="-")
        .exclude(
            Exists(
                IndicatorValue.objects.filter(
                    organisation_id=OuterRef("organisation_id"),
                    indicator_id=OuterRef("indicator_id"),
                    year=OuterRef("year"),
                )
            )
        )
        .select_related("organisation", "indicator__revision", "history_user")
        .order_by("-history_date")[:limit]
    )
    return [
        {
            "value_id": record.id,
            "history_id": record.history_id,
            "organisation": record.organisation.name,
            "indicator": record.indicator.label,
            "revision": record.indicator.revision.code if record.indicator.revision_id else "",
            "year": record.year,
            "value": record.value,
            "deleted_at": record.history_date,
            "deleted_by": record.history_user.get_username() if record.history_user else "",
        }
        for record in records
    ]


def reminder_figure_set(reminder: dict) -> str:
    """What makes two reminders "the same": the missing figures' codes, in order."""
    return ",".join(indicator["code"] for indicator in reminder["missing"])[:500]


def reminders_last_sent(*, reminders: list[dict], year: int) -> dict[tuple[str, str], object]:
    """When each reminder (member code, figure set) was last sent for `year`: one query."""
    codes = [reminder["code"] for reminder in reminders]
    rows = (
        ReminderSent.objects.filter(year=year, organisation__code__in=codes)
        .values("organisation__code", "figure_set")
        .annotate(last=Max("sent_at"))
    )
    return {(row["organisation__code"], row["figure_set"]): row["last"] for row in rows}


def reminders_due(
    *, year: int, interval_days: int | None = None, reminders: list[dict] | None = None
) -> list[dict]:
    """The reminders `remind_reporters --send` would send now (not sent within the interval).

    `reminders` may pass reporting_reminders(year=year) already read."""
    if interval_days is None:
        interval_days = settings.REMINDER_INTERVAL_DAYS
    if reminders is None:
        reminders = reporting_reminders(year=year)
    reminders = [r for r in reminders if r["recipients"]]
    last_sent = reminders_last_sent(reminders=reminders, year=year)
    since = timezone.now() - datetime.timedelta(days=interval_days)
    due = []
    for reminder in reminders:
        previous = last_sent.get((reminder["code"], reminder_figure_set(reminder)))
        if previous is None or previous < since:
            due.append(reminder)
    return due


def office_start(*, today: datetime.date | None = None) -> dict:
    """What the office's start page in the admin shows: pending applications, members still
    missing figures for the year being reported (last year), reminders due, imports that failed
    in the last 30 days. A fixed number of queries."""
    today = today or timezone.localdate()
    year = today.year - 1
    reminders = reporting_reminders(year=year)
    fee_year = (
        FeeSchedule.objects.filter(year__lte=today.year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return {
        "pending_applications": MembershipApplication.objects.pending().count(),
        "reporting_year": year,
        "members_missing": len(reminders),
        "reminders_due": len(reminders_due(year=year, reminders=reminders)),
        "fee_year": fee_year,
        # The last month's failures: an old failure that was followed by a good run is history.
        "failed_imports": ImportRun.objects.failed()
        .filter(started_at__date__gte=today - datetime.timedelta(days=30))
        .count(),
    }
