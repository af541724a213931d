"""A member user asks a strong member about a figure: the e-mail reaches the official contact
with Reply-To the asker and both members' figures; the asker gets a copy; both see it on their
reporting pages; anonymous and non-member users can neither ask nor see addresses."""

import pytest
from django.core import mail
from django.urls import reverse

from conversations.models import Question
from members.models import Municipality
from tests.members.factories import MembershipFactory, OrganisationAccessFactory, UserFactory

pytestmark = pytest.mark.django_db

ASK = reverse("question_new", args=["2514", "GN.6a"])
QUESTION = "Hur fick ni ner mängden hushållsavfall? Vi vill gärna höra hur ni arbetade."


def test_a_member_user_asks_a_strong_member_and_the_official_gets_it_with_reply_to_the_asker(
    client, asker, kalix, vaggeryd, django_capture_on_commit_callbacks
):
    client.force_login(asker)
    page = client.get(ASK)
    assert page.status_code == 200
    html = page.content.decode()
    assert "312" in html and "540" in html  # both members' latest values

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ASK, {"asking": "0665", "message": QUESTION})
    assert response.status_code == 302

    to_kalix, copy = mail.outbox
    assert to_kalix.to == ["olle.holm@kalix.example.se"]
    assert to_kalix.reply_to == ["anna@vaggeryd.example.se"]
    assert "Vaggeryd" in to_kalix.subject and "GN.6a" in to_kalix.subject
    body = to_kalix.body
    assert QUESTION in body and "312" in body and "540" in body
    assert "/kommun/2514/#chart-GN-6a-block" in body
    html_part, mimetype = to_kalix.alternatives[0]
    assert mimetype == "text/html" and "312" in html_part
    assert copy.to == ["anna@vaggeryd.example.se"] and QUESTION in copy.body

    question = Question.objects.get()
    assert (question.asking_organisation, question.receiver) == (vaggeryd, kalix)
    assert question.year == 2024 and not question.to_politician


def test_the_asker_may_also_write_to_the_politician_contact(
    client, asker, kalix, django_capture_on_commit_callbacks
):
    client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, {"asking": "0665", "message": QUESTION, "to_politician": "on"})
    assert mail.outbox[0].to == ["olle.holm@kalix.example.se", "eva.ek@kalix.example.se"]


def test_both_sides_see_the_question_on_their_reporting_pages(
    client, asker, kalix, kalix_official_user, django_capture_on_commit_callbacks
):
    client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, {"asking": "0665", "message": QUESTION})
    sent = client.get(reverse("reporting_landing")).content.decode()
    assert 'data-questions="sent"' in sent and QUESTION in sent

    client.force_login(kalix_official_user)
    received = client.get(reverse("reporting_landing")).content.decode()
    assert 'data-questions="received"' in received and QUESTION in received
    assert "anna@vaggeryd.example.se" in received  # the receiver may answer directly


def test_anonymous_visitors_can_neither_ask_nor_see_ask_links_or_addresses(client, kalix, waste):
    response = client.get(ASK)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    assert client.post(ASK, {"asking": "0665", "message": QUESTION}).status_code == 302
    assert Question.objects.count() == 0 and not mail.outbox
    for page in (
        reverse("member_detail", args=["0665"]),
        reverse("indicator_detail", args=["GN.6a"]),
    ):
        html = client.get(page).content.decode()
        assert "ask-link" not in html
        assert "olle.holm@kalix.example.se" not in html


def test_a_user_without_access_to_a_current_member_cannot_ask(client, kalix):
    outsider = UserFactory(username="utan")
    former = UserFactory(username="tidigare")
    OrganisationAccessFactory(
        user=former,
        organisation=MembershipFactory(status="resigned", left_on="2020-12-31").organisation,
        level="reader",
    )
    for user in (outsider, former):
        client.force_login(user)
        assert client.get(ASK).status_code == 403
        assert client.post(ASK, {"message": QUESTION}).status_code == 403
    assert Question.objects.count() == 0 and not mail.outbox


def test_the_office_as_the_office_does_not_ask(admin_client, kalix):
    assert admin_client.get(ASK).status_code == 403


def test_a_member_user_sees_ask_links_beside_learn_from_and_strong_examples(
    client, asker, kalix, vaggeryd
):
    client.force_login(asker)
    member = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert 'href="/fraga/2514/GN.6a/"' in member  # Kalix under "Lär av" for Vaggeryd
    indicator = client.get(reverse("indicator_detail", args=["GN.6a"])).content.decode()
    assert 'href="/fraga/2514/GN.6a/"' in indicator


def test_a_member_cannot_ask_itself(client, asker, vaggeryd):
    client.force_login(asker)
    url = reverse("question_new", args=["0665", "GN.6a"])
    assert "Ni kan inte fråga er själva" in client.get(url).content.decode()
    response = client.post(url, {"asking": "0665", "message": QUESTION})
    assert response.status_code == 400 and Question.objects.count() == 0


def test_too_short_or_too_long_a_question_is_refused_next_to_the_field(client, asker, kalix):
    client.force_login(asker)
    short = client.post(ASK, {"asking": "0665", "message": "Hej"})
    assert short.status_code == 400
    assert "minst 10 tecken" in str(short.context["form"].errors["message"])
    long = client.post(ASK, {"asking": "0665", "message": "x" * 2001})
    assert long.status_code == 400 and "högst" in str(long.context["form"].errors["message"])
    assert Question.objects.count() == 0 and not mail.outbox


def test_unknown_member_or_figure_answers_404(client, asker):
    client.force_login(asker)
    assert client.get(reverse("question_new", args=["9999", "GN.6a"])).status_code == 404
    assert client.get(reverse("question_new", args=["0665", "XX.1"])).status_code == 404


def test_the_reporting_page_for_one_member_lists_its_questions_too(
    client, asker, kalix, vaggeryd, django_capture_on_commit_callbacks
):
    # The page the form returns to names the member (?org=): the list is there as well.
    client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ASK, {"asking": "0665", "message": QUESTION})
    assert response["Location"] == "/rapportera/?org=0665"
    page = client.get(response["Location"]).content.decode()
    assert 'data-questions="sent"' in page and QUESTION in page


def test_a_hostile_member_name_under_lar_av_and_in_its_ask_link_stays_text(
    client, asker, kalix, vaggeryd
):
    hostile = "<img src=x onerror=alert(1)>\"Kalix' & co"
    Municipality.objects.filter(pk=kalix.pk).update(name=hostile)
    client.force_login(asker)
    html = client.get(reverse("member_detail", args=["0665"])).content.decode()
    escaped = "&lt;img src=x onerror=alert(1)&gt;&quot;Kalix&#x27; &amp; co"
    assert f'<li><a href="/kommun/2514/">{escaped}</a>' in html
    assert f'<span class="visually-hidden"> {escaped} om GN.6a</span>' in html
    assert "<img src=x" not in html
