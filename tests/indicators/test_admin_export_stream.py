"""Large admin exports stream (issue 13, finding 8): the CSV is written while the rows are read,
chunk by chunk, and carries every selected row, whatever the register's size."""

import csv
import io
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from common import streaming
from indicators.models import Indicator, IndicatorValue
from tests.indicators.factories import IndicatorFactory, IndicatorValueFactory
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db

YEARS = range(2010, 2024)


@pytest.fixture
def register():
    """Four members, every current figure, fourteen years: 700-odd values."""
    organisations = [MembershipFactory().organisation for _ in range(4)]
    indicators = list(Indicator.objects.filter(revision__is_current=True, owner__isnull=True))
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            organisation=organisation,
            indicator=indicator,
            year=year,
            value=Decimal(max(indicator.min_value or 0, 1)),
        )
        for organisation in organisations
        for indicator in indicators
        for year in YEARS
    )
    return IndicatorValue.objects.filter(indicator__owner__isnull=True)


def stream_all(admin_client, query=""):
    changelist = reverse("admin:indicators_indicatorvalue_changelist") + query
    first = IndicatorValue.objects.order_by("pk").first()
    return admin_client.post(
        changelist,
        {
            "action": "export_values_csv_streamed",
            "select_across": "1",
            "index": "0",
            "_selected_action": [first.pk],
        },
    )


def read(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_all_values_stream_in_chunks_and_every_row_is_there(admin_client, register, monkeypatch):
    monkeypatch.setattr(streaming, "ROWS_PER_CHUNK", 100)
    response = stream_all(admin_client)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="nyckeltal-varden-')
    chunks = list(response.streaming_content)
    expected = register.count()
    assert expected > 700
    assert len(chunks) == 1 + -(-expected // 100)  # the header, then one chunk per 100 rows

    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode()[1:]), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["kommunkod", "kommun", "nyckeltal"]
    assert len(body) == expected
    column = {name: index for index, name in enumerate(header)}
    exported = {
        (r[column["kommunkod"]], r[column["nyckeltal"]], int(r[column["år"]])) for r in body
    }
    stored = set(register.values_list("organisation__code", "indicator__code", "year"))
    assert exported == stored


def test_the_streamed_export_reads_rows_in_a_fixed_number_of_queries(
    admin_client, register, django_assert_max_num_queries
):
    response = stream_all(admin_client)
    with django_assert_max_num_queries(3):  # chunked reads of 2000 rows, no query per row
        rows = read(response)
    assert len(rows) == register.count() + 1


def test_the_streamed_export_follows_the_change_lists_filter(admin_client, register):
    response = stream_all(admin_client, "?year=2015")
    rows = read(response)[1:]
    assert rows and {row[5] for row in rows} == {"2015"}
    assert len(rows) == register.filter(year=2015).count()


def test_text_cells_cannot_become_formulas(admin_client):
    own = IndicatorFactory(min_value=Decimal(-100))
    IndicatorValueFactory(indicator=own, value=Decimal("-2.5"), comment='=HYPERLINK("x","y")')
    for prefix in ["+", "-", "@", "\t", "\r"]:
        IndicatorValueFactory(indicator=own, year=2000 + ord(prefix), comment=f"{prefix}1+1")
    rows = read(stream_all(admin_client))
    header = rows[0]
    comments = {row[header.index("kommentar")] for row in rows[1:]}
    assert comments == {'\'=HYPERLINK("x","y")'} | {f"'{p}1+1" for p in "+-@\t\r"}
    assert "-2.5" in {row[header.index("värde")] for row in rows[1:]}  # a number stays a number


def test_only_staff_who_may_export_get_the_action(client, django_user_model, register):
    user = django_user_model.objects.create_user("kansli", "k@sekom.se", "ett-langt-losenord-1")
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = stream_all(client)
    assert not isinstance(response, StreamingHttpResponse)
    assert response.status_code in (302, 403)
