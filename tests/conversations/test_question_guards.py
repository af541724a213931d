"""The guards around questions: limits per user and per receiving member, the pause, retention
of texts, hostile text, and the office's counts without texts."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations.models import Question, QuestionPause
from conversations.services import question_send, question_texts_expire
from tests.conversations.factories import QuestionFactory
from tests.members.factories import MembershipFactory, OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db

ASK = reverse("question_new", args=["2514", "GN.6a"])
QUESTION = "Hur fick ni ner mängden hushållsavfall? Berätta gärna mer."


def _send(asker, asking, receiver, waste, message=QUESTION):
    return question_send(
        asker=asker, asking_organisation=asking, receiver=receiver, indicator=waste,
        message=message,
    )  # fmt: skip


def test_a_user_may_send_only_so_many_questions_a_day(settings, asker, vaggeryd, kalix, waste):
    settings.QUESTIONS_PER_USER_PER_DAY = 2
    _send(asker, vaggeryd, kalix, waste)
    _send(asker, vaggeryd, kalix, waste)
    with pytest.raises(ValidationError, match="2 frågor det senaste dygnet"):
        _send(asker, vaggeryd, kalix, waste)
    assert Question.objects.count() == 2


def test_yesterdays_questions_no_longer_count_against_the_limit(
    settings, asker, vaggeryd, kalix, waste
):
    settings.QUESTIONS_PER_USER_PER_DAY = 1
    _send(asker, vaggeryd, kalix, waste)
    Question.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=25))
    _send(asker, vaggeryd, kalix, waste)
    assert Question.objects.count() == 2


def test_a_member_receives_only_so_many_questions_a_day(settings, kalix, waste):
    settings.QUESTIONS_PER_RECEIVER_PER_DAY = 2
    askers = []
    for _ in range(3):
        organisation = MembershipFactory().organisation
        user = UserFactory()
        OrganisationAccessFactory(user=user, organisation=organisation, level="reader")
        askers.append((user, organisation))
    for user, organisation in askers[:2]:
        _send(user, organisation, kalix, waste)
    with pytest.raises(ValidationError, match="många frågor det senaste dygnet"):
        _send(*askers[2], kalix, waste)


def test_the_limit_is_shown_next_to_the_form(client, settings, asker, kalix):
    settings.QUESTIONS_PER_USER_PER_DAY = 0
    client.force_login(asker)
    response = client.post(ASK, {"asking": "0665", "message": QUESTION})
    assert response.status_code == 400
    assert "det senaste dygnet" in response.content.decode()
    assert not mail.outbox


def test_a_paused_member_shows_its_message_to_askers_and_takes_no_questions(
    client, asker, kalix, kalix_official_user, vaggeryd, waste
):
    client.force_login(kalix_official_user)
    until = timezone.localdate() + datetime.timedelta(days=20)
    response = client.post(
        reverse("question_pause", args=["2514"]),
        {"until": until.isoformat(), "message": "Semester, tillbaka i augusti."},
    )
    assert response.status_code == 302
    landing = client.get(reverse("reporting_landing")).content.decode()
    assert "Semester, tillbaka i augusti." in landing

    client.force_login(asker)
    page = client.get(ASK).content.decode()
    assert "Semester, tillbaka i augusti." in page and "data-pause" in page
    assert 'name="message"' not in page
    assert client.post(ASK, {"asking": "0665", "message": QUESTION}).status_code == 400
    with pytest.raises(ValidationError, match="tar inte emot frågor"):
        _send(asker, vaggeryd, kalix, waste)
    assert Question.objects.count() == 0 and not mail.outbox

    # Back from the holiday: questions come in again.
    client.force_login(kalix_official_user)
    client.post(reverse("question_pause", args=["2514"]), {"end": "1"})
    assert not QuestionPause.objects.exists()
    _send(asker, vaggeryd, kalix, waste)


def test_a_pause_that_has_ended_no_longer_holds(asker, vaggeryd, kalix, waste):
    QuestionPause.objects.create(
        organisation=kalix, until=timezone.localdate() - datetime.timedelta(days=1), message="x"
    )
    _send(asker, vaggeryd, kalix, waste)


def test_only_a_reporter_of_the_member_may_pause_it(client, asker, kalix):
    client.force_login(asker)  # a reader at Vaggeryd
    response = client.post(
        reverse("question_pause", args=["2514"]),
        {"until": timezone.localdate().isoformat(), "message": "Semester"},
    )
    assert response.status_code == 403 and not QuestionPause.objects.exists()


def test_a_pause_needs_a_message_and_a_date_from_today(client, kalix_official_user):
    client.force_login(kalix_official_user)
    response = client.post(
        reverse("question_pause", args=["2514"]),
        {"until": "2001-01-01", "message": ""},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "meddelande" in str(form.errors["message"])
    assert not QuestionPause.objects.exists()


def test_question_texts_are_emptied_after_the_retention_and_the_metadata_stays(settings):
    settings.QUESTION_TEXT_RETENTION_DAYS = 30
    old = QuestionFactory()
    new = QuestionFactory()
    Question.objects.filter(pk=old.pk).update(sent_at=timezone.now() - datetime.timedelta(days=31))
    output = io.StringIO()
    call_command("expire_question_texts", stdout=output)
    assert output.getvalue().startswith("1 frågetexter borttagna")
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.message == "" and old.text_removed_on == timezone.localdate()
    assert old.receiver_id and old.indicator_id  # who asked whom about what stays
    assert new.message and new.text_removed_on is None
    assert question_texts_expire() == 0


def test_hostile_text_is_escaped_in_the_html_mail_and_on_the_page(
    client, asker, kalix, kalix_official_user, django_capture_on_commit_callbacks
):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> ok?'
    client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, {"asking": "0665", "message": hostile})
    html_part = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html_part and "&lt;script&gt;" in html_part
    assert hostile in mail.outbox[0].body  # plain text stays as typed
    client.force_login(kalix_official_user)
    page = client.get(reverse("reporting_landing")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_an_address_that_could_break_the_reply_to_header_is_refused(asker, vaggeryd, kalix, waste):
    asker.email = "anna@vaggeryd.example.se\nBcc: all@example.se"
    asker.save()
    with pytest.raises(ValidationError, match="giltig e-postadress"):
        _send(asker, vaggeryd, kalix, waste)
    assert not Question.objects.exists()


def test_the_office_sees_counts_per_figure_and_year_but_never_the_texts(admin_client, kalix):
    QuestionFactory(receiver=kalix, message="Hemlig fråga nummer ett om avfall")
    QuestionFactory(receiver=kalix, message="Hemlig fråga nummer två om avfall")
    counts = admin_client.get(reverse("admin:conversations_question_counts"))
    assert counts.status_code == 200
    html = counts.content.decode()
    year = timezone.now().year
    assert f'data-count="GN.6a-{year}"' in html
    row = html.split(f'data-count="GN.6a-{year}"')[1].split("</tr>")[0]
    assert "<td>2</td>" in row
    listing = admin_client.get(reverse("admin:conversations_question_changelist")).content.decode()
    one = Question.objects.first()
    detail = admin_client.get(
        reverse("admin:conversations_question_change", args=[one.pk])
    ).content.decode()
    for page in (html, listing, detail):
        assert "Hemlig fråga" not in page


def test_the_question_pages_have_a_fixed_number_of_queries(client, asker, vaggeryd, kalix):
    client.force_login(asker)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    landing = reverse("reporting_landing")
    few = (queries(ASK), queries(landing))
    for _ in range(15):
        QuestionFactory(asking_organisation=vaggeryd, receiver=kalix)
        QuestionFactory(asking_organisation=kalix, receiver=vaggeryd)
    assert (queries(ASK), queries(landing)) == few
    assert few[0] <= 12 and few[1] <= 14
