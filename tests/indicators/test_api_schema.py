"""The OpenAPI schema at /api/v1/schema/ matches what the API really returns.

Schemathesis reads the schema from the running app (WSGI), generates requests from it (valid
and invalid parameters) and checks every response: no server errors, documented status codes
and content types, bodies that validate against the schema, and invalid input refused.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from tests.indicators.test_api import api_data  # noqa: F401 - the same data as the API tests

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    # Schemathesis calls the WSGI app directly, not through Django's test client, so the
    # request signals would close the test's database connection (inside its transaction).
    # Django's test client disconnects the same handler for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Read from the app itself (the schema view touches no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_response_matches_the_schema(case, api_data):  # noqa: F811
    # Every check but "schema-valid data is accepted": an unknown code (county 00, indicator
    # GN.99) fits the documented pattern yet is answered 400 on purpose, as the API promises.
    # The WSGI transport hands back the body as sent and does not undo Content-Encoding the
    # way an HTTP client does, so ask for it uncompressed (cached answers are also kept compressed).
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"indicator": "GN.7", "organisation": "0665", "year_from": 2016, "year_to": 2020},
        {"county": "06", "page_size": 3, "page": 2},
    ],
)
def test_real_value_pages_validate_against_the_schema(api_data, query):  # noqa: F811
    operation = schema["/api/v1/values/"]["GET"]
    case = operation.Case(query=query)
    response = case.call()
    assert response.status_code == 200
    assert response.json()["results"], "the check needs rows to validate"
    case.validate_response(response)
