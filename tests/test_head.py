"""Monitoring asks with HEAD: every public GET URL answers HEAD as it answers GET (200 for the
pages), never 405. The URL list is checked against the URLconf, so a new page is not missed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from examples.services import good_example_attachment_add
from indicators.models import Indicator
from members.models import Municipality
from tests.examples.factories import GoodExampleFactory, png_bytes
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Named URL patterns that are not GET pages (POST only), or are reached through a link with a
# one-time token; everything else must be in PUBLIC or LOGGED_IN below.
NOT_GET = {
    "logout",  # POST only
    "own_indicator_adopt",  # POST only
    "own_indicator_target",  # POST only
    "own_indicator_retire",  # POST only
    "own_indicator_from_kolada",  # POST only
    "password_reset_confirm",  # a one-time token (tested in tests/members)
    "account_activate",  # a one-time token (tested in tests/members)
    "two_factor_qr",  # exists only while an enrolment is under way (tested below)
    "question_pause",  # POST only
    "unsubscribe",  # a signed token (tested in tests/conversations, and HEAD below)
}
# Pages for a member's users only (the office, as the office, does not ask other members).
MEMBER_ONLY = {"question_new": "/fraga/0680/GN.6a/", "digest": "/konto/sammanfattning/"}
PUBLIC = {
    "healthz": "/healthz",
    "home": "/",
    "accessibility_statement": "/tillganglighet/",
    "login": "/konto/login/",
    "password_reset": "/konto/password_reset/",
    "password_reset_done": "/konto/password_reset/done/",
    "password_reset_complete": "/konto/reset/done/",
    "membership_application": "/ansok/",
    "member_list": "/medlemmar/",
    "search": "/sok/?q=zz",
    "member_detail": "/kommun/0665/",
    "member_report": "/kommun/0665/rapport/2024/",
    "member_data": "/kommun/0665/data.csv",
    "indicator_detail": "/nyckeltal/GN.6a/",
    "indicator_revision_detail": "/nyckeltal/2023/GN.6a/",
    "indicator_data": "/nyckeltal/GN.6a/data.xlsx",
    "indicator_revision_data": "/nyckeltal/2023/GN.6a/data.csv",
    "compare": "/jamfor/?nyckeltal=GN.6a&medlem=0665",
    "compare_data": "/jamfor/data.csv?nyckeltal=GN.6a&medlem=0665",
    "print_margins": "/kommun/0665/utskrift.css",
    "own_indicator_list": "/egna-nyckeltal/",
    "own_indicator_detail": "/egna-nyckeltal/{own}/",
    "index": "/api/v1/",
    "api-root": "/api/v1/",
    "organisations": "/api/v1/organisations/",
    "organisation": "/api/v1/organisations/0665/",
    "indicators": "/api/v1/indicators/",
    "values": "/api/v1/values/?indicator=GN.6a",
    "averages": "/api/v1/averages/?indicator=GN.6a&organisation=0665",
    "openapi-json": "/api/v1/schema/",
    "openapi-view": "/api/v1/docs/",
    "good_examples": "/api/v1/good-examples/",
    "good_example_bank": "/goda-exempel/",
    "good_example_feed": "/goda-exempel/feed/",
    "good_example_detail": "/goda-exempel/{example}/",
    "good_example_attachment": "/goda-exempel/{example}/bilaga/{attachment}/",
}
# Answer 302 (a redirect), for GET and HEAD alike.
REDIRECTS = {
    "language_switch": "/sprak/en/?next=/",
    "membership_application_receipt": "/ansok/tack/",  # without an application: back to /ansok/
}
LOGGED_IN = {  # as staff, who may see every page
    "reporting_landing": "/rapportera/",
    "reporting_year": "/rapportera/2024/?org=0665",
    "reporting_history": "/rapportera/2024/historik/{waste}/?org=0665",
    "reporting_overview": "/rapportera/oversikt/2024/",
    "reporting_overview_csv": "/rapportera/oversikt/2024/csv/",
    "own_indicator_create": "/egna-nyckeltal/nytt/?org=0665",
    "own_indicator_promote": "/egna-nyckeltal/{own}/gor-gemensamt/",
    "password_change": "/konto/password_change/",
    "password_change_done": "/konto/password_change/done/",
    "two_factor_verify": "/konto/tvastegs/",
    "two_factor_enrol": "/konto/tvastegs/aktivera/",
    "admin_personal_data": "/admin/personuppgifter/",
    "good_example_create": "/goda-exempel/nytt/?org=0665",
    "good_example_mine": "/goda-exempel/mina/?org=0665",
    "good_example_edit": "/goda-exempel/{draft}/andra/",
}


def _names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # Django's admin: staff only, tested with the admin
            names |= _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


@pytest.fixture
def site(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    IndicatorValueFactory(organisation=vaggeryd, indicator=waste, year=2024, value=400)
    own = Indicator.objects.create(
        owner=vaggeryd, code="E.1", name="Laddpunkter", unit="st", display_order=1
    )
    example = GoodExampleFactory(organisation=vaggeryd)
    attachment = good_example_attachment_add(
        example=example, upload=SimpleUploadedFile("foto.png", png_bytes())
    )
    draft = GoodExampleFactory(organisation=vaggeryd, status="draft")
    return {
        "own": own.pk,
        "waste": waste.pk,
        "example": example.pk,
        "attachment": attachment.pk,
        "draft": draft.pk,
    }


def test_every_get_url_of_the_site_is_in_this_test():
    listed = set(PUBLIC) | set(LOGGED_IN) | set(REDIRECTS) | set(MEMBER_ONLY) | NOT_GET
    assert _names(get_resolver().url_patterns) == listed


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_a_public_get_url_answers_head_with_200(client, site, name):
    url = PUBLIC[name].format(**site)
    assert client.get(url).status_code == 200
    head = client.head(url)
    assert head.status_code == 200, (url, head.status_code)
    assert head.content == b""


@pytest.mark.parametrize("name", sorted(LOGGED_IN))
def test_a_logged_in_get_url_answers_head_with_200(client, site, name):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = LOGGED_IN[name].format(**site)
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200, url


@pytest.mark.parametrize("name", sorted(MEMBER_ONLY))
def test_a_member_users_get_url_answers_head_with_200(client, site, name):
    MembershipFactory(organisation=MunicipalityFactory(code="0680"))
    user = UserFactory()
    OrganisationAccessFactory(user=user, organisation=Municipality.objects.get(code="0665"))
    client.force_login(user)
    url = MEMBER_ONLY[name]
    assert client.get(url).status_code == 200
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"", url


def test_the_unsubscribe_link_answers_head_without_login(client, site):
    from conversations.summaries import unsubscribe_token

    url = "/avregistrera/" + unsubscribe_token(email="a@example.se", kind="digest") + "/"
    assert client.get(url).status_code == 200
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""


@pytest.mark.parametrize("name", sorted(REDIRECTS))
def test_a_redirect_answers_head_with_the_same_redirect(client, site, name):
    url = REDIRECTS[name]
    assert client.head(url).status_code == client.get(url).status_code == 302


def test_the_enrolment_qr_code_answers_head_while_an_enrolment_is_under_way(client, site):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/konto/tvastegs/aktivera/").status_code == 200
    assert client.get("/konto/tvastegs/qr.svg").status_code == 200
    head = client.head("/konto/tvastegs/qr.svg")
    assert head.status_code == 200 and head.content == b""
