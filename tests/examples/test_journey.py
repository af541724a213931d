"""A good example from the reporter's form through the office's moderation to every place it
is published: the member page, the indicator page, the bank, the feed and the API."""

import pytest
from django.core import mail
from django.urls import reverse

from examples.models import GoodExample
from tests.members.factories import OrganisationAccessFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>Matavfall & "kompost"'


def _post_example(client, organisation, waste, **extra):
    data = {
        "indicator": waste.pk,
        "title": HOSTILE,
        "text": "Vi införde separat insamling av matavfall i hela kommunen.",
        "year_from": 2020,
        "year_to": "",
        "cost": "1,2 miljoner kronor",
        "result": "Mindre restavfall.",
        "contact_name": "Karin Kontakt",
        "contact_email": "karin@vaggeryd.se",
        "contact_phone": "0370-1",
        "link_1_url": "https://vaggeryd.se/matavfall",
        "link_1_label": "Om matavfallet",
        "skicka": "1",
        **extra,
    }
    return client.post(reverse("good_example_create") + f"?org={organisation.code}", data)


def test_a_reporter_writes_an_example_the_office_publishes_it_and_it_appears_everywhere(
    client, vaggeryd, waste, reporter, staff, values, settings, django_capture_on_commit_callbacks
):
    settings.OFFICE_EMAIL = "kansliet@sekom.example"
    client.force_login(reporter)
    landing = client.get(reverse("reporting_landing")).content.decode()
    assert reverse("good_example_create") + "?org=0665" in landing
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_example(client, vaggeryd, waste)
    assert response.status_code == 302, response.content.decode()[:2000]
    example = GoodExample.objects.get()
    assert example.status == GoodExample.Status.SUBMITTED
    assert example.created_by == reporter
    assert [m.to for m in mail.outbox] == [["kansliet@sekom.example"]]
    assert "Vaggeryd" in mail.outbox[0].subject and "GN.6a" in mail.outbox[0].subject

    # Submitted is not public yet.
    client.logout()
    assert HOSTILE not in client.get(reverse("good_example_bank")).content.decode()
    assert client.get(reverse("good_example_detail", args=[example.pk])).status_code == 404

    # The office publishes in the admin's moderation queue.
    client.force_login(staff)
    queue = client.get(
        reverse("admin:examples_goodexample_changelist") + "?status__exact=submitted"
    )
    assert queue.status_code == 200
    response = client.post(
        reverse("admin:examples_goodexample_changelist"),
        {"action": "publish", "_selected_action": [example.pk]},
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.status == GoodExample.Status.PUBLISHED
    assert example.published_by == staff and example.published_at is not None
    client.logout()

    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Matavfall &amp; &quot;kompost&quot;"
    detail_url = reverse("good_example_detail", args=[example.pk])
    for url in (
        reverse("member_detail", args=["0665"]),
        reverse("indicator_detail", args=["GN.6a"]),
        reverse("good_example_bank"),
        detail_url,
    ):
        html = client.get(url).content.decode()
        assert escaped in html, url
        assert "<script>alert" not in html, url
    detail = client.get(detail_url).content.decode()
    assert 'data-chart="example-chart-data"' in detail
    assert '<th scope="row">2022</th>' in detail and "2018" not in detail.split("example-chart")[1]
    assert "https://vaggeryd.se/matavfall" in detail
    assert "karin@vaggeryd.se" not in detail  # no contact for anonymous visitors

    feed = client.get(reverse("good_example_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert detail_url in body

    api = client.get("/api/v1/good-examples/", {"indicator": "GN.6a"}).json()
    assert api["count"] == 1
    row = api["results"][0]
    assert row["title"] == HOSTILE  # JSON carries the text as typed; readers escape it
    assert row["organisation"] == "0665" and row["indicator"] == "GN.6a"
    assert row["links"] == [{"url": "https://vaggeryd.se/matavfall", "label": "Om matavfallet"}]
    assert row["contact"] is None


def test_a_member_user_sees_the_contact_on_the_page_and_in_the_api(client, vaggeryd, kalix):
    from tests.examples.factories import GoodExampleFactory

    example = GoodExampleFactory(organisation=vaggeryd)
    reader = OrganisationAccessFactory(organisation=kalix, level="reader").user
    client.force_login(reader)
    html = client.get(reverse("good_example_detail", args=[example.pk])).content.decode()
    assert "karin.kontakt@example.se" in html
    api = client.get("/api/v1/good-examples/").json()
    assert api["results"][0]["contact"]["email"] == "karin.kontakt@example.se"


def test_drafts_and_rejected_examples_are_never_public(client, vaggeryd, waste):
    from tests.examples.factories import GoodExampleFactory

    hidden = [
        GoodExampleFactory(organisation=vaggeryd, status=status, title=f"Hemligt {status}")
        for status in ("draft", "submitted", "rejected")
    ]
    for url in (
        reverse("member_detail", args=["0665"]),
        reverse("indicator_detail", args=["GN.6a"]),
        reverse("good_example_bank") + "?q=matavfall",
        reverse("good_example_feed"),
        "/api/v1/good-examples/",
    ):
        assert "Hemligt" not in client.get(url).content.decode(), url
    for example in hidden:
        assert client.get(reverse("good_example_detail", args=[example.pk])).status_code == 404


def test_another_members_reporter_can_neither_write_nor_edit(client, vaggeryd, kalix, waste):
    from tests.examples.factories import GoodExampleFactory

    draft = GoodExampleFactory(organisation=vaggeryd, status="draft", title="Vaggeryds utkast")
    other = OrganisationAccessFactory(organisation=kalix).user
    client.force_login(other)
    assert client.get(reverse("good_example_edit", args=[draft.pk])).status_code == 403
    response = client.post(
        reverse("good_example_edit", args=[draft.pk]),
        {"indicator": waste.pk, "title": "Kapat", "text": "x", "year_from": 2020},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Vaggeryds utkast"
    assert _post_example(client, vaggeryd, waste).status_code == 403
    assert client.get(reverse("good_example_create") + "?org=2514").status_code == 200


def test_a_reader_of_the_member_cannot_write_and_the_member_page_offers_the_form_to_reporters(
    client, vaggeryd, waste, reporter, values
):
    reader = OrganisationAccessFactory(organisation=vaggeryd, level="reader").user
    client.force_login(reader)
    assert client.get(reverse("good_example_create") + "?org=0665").status_code == 403
    page = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert "Beskriv ett gott exempel" not in page
    client.force_login(reporter)
    page = client.get(reverse("member_detail", args=["0665"])).content.decode()
    assert reverse("good_example_create") + "?org=0665&amp;nyckeltal=GN.6a" in page


def test_the_form_explains_its_errors_in_swedish_beside_the_fields(
    client, vaggeryd, waste, reporter
):
    client.force_login(reporter)
    response = _post_example(client, vaggeryd, waste, year_from=2020, year_to=2019, title="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inget sparades" in html
    assert "Slutåret kan inte vara före startåret." in html
    assert not GoodExample.objects.exists()


def test_the_reporter_changes_a_draft_and_submits_it_from_its_list(
    client, vaggeryd, waste, reporter
):
    from tests.examples.factories import GoodExampleFactory

    draft = GoodExampleFactory(organisation=vaggeryd, status="draft", title="Första försöket")
    client.force_login(reporter)
    mine = client.get(reverse("good_example_mine") + "?org=0665").content.decode()
    assert reverse("good_example_edit", args=[draft.pk]) in mine and "Utkast" in mine
    response = client.post(
        reverse("good_example_edit", args=[draft.pk]),
        {
            "indicator": waste.pk,
            "title": "Andra försöket",
            "text": "Bättre beskrivet.",
            "year_from": 2019,
            "year_to": 2021,
            "skicka": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.year_to, draft.status) == ("Andra försöket", 2021, "submitted")


def test_the_bank_speaks_english(client, vaggeryd):
    from tests.examples.factories import GoodExampleFactory

    GoodExampleFactory(organisation=vaggeryd)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("good_example_bank"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Good examples" in html and "All sizes" in html and "1 example" in html
