"""Random and hostile input against the reporting form, the application form and the importers:
never a server error, never a partial or invalid write."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.importers import read_file, values_import
from indicators.models import Indicator, IndicatorValue
from indicators.validation import value_errors
from members.models import MembershipApplication
from tests.indicators.reporting_support import field, page_post, year_url
from tests.members.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

numbers_as_typed = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "1e999999",
            "NaN",
            "Infinity",
            "-0",
            "1,2,3",
            "9" * 40,
            "0,00001",
            "−5",
            "12 %",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "1.250,5",
            "٣",
            "½",
        ]
    ),  # fmt: skip
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)


def _snapshot():
    return sorted(
        IndicatorValue.objects.values_list("organisation_id", "indicator_id", "year", "value")
    )


@pytest.fixture
def reporter(client):
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    client.force_login(OrganisationAccessFactory(organisation=vaggeryd).user)
    return vaggeryd


@FUZZ
@given(
    energy=numbers_as_typed,
    numerator=numbers_as_typed,
    denominator=numbers_as_typed,
    travel=numbers_as_typed,
    status=st.sampled_from(["final", "preliminary", "", "x" * 20]),
    comment=st.text(max_size=200),
)
def test_the_reporting_form_never_fails_and_never_stores_a_bad_value(
    client, reporter, energy, numerator, denominator, travel, status, comment
):
    before = _snapshot()
    data = page_post(
        {
            "GN.7": {
                "value": energy,
                "numerator": numerator,
                "denominator": denominator,
                "status": status,
                "comment": comment,
            },
            "GN.2a": travel,
        },  # fmt: skip
        **{field("GN.7", "confirm"): "on", field("GN.2a", "confirm"): "on"},
    )
    response = client.post(year_url(reporter), data)
    assert response.status_code in (200, 302, 400)
    # 400: a NUL byte, refused before any view (ekokommun/input_guard.py).
    assert (response.status_code == 400) == any("\x00" in text for text in data.values())
    if response.status_code != 302:
        assert _snapshot() == before  # a refused page saves nothing
    for value in IndicatorValue.objects.select_related("indicator"):
        assert value_errors(indicator=value.indicator, year=value.year, value=value.value) == {}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@FUZZ
@given(
    organisation=st.sampled_from(["0665", "0680", "", "9999", "06", "<b>"]),
    decided_on=st.one_of(st.text(max_size=12), st.dates().map(str)),
    email=st.text(max_size=60),
    name=st.text(max_size=300),
    document=st.one_of(
        st.binary(max_size=300), st.binary(max_size=200).map(lambda b: b"%PDF-1.4\n" + b)
    ),
)
def test_the_application_form_never_fails_and_never_half_stores(
    client, media_root, settings, organisation, decided_on, email, name, document
):
    # Dozens of posts from one address: the rate limit has its own test (test_application.py).
    settings.RATELIMIT_ENABLE = False
    before = MembershipApplication.objects.count()
    files_before = sorted(media_root.rglob("*"))
    response = client.post(
        "/ansok/",
        {
            "organisation": organisation,
            "deciding_body": "kf",
            "decided_on": decided_on,
            "decision_document": SimpleUploadedFile("beslut.pdf", document),
            "programme_url": "https://example.se/program",
            "politician_name": name,
            "politician_title": name,
            "politician_email": email,
            "politician_phone": name[:40],
            "official_name": name,
            "official_title": name,
            "official_email": email,
            "official_phone": name[:40],
            "applicant_email": email,
        },
    )
    assert response.status_code in (200, 302, 400)
    # 400: a NUL byte in a text field, refused before any view (ekokommun/input_guard.py).
    assert (response.status_code == 400) == any(
        "\x00" in text for text in (email, name, decided_on)
    )
    if response.status_code != 302:
        assert MembershipApplication.objects.count() == before
        assert sorted(media_root.rglob("*")) == files_before


@FUZZ
@given(
    fmt=st.sampled_from(["csv", "kolada", "miljobarometern"]),
    data=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(str.encode),
        st.lists(
            st.tuples(
                st.sampled_from(["0665", "Vaggeryd", "vaggeryds kommun", "9999", ""]),
                st.sampled_from(["GN.7", "GN.6a", "GN.99", ""]),
                st.one_of(st.integers(1980, 2030).map(str), st.text(max_size=5)),
                numbers_as_typed,
            ),
            max_size=6,
        ).map(
            lambda rows: (
                "kommunkod;nyckeltal;år;värde\n"
                + "\n".join(
                    ";".join(cell.replace(";", "").replace("\n", "") for cell in r) for r in rows
                )
            ).encode()
        ),
    ),
)
def test_the_importers_report_problems_and_write_all_or_nothing(db, fmt, data):
    before = _snapshot()
    indicator = Indicator.objects.get(revision__is_current=True, code="GN.1b")
    read = read_file(
        data, fmt=fmt, indicator=indicator, mapping={"N00401": "GN.1a"}, sheet_format="csv"
    )
    report = values_import(read=read)
    if report.errors:
        assert _snapshot() == before
    for value in IndicatorValue.objects.select_related("indicator"):
        assert value_errors(indicator=value.indicator, year=value.year, value=value.value) == {}
    assert all(isinstance(message, str) for message in report.errors)
