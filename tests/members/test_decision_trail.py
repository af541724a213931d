"""Decisions with a trail: a membership's status and dates change only through the decision
actions, each decision is recorded with who, when, the board meeting and the reason and is shown
as the membership's history, and a former member's logins lose their access with a date that
stays as history."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator
from indicators.services import ValueInput, values_save_year
from members.models import Membership, MembershipDecision, Municipality, OrganisationAccess
from members.services import (
    membership_resign,
    organisation_access_grant,
)
from tests.html_forms import form_fields
from tests.members.factories import (
    ContactPersonFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
APPLICATIONS = reverse("admin:members_membershipapplication_changelist")
MEMBERSHIPS = reverse("admin:members_membership_changelist")


@pytest.fixture
def staff(admin_client):
    return User.objects.get(username="admin")


@pytest.fixture
def vaggeryd_member():
    membership = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    ContactPersonFactory(membership=membership, role="politician", name="Eva Ek")
    official = ContactPersonFactory(
        membership=membership, role="official", user=UserFactory(username="olle")
    )
    OrganisationAccessFactory(user=official.user, organisation=membership.organisation)
    return membership


def test_the_organisation_page_cannot_set_a_membership_to_resigned(admin_client, vaggeryd_member):
    url = reverse("admin:members_municipality_change", args=[vaggeryd_member.organisation.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="memberships-0-status"' not in html

    # A crafted post with the inline's fields changes nothing either.
    data = form_fields(html, start='id="municipality_form"')
    data.update(
        {
            "memberships-TOTAL_FORMS": ["1"],
            "memberships-INITIAL_FORMS": ["1"],
            "memberships-0-id": [str(vaggeryd_member.pk)],
            "memberships-0-organisation": [str(vaggeryd_member.organisation.pk)],
            "memberships-0-status": ["resigned"],
            "memberships-0-left_on": ["2019-12-31"],
        }
    )
    admin_client.post(url, data)
    vaggeryd_member.refresh_from_db()
    assert (vaggeryd_member.status, vaggeryd_member.left_on) == ("active", None)
    assert vaggeryd_member.contact_persons.current().count() == 2


def test_the_membership_page_shows_status_and_dates_read_only(admin_client, vaggeryd_member):
    url = reverse("admin:members_membership_change", args=[vaggeryd_member.pk])
    html = admin_client.get(url).content.decode()
    for field in ("status", "joined_on", "left_on", "decision_date", "resignation_decision"):
        assert f'name="{field}"' not in html


def test_no_membership_is_added_or_imported_past_the_decisions(admin_client, vaggeryd_member):
    """The "add" form and the list import were two more doors: a new row "aktiv" or
    "utträtt" with no decision, or a file that set Vaggeryd to "resigned" with its contact
    persons and logins left current. Memberships begin as applications and are decided."""
    from django.urls import NoReverseMatch

    assert admin_client.get(reverse("admin:members_membership_add")).status_code == 403
    created = admin_client.post(
        reverse("admin:members_membership_add"),
        {
            "organisation": str(MunicipalityFactory(code="0680").pk),
            "status": "active",
            "applied_on": "2020-01-01",
            "joined_on": "2020-02-01",
        },
    )
    assert created.status_code == 403
    changelist = admin_client.get(MEMBERSHIPS).content.decode()
    assert reverse("admin:members_membership_export") in changelist
    assert "/admin/members/membership/add/" not in changelist
    assert "/admin/members/membership/import/" not in changelist
    with pytest.raises(NoReverseMatch):
        reverse("admin:members_membership_import")
    vaggeryd_member.refresh_from_db()
    assert list(Membership.objects.values_list("status", flat=True)) == ["active"]
    assert vaggeryd_member.contact_persons.current().count() == 2


def test_a_membership_is_never_deleted_in_the_admin(admin_client, vaggeryd_member):
    """Deleting Vaggeryd's membership would erase the board's decisions and its contact
    persons with no resignation recorded; a membership ends only through membership_resign."""
    delete_url = reverse("admin:members_membership_delete", args=[vaggeryd_member.pk])
    change = admin_client.get(reverse("admin:members_membership_change", args=[vaggeryd_member.pk]))
    assert change.status_code == 200
    assert delete_url not in change.content.decode()
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(MEMBERSHIPS)
    actions = [name for name, _label in changelist.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    bulk = admin_client.post(
        MEMBERSHIPS,
        {"action": "delete_selected", "_selected_action": [vaggeryd_member.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert list(Membership.objects.values_list("pk", "status")) == [(vaggeryd_member.pk, "active")]
    assert vaggeryd_member.contact_persons.current().count() == 2


def test_approval_and_rejection_are_recorded_with_who_when_and_why(admin_client, staff):
    yes = MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0665"))
    no = MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0680"))
    meeting = timezone.localdate() - datetime.timedelta(days=2)
    admin_client.post(
        APPLICATIONS,
        {
            "action": "approve_applications",
            "_selected_action": [yes.pk],
            "apply": "1",
            "board_meeting_on": meeting.isoformat(),
        },
    )
    admin_client.post(
        APPLICATIONS,
        {
            "action": "reject_applications",
            "_selected_action": [no.pk],
            "apply": "1",
            "board_meeting_on": meeting.isoformat(),
            "reason": "Programmet saknas.",
        },
    )
    approved = MembershipDecision.objects.get(membership=yes.membership)
    assert (approved.kind, approved.board_meeting_on, approved.decided_by) == (
        "approved",
        meeting,
        staff,
    )
    rejected = MembershipDecision.objects.get(membership=no.membership)
    assert (rejected.kind, rejected.reason, rejected.decided_by) == (
        "rejected",
        "Programmet saknas.",
        staff,
    )

    history = admin_client.get(
        reverse("admin:members_membership_history", args=[no.membership.pk])
    ).content.decode()
    assert "ingen förändringshistorik" not in history
    assert "ansökan avslagen" in history and "Programmet saknas." in history
    assert meeting.isoformat() in history and "admin" in history
    # The membership's own page lists its decisions too, read-only.
    page = admin_client.get(reverse("admin:members_membership_change", args=[no.membership.pk]))
    assert "Programmet saknas." in page.content.decode()
    assert 'name="decisions-0-reason"' not in page.content.decode()


def test_resigning_asks_lists_the_accounts_that_lose_access_and_records_it(
    admin_client, staff, vaggeryd_member
):
    selection = {"action": "resign_memberships", "_selected_action": [vaggeryd_member.pk]}
    screen = admin_client.post(MEMBERSHIPS, selection).content.decode()
    assert "Konton som förlorar behörigheten" in screen and "olle" in screen

    done = admin_client.post(
        MEMBERSHIPS,
        {
            **selection,
            "apply": "1",
            "left_on": "2019-12-31",
            "decision": "KF 2019-10-28 § 112",
            "board_meeting_on": "2019-11-15",
        },
    )
    assert done.status_code == 302
    vaggeryd_member.refresh_from_db()
    assert vaggeryd_member.status == "resigned"
    decision = vaggeryd_member.decisions.get()
    assert (decision.kind, decision.effective_on, decision.board_meeting_on) == (
        "resigned",
        datetime.date(2019, 12, 31),
        datetime.date(2019, 11, 15),
    )
    assert (decision.reason, decision.decided_by) == ("KF 2019-10-28 § 112", staff)

    # The access is ended with the date, kept, and shown among the ended ones.
    access = OrganisationAccess.objects.get()
    assert access.ended_on == datetime.date(2019, 12, 31)
    assert "KF 2019-10-28" in access.ended_reason
    ended = admin_client.get(reverse("admin:members_organisationaccess_changelist") + "?giltig=nej")
    assert list(ended.context["cl"].result_list) == [access]
    # An ended row is history: its page has nothing to change.
    page = admin_client.get(
        reverse("admin:members_organisationaccess_change", args=[access.pk])
    ).content.decode()
    assert 'name="level"' not in page


def test_a_rejoining_member_is_recorded_as_a_rejoin(vaggeryd_member):
    membership_resign(
        membership=vaggeryd_member, left_on=datetime.date(2019, 12, 31), decision="KF"
    )
    from members.services import membership_approve

    again = MembershipApplicationFactory(membership__organisation=vaggeryd_member.organisation)
    membership_approve(
        membership=again.membership, board_meeting_on=timezone.localdate(), site_url="http://x/"
    )
    assert again.membership.decisions.get().kind == MembershipDecision.Kind.REJOINED


def test_nobody_can_be_made_reporter_for_an_organisation_that_is_not_a_member(
    admin_client, vaggeryd_member
):
    membership_resign(
        membership=vaggeryd_member, left_on=datetime.date(2019, 12, 31), decision="KF"
    )
    user = UserFactory(username="ny")
    with pytest.raises(ValidationError, match="inte medlem"):
        organisation_access_grant(user=user, organisation=vaggeryd_member.organisation)

    add = reverse("admin:members_organisationaccess_add")
    response = admin_client.post(
        add,
        {"user": user.pk, "organisation": vaggeryd_member.organisation.pk, "level": "reporter"},
    )
    assert response.status_code == 200
    assert "bara en nuvarande medlem kan ha rapportörer" in response.content.decode()
    assert not OrganisationAccess.objects.current().exists()

    # A reader may still be given access (it writes nothing).
    admin_client.post(
        add, {"user": user.pk, "organisation": vaggeryd_member.organisation.pk, "level": "reader"}
    )
    assert OrganisationAccess.objects.current().get().level == "reader"


def test_a_stale_reporter_row_for_a_former_member_cannot_write(reference_data):
    stockholm = Municipality.objects.get(code="0180")
    MembershipFactory(
        organisation=stockholm, status="resigned", left_on=datetime.date(2019, 12, 31)
    )
    # A row left from before the rule (written past the service).
    reporter = OrganisationAccess.objects.create(
        user=UserFactory(username="gammal"), organisation=stockholm, level="reporter"
    ).user
    energy = Indicator.objects.get(revision__is_current=True, code="GN.7")
    with pytest.raises(PermissionDenied):
        values_save_year(
            user=reporter,
            organisation=stockholm,
            year=2025,
            rows=[ValueInput(organisation_id=stockholm.pk, indicator=energy, year=2025, value=90)],
        )
    assert not stockholm.values.exists()


def test_access_is_granted_with_searchable_fields_and_eda_comes_first(admin_client):
    add = admin_client.get(reverse("admin:members_organisationaccess_add")).content.decode()
    assert 'data-app-label="members"' in add and "admin-autocomplete" in add
    assert 'id="id_user"' in add and "vForeignKeyRawIdAdminField" not in add

    def search(term: str) -> list[str]:
        response = admin_client.get(
            reverse("admin:autocomplete"),
            {
                "term": term,
                "app_label": "members",
                "model_name": "organisationaccess",
                "field_name": "organisation",
            },
        )
        return [result["text"] for result in response.json()["results"]]

    assert search("Eda")[0] == "Eda"
    # The exact name before names that only contain it, even when those sort first.
    assert search("Mora")[:2] == ["Mora", "Hedemora"]
    assert search("Ed")[0] == "Eda"  # Names that begin with the term before the rest.


def test_a_reporter_who_lost_access_is_told_so(client, vaggeryd_member):
    membership_resign(
        membership=vaggeryd_member, left_on=datetime.date(2019, 12, 31), decision="KF"
    )
    user = User.objects.get(username="olle")
    client.force_login(user)
    html = client.get(reverse("reporting_landing")).content.decode()
    assert "Ditt konto har inte längre behörighet för" in html
    assert vaggeryd_member.organisation.name in html
    assert "inte kopplat" not in html
    assert Membership.objects.get().status == "resigned"
