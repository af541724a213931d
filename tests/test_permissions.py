"""The permission matrix: every view and admin action that writes, against every role.

Roles: anonymous, a reporter of another member, a reporter of this member, a read-only user of
this member, and staff. Each cell says what the role gets (allowed, 403, or sent to a login page)
and the test checks the data changed exactly when it should.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from members.models import ContactPerson, Membership, MembershipApplication, OrganisationAccess
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.indicators.reporting_support import page_post, year_url
from tests.indicators.test_own_indicators import CYCLING
from tests.members.factories import (
    ContactPersonFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "other_reporter", "own_reporter", "reader", "staff"]
ALLOWED, FORBIDDEN, LOGIN, ADMIN_LOGIN = "allowed", "403", "login", "admin login"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665"))
    jonkoping = MembershipFactory(organisation=MunicipalityFactory(code="0680"))
    ContactPersonFactory(membership=vaggeryd, role=ContactPerson.Role.OFFICIAL)
    ContactPersonFactory(membership=vaggeryd, role=ContactPerson.Role.POLITICIAN)
    energy = Indicator.objects.get(revision__is_current=True, code="GN.7")
    value = IndicatorValueFactory(
        organisation=vaggeryd.organisation, indicator=energy, year=2024, value=Decimal("60")
    )
    users = {
        "other_reporter": OrganisationAccessFactory(organisation=jonkoping.organisation).user,
        "own_reporter": OrganisationAccessFactory(organisation=vaggeryd.organisation).user,
        "reader": OrganisationAccessFactory(
            organisation=vaggeryd.organisation, level=OrganisationAccess.Level.READER
        ).user,
        "staff": UserFactory(username="kansliet", is_staff=True, is_superuser=True),
    }
    return {"organisation": vaggeryd.organisation, "membership": vaggeryd, "value": value,
            "energy": energy, "users": users}  # fmt: skip


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])


def _outcome(response) -> str:
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return ADMIN_LOGIN
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return ALLOWED


# --- the writes -------------------------------------------------------------------------------


def save_reporting_page(client, world):
    response = client.post(year_url(world["organisation"]), page_post({"GN.7": "75"}))
    world["value"].refresh_from_db()
    return response, world["value"].value == Decimal("75")


def change_value_in_admin(client, world):
    value = world["value"]
    response = client.post(
        reverse("admin:indicators_indicatorvalue_change", args=[value.pk]),
        {
            "value": "80",
            "status": "final",
            "source_note": "",
            "comment": "",
            "numerator": "",
            "denominator": "",
        },  # fmt: skip
    )
    value.refresh_from_db()
    return response, value.value == Decimal("80")


def delete_value_in_admin(client, world):
    value = world["value"]
    response = client.post(
        reverse("admin:indicators_indicatorvalue_delete", args=[value.pk]), {"post": "yes"}
    )
    return response, not IndicatorValue.objects.filter(pk=value.pk).exists()


def approve_application(client, world):
    application = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0662")
    )
    response = client.post(
        reverse("admin:members_membershipapplication_changelist"),
        {
            "action": "approve_applications",
            ACTION_CHECKBOX_NAME: [application.pk],
            "apply": "1",
            "board_meeting_on": datetime.date.today().isoformat(),
        },  # fmt: skip
    )
    application.membership.refresh_from_db()
    return response, application.membership.status == Membership.Status.ACTIVE


def reject_application(client, world):
    application = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0662")
    )
    response = client.post(
        reverse("admin:members_membershipapplication_changelist"),
        {
            "action": "reject_applications",
            ACTION_CHECKBOX_NAME: [application.pk],
            "apply": "1",
            "board_meeting_on": datetime.date.today().isoformat(),
            "reason": "Inget aktuellt miljöprogram.",
        },  # fmt: skip
    )
    application.membership.refresh_from_db()
    return response, application.membership.status == Membership.Status.REJECTED


def resign_membership(client, world):
    membership = world["membership"]
    response = client.post(
        reverse("admin:members_membership_changelist"),
        {
            "action": "resign_memberships",
            ACTION_CHECKBOX_NAME: [membership.pk],
            "apply": "1",
            "left_on": datetime.date.today().isoformat(),
            "decision": "KF 2026-10-01 § 12",
        },  # fmt: skip
    )
    membership.refresh_from_db()
    return response, membership.status == Membership.Status.RESIGNED


def download_application_document(client, world):
    application = MembershipApplicationFactory(
        membership__organisation=MunicipalityFactory(code="0662")
    )
    response = client.get(
        reverse("admin:members_membershipapplication_document", args=[application.pk, "beslut"])
    )
    return response, response.status_code == 200


def define_own_figure(client, world):
    response = client.post(
        f"{reverse('own_indicator_create')}?org={world['organisation'].code}", CYCLING
    )
    return response, Indicator.objects.filter(owner=world["organisation"]).exists()


def retire_own_figure(client, world):
    figure = OwnIndicatorFactory(owner=world["organisation"])
    response = client.post(reverse("own_indicator_retire", args=[figure.pk]))
    figure.refresh_from_db()
    return response, figure.is_retired


def promote_own_figure(client, world):
    figure = OwnIndicatorFactory(owner=world["organisation"], name="Laddplatser")
    response = client.post(
        reverse("own_indicator_promote", args=[figure.pk]),
        {"code": "GN.12", "reported_from": "2024"},
    )
    figure.refresh_from_db()
    return response, figure.owner_id is None


WRITES = {
    save_reporting_page: {"anonymous": LOGIN, "other_reporter": FORBIDDEN,
                          "own_reporter": ALLOWED, "reader": FORBIDDEN, "staff": ALLOWED},
    change_value_in_admin: dict.fromkeys(ROLES[:-1], ADMIN_LOGIN) | {"staff": ALLOWED},
    delete_value_in_admin: dict.fromkeys(ROLES[:-1], ADMIN_LOGIN) | {"staff": ALLOWED},
    approve_application: dict.fromkeys(ROLES[:-1], ADMIN_LOGIN) | {"staff": ALLOWED},
    reject_application: dict.fromkeys(ROLES[:-1], ADMIN_LOGIN) | {"staff": ALLOWED},
    resign_membership: dict.fromkeys(ROLES[:-1], ADMIN_LOGIN) | {"staff": ALLOWED},
    download_application_document: dict.fromkeys(ROLES[:-1], ADMIN_LOGIN) | {"staff": ALLOWED},
    define_own_figure: {"anonymous": LOGIN, "other_reporter": FORBIDDEN,
                        "own_reporter": ALLOWED, "reader": FORBIDDEN, "staff": ALLOWED},
    retire_own_figure: {"anonymous": LOGIN, "other_reporter": FORBIDDEN,
                        "own_reporter": ALLOWED, "reader": FORBIDDEN, "staff": ALLOWED},
    promote_own_figure: {"anonymous": LOGIN, "other_reporter": FORBIDDEN,
                         "own_reporter": FORBIDDEN, "reader": FORBIDDEN, "staff": ALLOWED},
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_each_role_gets_exactly_what_it_should(client, world, write, role):
    _login(client, world, role)
    response, changed = write(client, world)
    expected = WRITES[write][role]
    assert _outcome(response) == expected, response
    assert changed is (expected == ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_apply_for_membership_but_nobody_twice(client, world, role):
    _login(client, world, role)
    response = client.post(reverse("membership_application"), {"organisation": "0665"})
    # Vaggeryd is already a member: the form answers with its message, for every role alike.
    assert response.status_code == 200
    assert "redan medlem" in response.content.decode()
    assert not MembershipApplication.objects.exists()
