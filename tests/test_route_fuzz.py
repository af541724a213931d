"""Hostile input in every address the site knows: never an error 500.

The review's requests (NUL bytes in paths and query strings) answered 500 on PostgreSQL while
SQLite answered 400/404, so this runs on both databases (CI runs PostgreSQL). For every URL
pattern the resolver knows, hypothesis fills each path parameter and a handful of query
parameters with hostile values (NUL, huge, unicode, negative, SQL and HTML fragments) and
requests the page as an anonymous visitor, a reporter and staff.
"""

import re
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ekokommun.input_guard import request_has_nul
from indicators.models import Indicator
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import (
    MembershipApplicationFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Per pattern and role; 175 patterns x 3 roles x this stays within a minute or two.
EXAMPLES_PER_ROUTE = 12
FUZZ = settings(
    max_examples=EXAMPLES_PER_ROUTE,
    deadline=None,
    database=None,  # no example database between runs: the same budget every time
    suppress_health_check=list(HealthCheck),
)

HOSTILE = [
    "\x00",
    "GN\x00",
    "a\x00b",
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "9" * 400,
    "0",
    "",
    " ",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "1; DROP TABLE members_municipality;--",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "../../etc/passwd",
    "%00",
    "%2e%2e%2f",
    "Åsele ÅÄÖ åäö",
    "😀\u202e\ufeff",
    "\ud7ff\U0010ffff",
    "x" * 5000,
    "0665",
    "GN.7",
    # Real formats, so the downloads (/kommun/0665/data.csv, /jamfor/data.xlsx...) go deep.
    "csv",
    "xlsx",
    "2023",
    "2024",
    "http://evil.example/",
    "//evil.example",
]
hostile_values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers().map(str),
)
# Query parameters the site's views read, and a few it does not.
PARAMETERS = [
    "q",
    "org",
    "medlem",
    "nyckeltal",
    "indicator",
    "year",
    "ar",
    "from",
    "to",
    "revision",
    "county",
    "lan",
    "page",
    "limit",
    "offset",
    "next",
    "format",
    "o",
    "p",
    "_changelist_filters",
    "status__exact",
    "id__in",
    "\x00",
]
queries = st.lists(st.tuples(st.sampled_from(PARAMETERS), hostile_values), min_size=0, max_size=4)

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?[^()]*\)")


def _route_templates(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _route_templates(pattern.url_patterns, prefix + _template(pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _template(pattern)


def _template(pattern) -> str:
    """A route with its parameters as {} slots: 'kommun/<str:code>/' -> 'kommun/{}/'."""
    text = str(pattern.pattern)
    if text.startswith("^") or text.endswith("$") or "(?P<" in text or "([^/]+)" in text:
        text = REGEX_GROUP.sub("{}", text.lstrip("^").rstrip("$"))
        text = text.replace("\\", "")
        return text
    return PARAM.sub("{}", text)


ROUTES = sorted(set(_route_templates(get_resolver().url_patterns)))


@pytest.fixture
def site_with_data():
    """A member with values, a pending application and an own figure, so views go deep."""
    vaggeryd = MunicipalityFactory(code="0665")
    MembershipFactory(organisation=vaggeryd)
    IndicatorValueFactory(
        organisation=vaggeryd,
        indicator=Indicator.objects.get(revision__code="2023", code="GN.7"),
        year=2023,
        value="81.5",
    )
    MembershipApplicationFactory(membership__organisation=MunicipalityFactory(code="0680"))
    return vaggeryd


@pytest.fixture(params=["anonymous", "reporter", "staff"])
def visitor(request, client, site_with_data):
    if request.param == "reporter":
        client.force_login(
            OrganisationAccessFactory(user__username="strateg", organisation=site_with_data).user
        )
    elif request.param == "staff":
        client.force_login(UserFactory(username="kansliet", is_staff=True, is_superuser=True))
    return client


def test_every_route_is_enumerated():
    assert len(ROUTES) > 100
    assert "kommun/{}/data.{}" in ROUTES
    assert "admin/{}/" in ROUTES  # the admin's app index, from a regex pattern


def _fuzz_route(client, route: str, failures: list):
    slots = route.count("{}")

    @FUZZ
    @given(values=st.lists(hostile_values, min_size=slots, max_size=slots), query=queries)
    def request_route(values, query):
        path = "/" + route.format(*(quote(value, safe="") for value in values))
        url = path + ("?" + urlencode(query) if query else "")
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url[:200], response.status_code))

    request_route()


def test_no_route_answers_500_to_hostile_path_or_query_values(visitor):
    failures = []
    visitor.raise_request_exception = False  # count every 500, do not stop at the first
    for route in ROUTES:
        _fuzz_route(visitor, route, failures)
    assert failures == []


@pytest.mark.parametrize(
    "url",
    [
        "/sok/?q=%00",
        "/kommun/%00/",
        "/kommun/%00/data.csv",
        "/nyckeltal/GN%00/data.xlsx",
        "/jamfor/?nyckeltal=GN.7&medlem=0665&medlem=%00",
        "/rapportera/?org=%00",
        "/egna-nyckeltal/nytt/?org=%00",
    ],
)
def test_the_reviews_nul_requests_answer_400(client, site_with_data, url):
    client.force_login(
        OrganisationAccessFactory(user__username="strateg", organisation=site_with_data).user
    )
    response = client.get(url)
    assert response.status_code == 400
    assert "Felaktig begäran" in response.content.decode()


def test_nul_in_form_data_or_a_cookie_is_refused_before_any_view(client, site_with_data):
    assert client.post("/konto/login/", {"username": "repb\x00", "password": "x"}).status_code == (
        400
    )
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/").status_code == 400


def test_the_guard_lets_ordinary_requests_through(client, rf):
    assert not request_has_nul(rf.get("/sok/", {"q": "Vaggeryd åäö"}))
    assert request_has_nul(rf.get("/sok/", {"q": "a\x00"}))
    assert request_has_nul(rf.post("/ansok/", {"official_phone": "\x00"}))
    assert client.get("/sok/?q=Vaggeryd").status_code == 200


def test_the_api_refuses_nul_in_its_own_json_error_format(client):
    response = client.get("/api/v1/organisations/", {"county": "06\x00"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Ogiltiga parametrar: county."
    assert client.get("/api/v1/organisations/%00/").json() == {"detail": "Ogiltig adress."}


@pytest.mark.parametrize(
    "url",
    [
        "/jamfor/data.csv?nyckeltal=GN.7&medlem=0665&medlem=%00",
        "/jamfor/data.xlsx?nyckeltal=GN%00",
        "/kommun/%00/utskrift.css",
        "/tillganglighet/?q=%00",
        "/konto/tvastegs/?next=%00",
        "/admin/personuppgifter/?email=%00",
        "/admin/indicators/indicatorvalue/import/?format=%00",
        "/admin/indicators/indicatorvalue/export/?q=%00",
    ],
)
def test_nul_in_the_newer_addresses_answers_400_as_staff(client, site_with_data, url):
    client.force_login(UserFactory(username="kansliet", is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/personuppgifter/", {"email": "eva@kommun.se\x00", "step": "extract"}),
        ("/admin/personuppgifter/", {"email": "eva@kommun.se\x00", "step": "preview"}),
        ("/konto/tvastegs/", {"token": "12\x003456"}),
        ("/konto/tvastegs/aktivera/", {"token": "\x00"}),
    ],
)
def test_nul_in_the_personal_data_and_second_factor_forms_answers_400(
    client, site_with_data, url, data
):
    client.force_login(UserFactory(username="kansliet", is_staff=True, is_superuser=True))
    assert client.post(url, data).status_code == 400


def test_a_number_no_database_column_can_hold_is_refused_in_the_query(admin_client):
    """SQLite raises OverflowError for an integer over 64 bits (the fuzz test found
    `/admin/indicators/indicator/?id__in=9999…` answering 500); such a query is answered 400."""
    huge = "9" * 40
    for url in [
        f"/admin/indicators/indicator/?id__in={huge}",
        f"/admin/indicators/indicatorvalue/?year={huge}",
        f"/sok/?q={huge}",
    ]:
        assert admin_client.get(url).status_code == 400, url
    # Numbers a column can hold, and long digit strings in typed text, pass.
    assert admin_client.get(f"/admin/indicators/indicator/?id__in={2**63 - 1}").status_code == 200
    assert admin_client.get("/sok/?q=0665").status_code in (200, 302)
