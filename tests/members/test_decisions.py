"""The board's decision, taken by staff in the admin: approval creates the membership, both
contact persons and the official's inactive reporting account and sends the e-mails, all or
nothing; rejection keeps the application with its reason."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import ContactPerson, Membership, MembershipApplication, OrganisationAccess
from members.services import applications as services  # where approval makes the account
from members.services import membership_approve, membership_reject, memberships_approve
from tests.members.factories import (
    CountyFactory,
    MembershipApplicationFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://ekokommun.example.se/"
User = get_user_model()


@pytest.fixture
def application():
    return MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0665")  # Vaggeryd
    )


def board_meeting() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=3)


def test_approval_creates_membership_contacts_and_an_inactive_reporting_account(
    application, django_capture_on_commit_callbacks
):
    meeting = board_meeting()
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(
            membership=application.membership, board_meeting_on=meeting, site_url=SITE
        )

    membership = Membership.objects.get(pk=application.membership.pk)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.joined_on == meeting
    assert membership.decision_date == meeting

    politician = membership.contact_persons.get(role=ContactPerson.Role.POLITICIAN)
    official = membership.contact_persons.get(role=ContactPerson.Role.OFFICIAL)
    assert (politician.name, politician.party, politician.started_on) == ("Eva Ek", "C", meeting)
    assert (official.name, official.email, official.ended_on) == (
        "Olle Holm",
        "olle.holm@kommun.example.se",
        None,
    )
    assert politician.user is None

    account = official.user
    assert account.email == "olle.holm@kommun.example.se"
    assert account.username == "olle.holm@kommun.example.se"
    assert (account.first_name, account.last_name) == ("Olle", "Holm")
    assert account.is_active is False
    assert account.has_usable_password() is False
    assert account.is_staff is False
    access = OrganisationAccess.objects.get(user=account)
    assert access.organisation.code == "0665"
    assert access.level == OrganisationAccess.Level.REPORTER

    assert [m.to for m in mail.outbox] == [
        ["registrator@kommun.example.se"],
        ["olle.holm@kommun.example.se"],
    ]
    decision, account_mail = mail.outbox
    assert decision.subject == "Välkommen som medlem, Vaggeryd!"
    assert meeting.isoformat() in decision.body
    assert "Olle Holm" in decision.body and "Eva Ek" in decision.body
    assert "Välj ett lösenord via länken nedan" in account_mail.body
    assert "Länken gäller i 3 dagar" in account_mail.body
    assert re.search(r"https://ekokommun\.example\.se/konto/aktivera/\S+/\S+/", account_mail.body)


def test_the_link_in_the_approval_email_opens_the_account_once_a_password_is_chosen(
    application, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(
            membership=application.membership, board_meeting_on=board_meeting(), site_url=SITE
        )
    link = re.search(r"https://ekokommun\.example\.se(/konto/aktivera/\S+)", mail.outbox[1].body)
    path = link.group(1)

    # Django's password-reset machinery: the token moves to the session, the URL is cleaned.
    response = client.get(path)
    assert response.status_code == 302
    form_page = client.get(response.url)
    html = form_page.content.decode()
    assert "Välj lösenord för ditt konto" in html
    assert form_page.context["validlink"] is True

    # Before: an inactive account cannot log in.
    assert not client.login(username="olle.holm@kommun.example.se", password="Gröna-nyckeltal-25")

    short = client.post(response.url, {"new_password1": "abc", "new_password2": "abc"})
    assert short.status_code == 200
    assert User.objects.get(email="olle.holm@kommun.example.se").is_active is False

    done = client.post(
        response.url,
        {"new_password1": "Gröna-nyckeltal-25", "new_password2": "Gröna-nyckeltal-25"},
    )
    assert done.status_code == 302
    assert done.url == reverse("reporting_landing")  # logged in (tests/members/test_activation)
    account = User.objects.get(email="olle.holm@kommun.example.se")
    assert account.is_active is True
    assert client.login(username="olle.holm@kommun.example.se", password="Gröna-nyckeltal-25")

    # The link was for one use: the same token is now refused.
    client.logout()
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False
    assert "Länken fungerar inte längre" in again.content.decode()


def test_approval_is_all_or_nothing(application, monkeypatch, django_capture_on_commit_callbacks):
    """A failure after the membership was activated and the politician created (here: the
    account cannot be made) leaves everything as it was, and no e-mail goes out."""

    def broken(**kwargs):
        raise RuntimeError("the user table is unavailable")

    monkeypatch.setattr(services, "_reporting_account", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        membership_approve(
            membership=application.membership, board_meeting_on=board_meeting(), site_url=SITE
        )

    membership = Membership.objects.get(pk=application.membership.pk)
    assert membership.status == Membership.Status.APPLIED
    assert membership.joined_on is None and membership.decision_date is None
    assert ContactPerson.objects.count() == 0
    assert User.objects.count() == 0
    assert OrganisationAccess.objects.count() == 0
    assert mail.outbox == []


def test_approving_several_is_all_or_nothing_too(django_capture_on_commit_callbacks):
    first = MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0680"))
    late = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0665"),
        membership__applied_on=timezone.localdate(),  # After the meeting below.
    )
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as error,
    ):
        memberships_approve(
            memberships=[first.membership, late.membership],
            board_meeting_on=board_meeting(),
            site_url=SITE,
        )
    assert "Styrelsemötet kan inte ligga före ansökan från Vaggeryd" in error.value.messages[0]
    assert set(Membership.objects.values_list("status", flat=True)) == {"applied"}
    assert ContactPerson.objects.count() == 0
    assert User.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("days_ago", "message"),
    [
        (-1, "Styrelsemötets datum kan inte ligga i framtiden."),
        (400, "Styrelsemötet kan inte ligga före ansökan från Vaggeryd"),
    ],
)
def test_the_board_meeting_date_must_be_plausible(application, days_ago, message):
    with pytest.raises(ValidationError) as error:
        membership_approve(
            membership=application.membership,
            board_meeting_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            site_url=SITE,
        )
    assert error.value.messages[0].startswith(message)
    assert Membership.objects.get().status == Membership.Status.APPLIED


def test_a_decided_application_cannot_be_decided_again(application):
    membership_approve(
        membership=application.membership, board_meeting_on=board_meeting(), site_url=SITE
    )
    with pytest.raises(ValidationError, match="redan behandlad"):
        membership_reject(
            membership=application.membership, board_meeting_on=board_meeting(), reason="Nej"
        )
    assert Membership.objects.get().status == Membership.Status.ACTIVE


def test_an_official_who_already_has_a_login_keeps_it_and_gains_access(
    application, django_capture_on_commit_callbacks
):
    existing = User.objects.create_user(
        "olle", email="Olle.Holm@kommun.example.se", password="Redan-ett-konto-1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(
            membership=application.membership, board_meeting_on=board_meeting(), site_url=SITE
        )
    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.is_active and existing.check_password("Redan-ett-konto-1")
    assert OrganisationAccess.objects.get(user=existing).level == "reporter"
    assert ContactPerson.objects.get(role="official").user == existing
    assert "Du har redan ett konto" in mail.outbox[1].body
    assert "/konto/aktivera/" not in mail.outbox[1].body


def test_rejection_keeps_the_application_with_its_reason_and_tells_the_applicant(
    application, django_capture_on_commit_callbacks
):
    meeting = board_meeting()
    with django_capture_on_commit_callbacks(execute=True):
        membership_reject(
            membership=application.membership,
            board_meeting_on=meeting,
            reason="Miljöprogrammet gäller till 2015 och är inte aktuellt.",
        )
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.REJECTED
    assert membership.decision_date == meeting
    assert membership.rejection_reason == "Miljöprogrammet gäller till 2015 och är inte aktuellt."
    assert MembershipApplication.objects.get().decision_document  # The paperwork stays.
    assert ContactPerson.objects.count() == 0 and User.objects.count() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["registrator@kommun.example.se"]
    assert "Miljöprogrammet gäller till 2015" in mail.outbox[0].body
    assert "Ni är välkomna att ansöka igen" in mail.outbox[0].body


def test_a_rejection_needs_a_reason(application):
    with pytest.raises(ValidationError, match="Ange skälet"):
        membership_reject(
            membership=application.membership, board_meeting_on=board_meeting(), reason="  "
        )
    assert Membership.objects.get().status == Membership.Status.APPLIED


# --- the admin ---------------------------------------------------------------------------------

CHANGELIST = reverse("admin:members_membershipapplication_changelist")


def test_staff_see_pending_applications_first_with_links_to_the_documents(admin_client):
    decided = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0680")
    )
    membership_reject(
        membership=decided.membership, board_meeting_on=board_meeting(), reason="För tidigt."
    )
    pending = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0665")
    )
    MembershipApplication.objects.filter(pk=pending.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=90)  # Older, still first.
    )
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [row.pk for row in rows] == [pending.pk, decided.pk]
    html = response.content.decode()
    assert (
        reverse("admin:members_membershipapplication_document", args=[pending.pk, "beslut"]) in html
    )
    assert "väntar på beslut" in html


def test_staff_filter_applications_by_status_and_county(admin_client):
    MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0665"))
    stockholm = MunicipalityFactory(code="0180", county=CountyFactory(code="01"))
    other = MembershipApplicationFactory(membership__organisation=stockholm)
    membership_reject(membership=other.membership, board_meeting_on=board_meeting(), reason="X")

    pending = admin_client.get(CHANGELIST, {"status": "applied"}).context["cl"].result_list
    assert [a.organisation.code for a in pending] == ["0665"]
    rejected = admin_client.get(CHANGELIST, {"status": "rejected"}).context["cl"].result_list
    assert [a.organisation.code for a in rejected] == ["0180"]
    county = stockholm.county_id
    in_county = (
        admin_client.get(CHANGELIST, {"membership__organisation__county__id__exact": county})
        .context["cl"]
        .result_list
    )
    assert [a.organisation.code for a in in_county] == ["0180"]


def test_the_approve_action_asks_for_the_board_meeting_date_then_approves(
    admin_client, django_capture_on_commit_callbacks
):
    first = MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0665"))
    second = MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0680"))
    selection = {"action": "approve_applications", "_selected_action": [first.pk, second.pk]}

    page = admin_client.post(CHANGELIST, selection)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Styrelsemötets datum" in html
    assert "Ansökan från Vaggeryd" in html and "Ansökan från Jönköping" in html
    assert Membership.objects.active().count() == 0  # Asking changes nothing.

    future = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    refused = admin_client.post(CHANGELIST, {**selection, "apply": "1", "board_meeting_on": future})
    assert refused.status_code == 200
    assert "Datumet kan inte ligga i framtiden." in refused.content.decode()
    assert Membership.objects.active().count() == 0

    meeting = board_meeting()
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            CHANGELIST, {**selection, "apply": "1", "board_meeting_on": meeting.isoformat()}
        )
    assert done.status_code == 302
    assert sorted(Membership.objects.active().values_list("organisation__code", flat=True)) == [
        "0665",
        "0680",
    ]
    assert ContactPerson.objects.count() == 4
    assert len(mail.outbox) == 4
    # The links in the e-mail point at the site staff used.
    assert "http://testserver/konto/aktivera/" in mail.outbox[1].body
    messages = [str(m) for m in done.wsgi_request._messages]
    assert messages == [
        "2 ansökningar är godkända: Jönköping, Vaggeryd. De sökande och tjänstepersonerna har "
        "fått e-post."
    ]


def test_the_reject_action_needs_a_reason_and_a_failure_shows_on_the_page(admin_client):
    application = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0665")
    )
    selection = {
        "action": "reject_applications",
        "_selected_action": [application.pk],
        "apply": "1",
        "board_meeting_on": board_meeting().isoformat(),
    }
    missing = admin_client.post(CHANGELIST, selection)
    assert missing.status_code == 200
    assert "Ange skälet till avslaget" in missing.content.decode()
    assert Membership.objects.get().status == "applied"

    done = admin_client.post(CHANGELIST, {**selection, "reason": "Programmet saknas."})
    assert done.status_code == 302
    assert Membership.objects.get().rejection_reason == "Programmet saknas."

    again = admin_client.post(CHANGELIST, {**selection, "reason": "Igen."})
    assert again.status_code == 200
    html = again.content.decode()
    assert "Inget har ändrats." in html and "redan behandlad" in html


def test_an_application_from_an_organisation_that_became_a_member_meanwhile_is_refused(
    application,
):
    from tests.members.factories import MembershipFactory

    MembershipFactory(organisation=application.membership.organisation)  # Entered by hand.
    with pytest.raises(ValidationError, match="Vaggeryd är redan medlem"):
        membership_approve(
            membership=application.membership, board_meeting_on=board_meeting(), site_url=SITE
        )
    assert Membership.objects.get(pk=application.membership.pk).status == "applied"
    assert ContactPerson.objects.count() == 0


def test_staff_can_send_the_official_a_fresh_link(
    admin_client, application, django_capture_on_commit_callbacks
):
    membership_approve(
        membership=application.membership, board_meeting_on=board_meeting(), site_url=SITE
    )
    official = ContactPerson.objects.get(role="official")
    politician = ContactPerson.objects.get(role="politician")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:members_contactperson_changelist"),
            {"action": "send_account_link", "_selected_action": [official.pk, politician.pk]},
            follow=True,
        )
    messages = [str(m) for m in response.context["messages"]]
    assert "Eva Ek är inte nuvarande tjänsteperson för Vaggeryd." in messages
    assert "Länk skickad till olle.holm@kommun.example.se." in messages
    assert [m.to for m in mail.outbox] == [["olle.holm@kommun.example.se"]]
    assert "http://testserver/konto/aktivera/" in mail.outbox[0].body


def test_a_decided_application_is_read_only_in_the_admin(admin_client, application):
    url = reverse("admin:members_membershipapplication_change", args=[application.pk])
    assert 'name="official_email"' in admin_client.get(url).content.decode()
    membership_approve(
        membership=application.membership, board_meeting_on=board_meeting(), site_url=SITE
    )
    assert 'name="official_email"' not in admin_client.get(url).content.decode()


def test_an_account_staff_switched_off_is_never_reopened_by_a_link(
    application, django_capture_on_commit_callbacks
):
    former_staff = User.objects.create_user(
        "gammal", email="olle.holm@kommun.example.se", password="Gammalt-2020-x", is_staff=True
    )
    former_staff.is_active = False
    former_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(
            membership=application.membership, board_meeting_on=board_meeting(), site_url=SITE
        )
    body = mail.outbox[1].body
    assert "/konto/aktivera/" not in body
    assert "Kontot är avstängt just nu. Kontakta kansliet" in body
    former_staff.refresh_from_db()
    assert former_staff.is_active is False
