"""The knowledge bank at /goda-exempel/: search by text, filter by figure, county and size,
paginated, and a fixed number of queries whatever the number of examples."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from examples import selectors
from examples.models import GoodExample
from tests.examples.factories import GoodExampleFactory, GoodExampleLinkFactory, current_figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(vaggeryd, kalix, malmo):
    return {
        "vaggeryd": GoodExampleFactory(
            organisation=vaggeryd, title="Matavfall i Vaggeryd", text="Bruna påsar."
        ),
        "kalix": GoodExampleFactory(
            organisation=kalix,
            indicator=current_figure("GN.7"),
            title="Laddstolpar i Kalix",
            text="Solceller på taken.",
        ),
        "malmo": GoodExampleFactory(
            organisation=malmo, title="Storstadens matavfall", text="Biogas av bruna påsar."
        ),
    }


def _titles(client, **query) -> set[str]:
    rows = client.get(reverse("good_example_bank"), query).context["results"]
    return {row["title"] for row in rows}


def test_the_bank_lists_every_published_example(client, bank):
    assert _titles(client) == {e.title for e in bank.values()}


def test_the_bank_searches_the_text(client, bank):
    assert _titles(client, q="påsar") == {"Matavfall i Vaggeryd", "Storstadens matavfall"}
    assert _titles(client, q="solceller") == {"Laddstolpar i Kalix"}
    assert _titles(client, q="bruna biogas") == {"Storstadens matavfall"}


def test_the_bank_filters_by_figure(client, bank):
    assert _titles(client, nyckeltal="GN.7") == {"Laddstolpar i Kalix"}
    assert _titles(client, nyckeltal="gn.6a") == {"Matavfall i Vaggeryd", "Storstadens matavfall"}


def test_the_bank_filters_by_county(client, bank):
    assert _titles(client, lan="25") == {"Laddstolpar i Kalix"}
    assert _titles(client, lan="12") == {"Storstadens matavfall"}


def test_the_bank_filters_by_size_from_the_latest_population(client, bank):
    assert _titles(client, storlek="10000-25000") == {"Matavfall i Vaggeryd", "Laddstolpar i Kalix"}
    assert _titles(client, storlek="over-100000") == {"Storstadens matavfall"}
    assert _titles(client, storlek="under-10000") == set()


def test_the_bank_pages_twenty_at_a_time(client, vaggeryd):
    for n in range(25):
        GoodExampleFactory(organisation=vaggeryd, title=f"Exempel {n}")
    first = client.get(reverse("good_example_bank"))
    assert len(first.context["results"]) == 20
    assert "sida=2" in first.content.decode()
    assert len(client.get(reverse("good_example_bank"), {"sida": 2}).context["results"]) == 5


@pytest.mark.parametrize("size", [3, 30])
def test_the_new_pages_run_a_fixed_number_of_queries(
    client, vaggeryd, waste, values, size, django_assert_num_queries
):
    examples = [GoodExampleFactory(organisation=vaggeryd) for _n in range(size)]
    for example in examples:
        GoodExampleLinkFactory(example=example)
    # Session-free anonymous pages: site state (1) plus the page's own reads.
    with django_assert_num_queries(5):
        assert client.get(reverse("good_example_bank"), {"q": "matavfall"}).status_code == 200
    with django_assert_num_queries(5):
        assert (
            client.get(
                reverse("good_example_bank"), {"storlek": "10000-25000", "lan": "06"}
            ).status_code
            == 200
        )
    with django_assert_num_queries(5):
        assert client.get(reverse("good_example_detail", args=[examples[0].pk])).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("good_example_feed")).status_code == 200
    with django_assert_num_queries(4):
        assert client.get("/api/v1/good-examples/").status_code == 200


def test_the_member_page_reads_all_its_examples_in_one_query(vaggeryd, django_assert_num_queries):
    for code in ("GN.6a", "GN.7", "GN.6a"):
        GoodExampleFactory(organisation=vaggeryd, indicator=current_figure(code))
    with django_assert_num_queries(1):
        keyed = selectors.member_examples(organisation_id=vaggeryd.pk)
    assert sorted(len(rows) for rows in keyed.values()) == [1, 2]


def test_the_database_refuses_years_out_of_order_and_a_published_example_without_a_date(
    vaggeryd,
):
    with transaction.atomic(), pytest.raises(IntegrityError):
        GoodExampleFactory(organisation=vaggeryd, year_from=2020, year_to=2019)
    with transaction.atomic(), pytest.raises(IntegrityError):
        GoodExample.objects.create(
            organisation=vaggeryd,
            indicator=current_figure(),
            title="x",
            text="x",
            year_from=2020,
            status="published",
            published_at=None,
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        GoodExampleFactory(organisation=vaggeryd, status="unknown")
    with transaction.atomic(), pytest.raises(IntegrityError):
        GoodExampleLinkFactory(
            example=GoodExampleFactory(organisation=vaggeryd), url="javascript:x"
        )
