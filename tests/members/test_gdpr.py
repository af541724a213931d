"""Personal data (GDPR): retention, deletion with files, register extract and erasure."""

import datetime
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.gdpr import (
    ANONYMISED_NAME,
    applications_delete,
    memberships_delete,
    months_before,
    personal_data_erase,
    register_extract,
)
from members.models import ContactPerson, Membership, MembershipApplication, OrganisationAccess
from tests.members.factories import (
    ContactPersonFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    OrganisationAccessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ago(months: int, days: int = 0) -> datetime.date:
    return months_before(TODAY, months) - datetime.timedelta(days=days)


def rejected_application(*, decided: datetime.date) -> MembershipApplication:
    application = MembershipApplicationFactory(
        membership__applied_on=decided - datetime.timedelta(days=40)
    )
    Membership.objects.filter(pk=application.membership_id).update(
        status=Membership.Status.REJECTED, decision_date=decided, rejection_reason="Inget program."
    )
    return application


@pytest.fixture
def old_data(stored_files):
    """What retention finds: one of each, old enough and recent."""
    old_rejected = rejected_application(decided=ago(12, days=3))
    recent_rejected = rejected_application(decided=ago(11))
    member = MembershipFactory(joined_on=datetime.date(2015, 1, 1))
    official = UserFactory(username="gamla@kommun.se", email="gamla@kommun.se")
    replaced = ContactPersonFactory(
        membership=member,
        role=ContactPerson.Role.POLITICIAN,
        name="Gunnar Gammal",
        email="gunnar@kommun.se",
        phone="070-111 11",
        party="M",
        started_on=datetime.date(2019, 1, 1),
        ended_on=ago(24, days=1),
    )
    former_official = ContactPersonFactory(
        membership=member,
        name="Greta Gammal",
        email="gamla@kommun.se",
        user=official,
        started_on=datetime.date(2015, 1, 1),
        ended_on=ago(25),
    )
    lately_replaced = ContactPersonFactory(
        membership=member,
        role=ContactPerson.Role.POLITICIAN,
        name="Nils Nyss",
        started_on=datetime.date(2019, 1, 1),
        ended_on=ago(23),
    )
    current = ContactPersonFactory(membership=member, name="Nina Nu", started_on=ago(23))
    return {
        "old_rejected": old_rejected,
        "recent_rejected": recent_rejected,
        "replaced": replaced,
        "former_official": former_official,
        "official": official,
        "lately_replaced": lately_replaced,
        "current": current,
        "files": stored_files(),
    }


def run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_prints_what_would_go_and_changes_nothing(old_data, stored_files):
    printed = run()
    assert "Skulle ta bort 1 avslagna ansökningar" in printed
    assert "Skulle anonymisera 2 tidigare kontaktpersoner" in printed
    assert "Skulle ta bort 1 konton" in printed
    assert "Torrkörning: inget ändrades" in printed
    assert "Gunnar" not in printed  # names are not written to logs
    assert stored_files() == old_data["files"] and len(old_data["files"]) == 4
    assert MembershipApplication.objects.count() == 2
    old_data["replaced"].refresh_from_db()
    assert old_data["replaced"].name == "Gunnar Gammal"
    assert get_user_model().objects.filter(username="gamla@kommun.se").exists()


def test_the_real_run_deletes_files_and_personal_data_and_keeps_the_facts(
    old_data, stored_files, django_capture_on_commit_callbacks
):
    old = old_data["old_rejected"]
    old_files = {old.decision_document.path, old.programme_document.path}
    with django_capture_on_commit_callbacks(execute=True):
        printed = run("--apply")
    assert "Klart: 1 ansökningar borttagna, 2 kontaktpersoner" in printed

    # The old rejected application and its PDFs are gone; the board's decision stays.
    assert not MembershipApplication.objects.filter(pk=old.pk).exists()
    assert not {str(p) for p in stored_files()} & old_files
    assert len(stored_files()) == 2  # the recent application's two PDFs
    decision = Membership.objects.get(pk=old.membership_id)
    assert (decision.status, decision.rejection_reason) == ("rejected", "Inget program.")
    assert MembershipApplication.objects.filter(pk=old_data["recent_rejected"].pk).exists()

    # The replaced politician: the person is gone, the fact of the role and its dates stay.
    replaced = ContactPerson.objects.get(pk=old_data["replaced"].pk)
    assert (replaced.name, replaced.email, replaced.phone, replaced.party) == (
        ANONYMISED_NAME,
        "",
        "",
        "",
    )
    assert (replaced.role, replaced.started_on, replaced.ended_on) == (
        "politician",
        datetime.date(2019, 1, 1),
        old_data["replaced"].ended_on,
    )
    assert replaced.membership_id == old_data["replaced"].membership_id
    assert replaced.anonymised_on == TODAY

    # The former official's account is gone with nothing left pointing at it.
    former = ContactPerson.objects.get(pk=old_data["former_official"].pk)
    assert former.name == ANONYMISED_NAME and former.user is None
    assert not get_user_model().objects.filter(username="gamla@kommun.se").exists()

    # Those replaced recently, and the current contact, are untouched.
    assert ContactPerson.objects.get(pk=old_data["lately_replaced"].pk).name == "Nils Nyss"
    assert ContactPerson.objects.get(pk=old_data["current"].pk).name == "Nina Nu"

    # A second run finds nothing more.
    assert "Skulle anonymisera 0 tidigare kontaktpersoner" in run()


def test_periods_come_from_the_settings(old_data, settings):
    settings.RETENTION_REJECTED_APPLICATION_MONTHS = 6
    settings.RETENTION_FORMER_CONTACT_MONTHS = 36
    printed = run()
    assert "Skulle ta bort 2 avslagna ansökningar" in printed
    assert "Skulle anonymisera 0 tidigare kontaktpersoner" in printed


def test_a_former_members_application_is_anonymised_after_the_contact_period(
    django_capture_on_commit_callbacks,
):
    application = MembershipApplicationFactory(membership__applied_on=ago(60), decided_on=ago(61))
    Membership.objects.filter(pk=application.membership_id).update(
        status=Membership.Status.RESIGNED,
        decision_date=ago(59),
        joined_on=ago(59),
        left_on=ago(25),
        resignation_decision="KF § 1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run("--apply")
    application.refresh_from_db()
    assert application.politician_name == ANONYMISED_NAME
    assert application.official_email == "anonymiserad@sekom.invalid"
    assert application.politician_party == "" and application.politician_phone == ""
    assert application.decision_document  # the decision itself stays


def test_deleting_a_membership_deletes_its_files_after_the_commit(
    stored_files, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory()
    assert len(stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        memberships_delete(memberships=[application.membership])
    assert len(stored_files()) == 2  # not before the commit
    for callback in callbacks:
        callback()
    assert not Membership.objects.filter(pk=application.membership_id).exists()
    assert stored_files() == []


def test_deleting_applications_deletes_their_files(
    stored_files, django_capture_on_commit_callbacks
):
    applications = [MembershipApplicationFactory(), MembershipApplicationFactory()]
    assert len(stored_files()) == 4
    with django_capture_on_commit_callbacks(execute=True):
        applications_delete(applications=applications)
    assert not MembershipApplication.objects.exists()
    assert Membership.objects.count() == 2  # the memberships (and decisions) stay
    assert stored_files() == []


def test_a_delete_that_rolls_back_keeps_the_files(stored_files):
    application = MembershipApplicationFactory()
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        memberships_delete(memberships=[application.membership])
        raise RuntimeError("rolled back")
    assert len(stored_files()) == 2
    assert MembershipApplication.objects.filter(pk=application.pk).exists()


@pytest.fixture
def person():
    """Eva: a politician contact now replaced, the applicant's politician, with an account."""
    application = MembershipApplicationFactory(politician_email="Eva.Ek@kommun.example.se")
    member = MembershipFactory()
    contact = ContactPersonFactory(
        membership=member,
        role=ContactPerson.Role.POLITICIAN,
        name="Eva Ek",
        email="eva.ek@kommun.example.se",
        started_on=datetime.date(2019, 1, 1),
        ended_on=datetime.date(2023, 1, 1),
    )
    user = UserFactory(username="eva.ek@kommun.example.se", email="eva.ek@kommun.example.se")
    OrganisationAccessFactory(user=user, organisation=member.organisation)
    return {"application": application, "contact": contact, "user": user, "member": member}


def test_the_register_extract_collects_everything_about_an_address(person):
    data = register_extract(email="EVA.EK@kommun.example.se")
    assert [c["name"] for c in data["contact_persons"]] == ["Eva Ek"]
    assert [a["politician_name"] for a in data["applications"]] == ["Eva Ek"]
    assert data["applications"][0]["decision_document"].startswith("ansokningar/")
    (account,) = data["accounts"]
    assert account["username"] == "eva.ek@kommun.example.se"
    assert "password" not in account
    assert account["organisation_access"][0]["organisation"] == person["member"].organisation.name
    assert data["history_as_author"] == [] and data["admin_log_as_author"] == []


def test_staff_download_the_extract_as_one_json_file(admin_client, person):
    response = admin_client.post(
        reverse("admin_personal_data"), {"email": "eva.ek@kommun.example.se", "step": "extract"}
    )
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registerutdrag-')
    data = json.loads(response.content)
    assert data["email"] == "eva.ek@kommun.example.se"
    assert len(data["contact_persons"]) == 1 and len(data["accounts"]) == 1


def test_the_extract_is_an_action_on_contact_persons(admin_client, person):
    response = admin_client.post(
        reverse("admin:members_contactperson_changelist"),
        {"action": "contact_register_extract", "_selected_action": [person["contact"].pk]},
    )
    assert json.loads(response.content)["contact_persons"][0]["name"] == "Eva Ek"


def test_the_admin_page_shows_the_register(admin_client):
    html = admin_client.get(reverse("admin_personal_data")).content.decode()
    assert "Vilka personuppgifter systemet har, var och varför" in html
    assert "members_contactperson" in html and "apply_retention" in html
    assert (
        reverse("admin_personal_data") in admin_client.get(reverse("admin:index")).content.decode()
    )


def test_erasure_is_confirmed_and_keeps_the_records_consistent(admin_client, person):
    url = reverse("admin_personal_data")
    preview = admin_client.post(url, {"email": "eva.ek@kommun.example.se", "step": "preview"})
    assert "1 konto tas bort" in preview.content.decode()
    assert ContactPerson.objects.get(pk=person["contact"].pk).name == "Eva Ek"  # not yet

    done = admin_client.post(
        url, {"email": "eva.ek@kommun.example.se", "step": "erase", "confirm": "yes"}, follow=True
    )
    assert "är raderade" in done.content.decode()
    contact = ContactPerson.objects.get(pk=person["contact"].pk)
    assert (contact.name, contact.email, contact.role) == (ANONYMISED_NAME, "", "politician")
    assert contact.ended_on == datetime.date(2023, 1, 1)
    application = MembershipApplication.objects.get(pk=person["application"].pk)
    assert application.politician_name == ANONYMISED_NAME
    assert application.official_name == "Olle Holm"  # another person's details stay
    assert not get_user_model().objects.filter(pk=person["user"].pk).exists()
    assert not OrganisationAccess.objects.filter(user_id=person["user"].pk).exists()
    extract = register_extract(email="eva.ek@kommun.example.se")
    assert extract["contact_persons"] == extract["applications"] == extract["accounts"] == []


def test_a_current_contact_is_replaced_before_erasure(person):
    ContactPersonFactory(membership=person["member"], email="nu@kommun.se")
    with pytest.raises(Exception, match="nuvarande kontaktperson"):
        personal_data_erase(email="nu@kommun.se")
    assert ContactPerson.objects.filter(email="nu@kommun.se").exists()


def test_staff_accounts_are_not_erased_here(admin_user):
    with pytest.raises(Exception, match="konto för kansliet"):
        personal_data_erase(email=admin_user.email)


def test_the_erase_action_on_contact_persons_leads_to_the_confirmation(admin_client, person):
    response = admin_client.post(
        reverse("admin:members_contactperson_changelist"),
        {"action": "contact_erase", "_selected_action": [person["contact"].pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("admin_personal_data") + "?email=eva.ek%40kommun.example.se"
    )
    assert ContactPerson.objects.get(pk=person["contact"].pk).name == "Eva Ek"


def test_staff_without_the_permissions_cannot_see_personal_data(client, person):
    clerk = UserFactory(username="praktikant", is_staff=True)
    client.force_login(clerk)
    response = client.post(
        reverse("admin_personal_data"), {"email": "eva.ek@kommun.example.se", "step": "extract"}
    )
    assert response.status_code == 403
