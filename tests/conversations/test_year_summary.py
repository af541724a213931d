"""Both contact persons informed: when a member's year becomes complete (every figure it
reports itself is final), the politician and the official each get one e-mail with the year's
verdicts, changes and targets and the link to the council report; the office can send a year
to all members and preview the e-mail; every e-mail can be unsubscribed by link."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from conversations.models import DigestSubscription, MailKind, MailOptOut, YearSummarySent
from conversations.summaries import digest_send, unsubscribe_token
from indicators.models import IndicatorValue
from indicators.services import ValueInput, values_save_year
from tests.html_forms import form_fields
from tests.indicators.reporting_support import field, indicator
from tests.members.factories import OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
OWN = ["GN.2a", "GN.2b", "GN.7", "GN.8a", "GN.9a", "GN.9b"]  # reported by the members
PRELIMINARY = IndicatorValue.Status.PRELIMINARY


@pytest.fixture
def reporter(kalix):
    user = UserFactory(username="rapportor", email="rapportor@kalix.example.se")
    OrganisationAccessFactory(user=user, organisation=kalix)
    return user


def save(user, organisation, codes, *, status=IndicatorValue.Status.FINAL, value="1"):
    rows = [
        ValueInput(organisation_id=organisation.pk, indicator=indicator(code), year=YEAR,
                   value=Decimal(value), status=status)
        for code in codes
    ]  # fmt: skip
    values_save_year(user=user, organisation=organisation, year=YEAR, rows=rows)


def test_completing_a_year_sends_exactly_one_email_to_each_contact_person(
    reporter, kalix, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(reporter, kalix, OWN[:5])
    assert not mail.outbox  # not complete yet

    with django_capture_on_commit_callbacks(execute=True):
        save(reporter, kalix, OWN[5:], status=PRELIMINARY)
    assert not mail.outbox  # complete only when every value is final

    with django_capture_on_commit_callbacks(execute=True):
        save(reporter, kalix, OWN[5:])
    assert sorted(m.to[0] for m in mail.outbox) == [
        "eva.ek@kalix.example.se",
        "olle.holm@kalix.example.se",
    ]
    message = mail.outbox[0]
    assert "2025" in message.subject and "Kalix" in message.subject
    assert f"/kommun/2514/rapport/{YEAR}/" in message.body
    assert "nyckeltal gick åt rätt håll" in message.body  # the verdicts in words
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "/avregistrera/" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert YearSummarySent.objects.get().recipients == 2

    # A correction of the complete year sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        save(reporter, kalix, OWN[:1], value="2")
    assert len(mail.outbox) == 2


def test_the_year_form_completing_the_year_sends_the_summary(
    client, reporter, kalix, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save(reporter, kalix, OWN[:5])
    client.force_login(reporter)
    page = client.get(f"/rapportera/{YEAR}/?org=2514")
    data = form_fields(page.content.decode(), start='<form method="post"')
    assert data[field("GN.9b", "value")] == [""]  # the one figure not yet reported
    data[field("GN.9b", "value")] = ["1"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rapportera/{YEAR}/?org=2514", data)
    assert response.status_code == 302
    assert len(mail.outbox) == 2


def test_an_old_year_completed_by_an_import_sends_nothing(
    reporter, kalix, django_capture_on_commit_callbacks
):
    rows = [
        ValueInput(organisation_id=kalix.pk, indicator=indicator(code), year=2010,
                   value=Decimal("1"))
        for code in OWN
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        values_save_year(user=reporter, organisation=kalix, year=2010, rows=rows)
    assert not mail.outbox and not YearSummarySent.objects.exists()


def test_an_unsubscribed_contact_gets_no_summary_and_the_link_works_without_login(
    client, reporter, kalix, django_capture_on_commit_callbacks
):
    token = unsubscribe_token(email="Eva.Ek@kalix.example.se", kind=MailKind.YEAR_SUMMARY)
    url = reverse("unsubscribe", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "eva.ek@kalix.example.se" in page.content.decode()
    assert not MailOptOut.objects.exists()  # a GET (a mail program's preview) changes nothing
    assert client.post(url).status_code == 200
    assert MailOptOut.objects.filter(email="eva.ek@kalix.example.se").exists()

    with django_capture_on_commit_callbacks(execute=True):
        save(reporter, kalix, OWN)
    assert [m.to for m in mail.outbox] == [["olle.holm@kalix.example.se"]]


def test_a_forged_or_changed_unsubscribe_link_is_refused(client):
    token = unsubscribe_token(email="eva.ek@kalix.example.se", kind=MailKind.YEAR_SUMMARY)
    assert client.post(reverse("unsubscribe", args=[token[:-2] + "xx"])).status_code == 400
    assert client.post(reverse("unsubscribe", args=["nonsense"])).status_code == 400
    assert not MailOptOut.objects.exists()


def test_the_office_previews_and_sends_a_year_to_all_members(
    admin_client, reporter, kalix, vaggeryd, django_capture_on_commit_callbacks
):
    save(reporter, kalix, OWN[:2])  # Kalix has values for the year; not complete
    mail.outbox.clear()
    preview = admin_client.get(
        reverse("admin:conversations_yearsummary_preview"), {"organisation": kalix.pk, "year": YEAR}
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert html.count("data-preview") == 2 and "olle.holm@kalix.example.se" in html
    assert not mail.outbox  # a preview sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:conversations_yearsummary_preview"), {"year": YEAR, "send_all": "1"}
        )
    assert response.status_code == 302
    # Kalix's two contacts; Vaggeryd has no contact persons, and no values for 2025.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "eva.ek@kalix.example.se",
        "olle.holm@kalix.example.se",
    ]
    assert YearSummarySent.objects.get().sent_by.is_staff


def test_a_member_user_subscribes_to_the_digest_in_its_language_and_leaves_by_link(
    client, reporter, kalix, django_capture_on_commit_callbacks
):
    save(reporter, kalix, OWN)
    mail.outbox.clear()
    client.force_login(reporter)
    client.cookies["django_language"] = "en"
    assert client.post(reverse("digest"), {"subscribe": "1"}).status_code == 302
    subscription = DigestSubscription.objects.get(user=reporter)
    assert subscription.language == "en"

    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(year=YEAR) == 1
    (message,) = mail.outbox
    assert message.to == ["rapportor@kalix.example.se"]
    assert message.subject == "Kalix: the green key figures for 2025"  # the subscriber's language
    link = re.search(r"https?://[^/\s]+(/avregistrera/[^/\s]+/)", message.body).group(1)
    client.logout()
    client.post(link)
    assert not DigestSubscription.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(year=YEAR) == 0


def test_users_without_a_current_member_cannot_subscribe(client):
    client.force_login(UserFactory())
    assert client.get(reverse("digest")).status_code == 403
    assert client.post(reverse("digest"), {"subscribe": "1"}).status_code == 403


def test_the_summary_task_leaves_out_non_members_in_one_query(
    reporter, kalix, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """An import of every organisation's figures hands the task hundreds of pairs: those of
    organisations that are not members are left out by one query, and a member's complete year
    still gets its summary."""
    from conversations.tasks import year_summaries_send
    from tests.members.factories import MunicipalityFactory

    others = [MunicipalityFactory() for _ in range(3)]
    with django_assert_num_queries(1):
        assert year_summaries_send([[other.pk, YEAR] for other in others]) == 0
    with django_capture_on_commit_callbacks(execute=False):
        save(reporter, kalix, OWN)  # complete; the hook's task is not run here
    pairs = [[other.pk, YEAR] for other in others] + [[kalix.pk, YEAR]]
    with django_capture_on_commit_callbacks(execute=True):
        assert year_summaries_send(pairs) == 1
    assert len(mail.outbox) == 2
