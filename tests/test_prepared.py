"""Prepared reads (common.prepared): the ORM builds a read's SQL once per shape, every later
call runs it with its own arguments and gets what the queryset itself would have returned."""

import datetime

import pytest
from django.db.models import Count, OuterRef, Q, Subquery

from common.prepared import PreparedQuery
from members.models import County, Municipality

pytestmark = pytest.mark.django_db


class Counted:
    """A builder that counts how often the ORM was asked to build the query."""

    def __init__(self, build):
        self.build = build
        self.calls = 0

    def __call__(self, **arguments):
        self.calls += 1
        return self.build(**arguments)


def _in_county(*, county_id: int, kind: str | None, codes: list[str]):
    rows = Municipality.objects.filter(county_id=county_id)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if codes:
        rows = rows.exclude(code__in=codes)
    return (
        rows.annotate(
            county_code=Subquery(County.objects.filter(pk=OuterRef("county_id")).values("code"))
        )
        .values_list("pk", "code", "name", "county_code", named=True)
        .order_by("code")
    )


def _expected(**arguments) -> list:
    return list(_in_county(**arguments))


def test_a_prepared_read_returns_what_the_queryset_returns_for_every_argument(reference_data):
    prepared = PreparedQuery(_in_county)
    counties = list(County.objects.values_list("pk", flat=True)[:4])
    for county_id in counties:
        for kind in (None, "kommun", "region"):
            for codes in ([], ["0114"], ["0114", "0115", "0117"]):
                arguments = {"county_id": county_id, "kind": kind, "codes": codes}
                rows = prepared.rows(**arguments)
                assert rows == _expected(**arguments)
    stockholm = County.objects.get(code="01").pk
    row = prepared.rows(county_id=stockholm, kind="kommun", codes=[])[0]
    assert (row.code, row.county_code) == ("0114", "01")  # named rows, as values_list(named)


def test_the_orm_builds_a_read_once_per_shape_not_per_call(reference_data, settings):
    settings.PREPARED_QUERIES_CHECK = False  # the check builds it again on every call
    builder = Counted(_in_county)
    prepared = PreparedQuery(builder)
    for county_id in County.objects.values_list("pk", flat=True):
        prepared.rows(county_id=county_id, kind="kommun", codes=["0114"])
    assert builder.calls == 1
    prepared.rows(county_id=1, kind=None, codes=["0114"])  # None changes the SQL
    prepared.rows(county_id=1, kind="kommun", codes=["0114", "0115"])  # so does a list's length
    assert builder.calls == 3


def test_a_prepared_read_is_one_query_like_any_other(reference_data, django_assert_num_queries):
    prepared = PreparedQuery(_in_county)
    prepared.rows(county_id=1, kind="kommun", codes=[])
    with django_assert_num_queries(1):  # counted (and logged) as the queryset's would be
        prepared.rows(county_id=2, kind="kommun", codes=[])


def test_an_empty_list_that_can_match_nothing_asks_the_database_nothing(
    reference_data, django_assert_num_queries
):
    prepared = PreparedQuery(
        lambda *, codes: Municipality.objects.filter(code__in=codes).values("code")
    )
    with django_assert_num_queries(0):
        assert prepared.rows(codes=[]) == []
    assert prepared.rows(codes=["0114"]) == [{"code": "0114"}]


def test_values_rows_and_flat_rows_come_as_the_queryset_gives_them(reference_data):
    as_dicts = PreparedQuery(
        lambda *, code: (
            Municipality.objects.filter(code=code)
            .annotate(people=Count("populations"))
            .values("code", "people")
        )
    )
    flat = PreparedQuery(
        lambda *, code: (
            Municipality.objects.filter(Q(code=code) | Q(code="0115"))
            .order_by("code")
            .values_list("code", flat=True)
        )
    )
    assert as_dicts.rows(code="0114") == list(
        Municipality.objects.filter(code="0114")
        .annotate(people=Count("populations"))
        .values("code", "people")
    )
    assert flat.rows(code="0114") == ["0114", "0115"]


def test_an_argument_the_orm_rewrites_is_refused_when_first_built(reference_data):
    # A `__contains` lookup writes "%text%" into the parameter: the argument would be lost.
    prepared = PreparedQuery(
        lambda *, part: Municipality.objects.filter(name__contains=part).values("code")
    )
    with pytest.raises(TypeError, match="part"):
        prepared.rows(part="holm")


def test_a_date_built_into_the_query_is_refused(reference_data):
    # A "today" taken while building would be kept for every later call.
    prepared = PreparedQuery(
        lambda *, code: Municipality.objects.filter(
            code=code, memberships__joined_on__lte=datetime.date.today()
        ).values("code")
    )
    with pytest.raises(TypeError, match="date"):
        prepared.rows(code="0114")


def test_the_check_catches_a_read_whose_sql_depends_on_more_than_its_shape(reference_data):
    # A builder that branches on an argument's value, not only on None or a list's length:
    # its prepared SQL would be wrong for the other values, and the check says so.
    def build(*, code: str):
        rows = Municipality.objects.filter(code=code)
        if code.startswith("01"):
            rows = rows.filter(kind="kommun")
        return rows.values("code")

    prepared = PreparedQuery(build)
    assert prepared.rows(code="1880") == [{"code": "1880"}]
    with pytest.raises(AssertionError, match="differs"):
        prepared.rows(code="0114")  # same shape, other SQL: never a wrong answer unnoticed


def test_model_instances_come_as_the_queryset_gives_them_related_rows_included(
    reference_data, django_assert_num_queries
):
    def in_county(*, county_id: int):
        return (
            Municipality.objects.filter(county_id=county_id)
            .select_related("county")
            .annotate(people=Count("populations"))
            .order_by("code")
        )

    prepared = PreparedQuery(in_county)
    stockholm = County.objects.get(code="01").pk
    prepared.rows(county_id=stockholm)  # built once
    expected = list(in_county(county_id=stockholm))
    with django_assert_num_queries(1):  # the counties came with the rows
        rows = prepared.rows(county_id=stockholm)
        seen = [(m.pk, m.code, m.name, m.kind, m.county.code, m.people) for m in rows]
    assert seen == [(m.pk, m.code, m.name, m.kind, m.county.code, m.people) for m in expected]
    assert rows[0]._state.adding is False and rows[0]._state.db == "default"
    rows[0].name = "Ändrad"
    rows[0].save(update_fields=["name"])  # an instance as the ORM's own: it saves
    assert Municipality.objects.get(pk=rows[0].pk).name == "Ändrad"


def test_prefetching_cannot_be_prepared(reference_data):
    prepared = PreparedQuery(
        lambda *, code: Municipality.objects.filter(code=code).prefetch_related("populations")
    )
    with pytest.raises(TypeError, match="prefetch"):
        prepared.rows(code="0114")
