"""Account pages in Swedish: the password reset that reporters use, and the site's links to
the membership pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_reporter_resets_a_forgotten_password_in_swedish(client):
    User.objects.create_user("olle", email="olle@vaggeryd.example.se", password="Gammalt-2024")
    form = client.get("/konto/password_reset/")
    assert "Glömt lösenord" in form.content.decode()

    sent = client.post("/konto/password_reset/", {"email": "olle@vaggeryd.example.se"}, follow=True)
    assert "Kolla din e-post" in sent.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Nytt lösenord för testserver"
    assert "Ditt användarnamn: olle" in message.body
    path = re.search(r"http://testserver(/konto/reset/\S+/)", message.body).group(1)

    choose = client.get(path, follow=True)
    assert "Välj nytt lösenord" in choose.content.decode()
    done = client.post(
        choose.redirect_chain[-1][0],
        {"new_password1": "Nytt-lösenord-25", "new_password2": "Nytt-lösenord-25"},
        follow=True,
    )
    assert "Lösenordet är sparat" in done.content.decode()
    assert client.login(username="olle", password="Nytt-lösenord-25")


def test_a_used_or_broken_link_says_so_and_offers_a_new_one(client):
    response = client.get("/konto/reset/MQ/set-password/")
    html = response.content.decode()
    assert "Länken fungerar inte längre" in html
    assert 'href="/konto/password_reset/"' in html


def test_an_account_never_opened_gets_no_reset_mail(client):
    """Only the approval e-mail's link opens a new reporting account."""
    user = User(username="ny@vaggeryd.example.se", email="ny@vaggeryd.example.se", is_active=False)
    user.set_unusable_password()
    user.save()
    client.post("/konto/password_reset/", {"email": "ny@vaggeryd.example.se"})
    assert mail.outbox == []


def test_every_page_links_to_the_member_list_and_the_application(client):
    html = client.get("/").content.decode()
    assert '<a href="/medlemmar/">Medlemmar</a>' in html
    assert '<a href="/ansok/">Bli medlem</a>' in html
