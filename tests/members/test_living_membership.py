"""A membership after approval: resignation keeps history, contact persons are replaced with
the old one kept, and the admin shows members that lack a contact person."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator
from members.models import ContactPerson, Membership, OrganisationAccess
from members.services import (
    ContactDetails,
    contact_person_replace,
    membership_approve,
    membership_resign,
)
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import (
    ContactPersonFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db
SITE = "https://ekokommun.example.se"
User = get_user_model()


@pytest.fixture
def vaggeryd_member():
    """Vaggeryd as approved through the application path, with a reported key figure."""
    application = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0665"),
        membership__applied_on=datetime.date(2012, 1, 30),
        decided_on=datetime.date(2012, 1, 30),
    )
    membership = membership_approve(
        membership=application.membership,
        board_meeting_on=datetime.date(2012, 12, 17),
        site_url=SITE,
    )
    IndicatorValueFactory(
        organisation=membership.organisation,
        indicator=Indicator.objects.get(revision__code="2023", code="GN.6a"),
        year=2018,
        value="491",
    )
    return membership


def test_resigning_keeps_history_and_figures_but_leaves_the_member_list(client, vaggeryd_member):
    assert "Vaggeryd" in client.get("/medlemmar/").content.decode()

    membership_resign(
        membership=vaggeryd_member,
        left_on=datetime.date(2019, 12, 31),
        decision="KF 2019-10-28 § 112",
    )

    membership = Membership.objects.get(pk=vaggeryd_member.pk)
    assert membership.status == Membership.Status.RESIGNED
    assert membership.left_on == datetime.date(2019, 12, 31)
    assert membership.joined_on == datetime.date(2012, 12, 17)
    assert membership.resignation_decision == "KF 2019-10-28 § 112"
    # The contact persons stay as history, ended on the leaving date.
    assert sorted(membership.contact_persons.values_list("role", "ended_on")) == [
        ("official", datetime.date(2019, 12, 31)),
        ("politician", datetime.date(2019, 12, 31)),
    ]
    # Its key figures stay, and so does its page; it is gone from the current member list.
    assert membership.organisation.values.count() == 1
    assert client.get("/kommun/0665/").status_code == 200
    assert "Vaggeryd" not in client.get("/medlemmar/").content.decode()
    # Its logins no longer reach the organisation; the access is ended, not deleted, and the
    # accounts themselves remain.
    assert OrganisationAccess.objects.current().count() == 0
    assert list(OrganisationAccess.objects.values_list("user__email", "ended_on")) == [
        ("olle.holm@kommun.example.se", datetime.date(2019, 12, 31))
    ]
    assert User.objects.filter(email="olle.holm@kommun.example.se").exists()


def test_a_former_member_may_apply_again_and_rejoin_as_a_new_period(client, vaggeryd_member):
    membership_resign(
        membership=vaggeryd_member, left_on=datetime.date(2019, 12, 31), decision="KF 2019-10-28"
    )
    form = client.get("/ansok/")
    assert form.status_code == 200
    again = MembershipApplicationFactory(membership__organisation=vaggeryd_member.organisation)
    membership_approve(
        membership=again.membership,
        board_meeting_on=timezone.localdate(),
        site_url=SITE,
    )
    periods = list(
        vaggeryd_member.organisation.memberships.order_by("applied_on").values_list(
            "status", "joined_on", "left_on"
        )
    )
    assert periods == [
        ("resigned", datetime.date(2012, 12, 17), datetime.date(2019, 12, 31)),
        ("active", timezone.localdate(), None),
    ]
    # The same official's account is reused and regains access.
    assert User.objects.filter(email="olle.holm@kommun.example.se").count() == 1
    assert (
        OrganisationAccess.objects.current()
        .filter(organisation=vaggeryd_member.organisation)
        .count()
        == 1
    )


@pytest.mark.parametrize(
    ("left_on", "decision", "field", "message"),
    [
        (datetime.date(2019, 12, 31), "  ", "decision", "Ange beslutet om utträde"),
        (datetime.date(2010, 1, 1), "KF", "left_on", "Utträdet kan inte ligga före inträdet"),
        (
            timezone.localdate() + datetime.timedelta(days=30),
            "KF",
            "left_on",
            "Registrera utträdet när det har trätt i kraft",
        ),
    ],
)
def test_a_resignation_needs_a_decision_and_a_sensible_date(
    vaggeryd_member, left_on, decision, field, message
):
    with pytest.raises(ValidationError) as error:
        membership_resign(membership=vaggeryd_member, left_on=left_on, decision=decision)
    assert error.value.message_dict[field][0].startswith(message)
    assert Membership.objects.get(pk=vaggeryd_member.pk).status == "active"
    assert ContactPerson.objects.current().count() == 2


def test_the_resign_action_in_the_admin_asks_for_date_and_decision(admin_client, vaggeryd_member):
    changelist = reverse("admin:members_membership_changelist")
    selection = {"action": "resign_memberships", "_selected_action": [vaggeryd_member.pk]}
    page = admin_client.post(changelist, selection)
    assert page.status_code == 200
    assert "Utträdesdatum" in page.content.decode()
    done = admin_client.post(
        changelist,
        {**selection, "apply": "1", "left_on": "2019-12-31", "decision": "KF 2019-10-28 § 112"},
    )
    assert done.status_code == 302
    assert Membership.objects.get(pk=vaggeryd_member.pk).status == "resigned"


def test_replacing_the_official_keeps_the_old_one_as_history_and_moves_the_access(
    vaggeryd_member, django_capture_on_commit_callbacks
):
    old = vaggeryd_member.contact_persons.get(role="official")
    start = datetime.date(2024, 9, 1)
    with django_capture_on_commit_callbacks(execute=True):
        new = contact_person_replace(
            membership=vaggeryd_member,
            role=ContactPerson.Role.OFFICIAL,
            details=ContactDetails(
                name="Sara Berg",
                title="Hållbarhetsstrateg",
                email="sara.berg@vaggeryd.example.se",
                phone="0393-780 10",
            ),
            started_on=start,
            site_url=SITE,
        )
    old.refresh_from_db()
    assert old.ended_on == start
    assert (new.started_on, new.ended_on) == (start, None)
    current = vaggeryd_member.contact_persons.current()
    assert sorted(current.values_list("role", "name")) == [
        ("official", "Sara Berg"),
        ("politician", "Eva Ek"),
    ]
    assert vaggeryd_member.contact_persons.count() == 3
    # The new official reports from now on; the previous one no longer can.
    assert new.user.is_active is False
    assert list(
        OrganisationAccess.objects.current()
        .filter(organisation=vaggeryd_member.organisation)
        .values_list("user__email", flat=True)
    ) == ["sara.berg@vaggeryd.example.se"]
    # The previous official's access is ended that day and kept as history.
    assert OrganisationAccess.objects.ended().get().ended_on == start
    assert mail.outbox[-1].to == ["sara.berg@vaggeryd.example.se"]
    assert "/konto/aktivera/" in mail.outbox[-1].body


def test_replacing_the_politician_needs_no_account(vaggeryd_member):
    contact_person_replace(
        membership=vaggeryd_member,
        role=ContactPerson.Role.POLITICIAN,
        details=ContactDetails(name="Per Ek", title="KSO", email="per@x.se", phone="1", party="S"),
        started_on=datetime.date(2023, 1, 1),
        site_url=SITE,
    )
    assert vaggeryd_member.contact_persons.current().get(role="politician").user is None
    assert OrganisationAccess.objects.count() == 1  # Still only the official's.


def test_a_replacement_cannot_start_before_the_person_it_replaces(vaggeryd_member):
    with pytest.raises(ValidationError) as error:
        contact_person_replace(
            membership=vaggeryd_member,
            role=ContactPerson.Role.OFFICIAL,
            details=ContactDetails(name="A", title="B", email="a@b.se", phone="1"),
            started_on=datetime.date(2012, 12, 1),
            site_url=SITE,
        )
    assert "started_on" in error.value.message_dict
    assert vaggeryd_member.contact_persons.count() == 2


def test_the_admin_replaces_a_contact_through_its_own_page(admin_client, vaggeryd_member):
    url = reverse("admin:members_membership_contact_replace", args=[vaggeryd_member.pk])
    change = admin_client.get(reverse("admin:members_membership_change", args=[vaggeryd_member.pk]))
    assert url in change.content.decode()
    response = admin_client.post(
        url,
        {
            "role": "politician",
            "name": "Per Ek",
            "title": "Kommunstyrelsens ordförande",
            "email": "per.ek@vaggeryd.example.se",
            "phone": "0393-780 20",
            "party": "S",
            "started_on": "2023-01-01",
        },
    )
    assert response.status_code == 302
    names = vaggeryd_member.contact_persons.filter(role="politician").values_list(
        "name", "ended_on"
    )
    assert sorted(names) == [("Eva Ek", datetime.date(2023, 1, 1)), ("Per Ek", None)]


def test_the_admin_shows_which_members_lack_a_contact_person(admin_client):
    complete = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    ContactPersonFactory(membership=complete, role="politician")
    ContactPersonFactory(membership=complete, role="official")
    lacking = MembershipFactory(organisation=MunicipalityFactory(code="0680"))
    ContactPersonFactory(membership=lacking, role="politician")
    ContactPersonFactory(
        membership=lacking, role="official", ended_on=datetime.date(2024, 1, 1)
    )  # Left, not replaced.

    changelist = reverse("admin:members_membership_changelist")
    rows = admin_client.get(changelist, {"kontakter": "saknas"}).context["cl"].result_list
    assert [m.organisation.code for m in rows] == ["0680"]
    html = admin_client.get(changelist).content.decode()
    assert '<td class="field-missing_contacts">tjänsteperson</td>' in html
    assert '<td class="field-missing_contacts">–</td>' in html


def test_resigning_several_members_at_once_is_all_or_nothing(admin_client, vaggeryd_member):
    # Värnamo (listed after Vaggeryd) joined in 2020: a leaving date in 2019 is refused for it,
    # so Vaggeryd, handled first, must not stay resigned either.
    late = MembershipFactory(
        organisation=MunicipalityFactory(code="0683"), joined_on=datetime.date(2020, 5, 1)
    )
    response = admin_client.post(
        reverse("admin:members_membership_changelist"),
        {
            "action": "resign_memberships",
            "_selected_action": [vaggeryd_member.pk, late.pk],
            "apply": "1",
            "left_on": "2019-12-31",
            "decision": "KF 2019-10-28 § 112",
        },
    )
    assert response.status_code == 200
    assert "Utträdet kan inte ligga före inträdet" in response.content.decode()
    assert set(Membership.objects.values_list("status", flat=True)) == {"active"}


def test_a_saved_membership_changes_status_only_through_the_actions(admin_client, vaggeryd_member):
    url = reverse("admin:members_membership_change", args=[vaggeryd_member.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="status"' not in page  # shown, not editable
    admin_client.post(
        url,
        {
            "status": "resigned",
            "applied_on": "2012-01-30",
            "decision_date": "2012-12-17",
            "joined_on": "2012-12-17",
            "left_on": "",
            "rejection_reason": "",
            "resignation_decision": "",
            "contact_persons-TOTAL_FORMS": "0",
            "contact_persons-INITIAL_FORMS": "0",
        },
    )
    assert Membership.objects.get(pk=vaggeryd_member.pk).status == "active"
