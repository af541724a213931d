"""Names sort in Swedish order (a–z, then å, ä, ö) on PostgreSQL and on SQLite alike."""

import io

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from members.collation import sorted_swedish, swedish, swedish_key
from members.models import Membership, Municipality
from tests.members.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

# In Swedish order. Plain code-point order puts Å before Ä and Ö but also "Ängelholm" before
# "Åre"; case-blind English collation puts Å and Ä among the A:s and Ö among the O:s.
SWEDISH_ORDER = [
    "Ale",
    "Alingsås",
    "Eda",
    "Emmaboda",
    "Upplands Väsby",
    "Upplands-Bro",
    "Vaggeryd",
    "Zzz",
    "Åre",
    "Åtvidaberg",
    "Älmhult",
    "Älvdalen",
    "Ängelholm",
    "Örebro",
    "Örnsköldsvik",
    "Östersund",
]


def test_the_python_sort_key_puts_å_ä_ö_last_in_that_order():
    shuffled = sorted(SWEDISH_ORDER, key=lambda name: name[::-1])
    assert sorted(shuffled, key=swedish_key) == SWEDISH_ORDER
    assert sorted(["ö", "a", "ä", "å", "z", "Å", "e", "é"], key=swedish_key) == [
        "a",
        "e",
        "é",
        "z",
        "å",
        "Å",
        "ä",
        "ö",
    ]
    assert sorted_swedish([{"name": "Öland"}, {"name": "Åland"}, {"name": "Öckerö"}]) == [
        {"name": "Åland"},
        {"name": "Öckerö"},
        {"name": "Öland"},
    ]


def test_the_database_sorts_the_same_way_on_this_database(reference_data):
    """Runs on SQLite and on PostgreSQL (ICU collation from the migration)."""
    names = list(Municipality.objects.in_swedish_order().values_list("name", flat=True))
    assert names == sorted(names, key=swedish_key)
    assert names[-4:] == ["Östhammar", "Östra Göinge", "Överkalix", "Övertorneå"]
    assert names.index("Åre") < names.index("Älmhult") < names.index("Öckerö")
    assert names.index("Vaxholm") < names.index("Åre")
    # The model's default order and a related lookup use the same collation.
    assert list(Municipality.objects.values_list("name", flat=True)) == names
    for code in ("2321", "0765", "1880", "0665"):  # Åre, Älmhult, Örebro, Vaggeryd
        MembershipFactory(organisation=MunicipalityFactory(code=code))
    related = Membership.objects.order_by(swedish("organisation__name"))
    assert [m.organisation.name for m in related] == ["Vaggeryd", "Åre", "Älmhult", "Örebro"]
    assert [m.organisation.name for m in Membership.objects.all()] == [
        "Vaggeryd",
        "Åre",
        "Älmhult",
        "Örebro",
    ]
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.fixture
def members(reference_data):
    for code in ("2321", "0765", "1880", "1230", "0665", "1440", "0617"):
        # Åre, Älmhult, Örebro, Staffanstorp, Vaggeryd, Ale, Gnosjö
        MembershipFactory(organisation=MunicipalityFactory(code=code))


def test_pages_list_members_in_swedish_order(client, members):
    expected = ["Ale", "Gnosjö", "Staffanstorp", "Vaggeryd", "Åre", "Älmhult", "Örebro"]

    def order(html: str, pattern: str = ">{}<") -> list[str]:
        present = [name for name in expected if pattern.format(name) in html]
        return sorted(present, key=lambda name: html.index(pattern.format(name)))

    # Search results, the compare page's selection lists, the start page's suggestions.
    found = client.get(reverse("search"), {"q": "e"}).content.decode()
    assert order(found) == ["Ale", "Vaggeryd", "Åre", "Örebro"]
    compare = client.get(reverse("compare")).content.decode()
    assert order(compare[compare.index('id="compare-member-1"') :]) == expected
    home = client.get(reverse("home")).content.decode()
    datalist = home[home.index("<datalist") : home.index("</datalist>")]
    assert order(datalist, 'value="{}"') == expected
    # The application's list of every municipality.
    application = client.get(reverse("membership_application")).content.decode()
    assert application.index(">Vaxholm<") < application.index(">Åre<")
    assert application.index(">Åre<") < application.index(">Älmhult<")
    assert application.index(">Älmhult<") < application.index(">Örebro<")


def test_the_indicator_download_lists_members_in_swedish_order(client, members):
    from indicators.models import Indicator
    from members.models import Municipality
    from tests.indicators.factories import IndicatorValueFactory

    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    for organisation in Municipality.objects.filter(memberships__isnull=False):
        IndicatorValueFactory(organisation=organisation, indicator=waste, year=2023, value=400)
    csv_text = client.get("/nyckeltal/GN.6a/data.csv").content.decode("utf-8-sig")
    names = [line.split(";")[1] for line in csv_text.splitlines()[1:]]
    assert names == ["Ale", "Gnosjö", "Staffanstorp", "Vaggeryd", "Åre", "Älmhult", "Örebro"]


def test_the_member_list_and_the_indicator_table_are_in_swedish_order(client, members):
    from indicators.models import Indicator
    from members.models import Municipality
    from tests.indicators.factories import IndicatorValueFactory

    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    for organisation in Municipality.objects.filter(memberships__isnull=False):
        IndicatorValueFactory(organisation=organisation, indicator=waste, year=2023, value=400)
    html = client.get("/nyckeltal/GN.6a/").content.decode()
    table = html[html.index('class="latest-values"') :]
    positions = [table.index(f">{name}</a>") for name in ("Vaggeryd", "Åre", "Älmhult", "Örebro")]
    assert positions == sorted(positions)


SWEDISH_THREE = ["Åre", "Älmhult", "Örebro"]  # plain byte and English orders put Älmhult first


def _in_page_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: html.index(f">{name}<"))


def test_the_admin_sorts_organisations_in_swedish_order(admin_client, reference_data):
    from django.contrib import admin as admin_site
    from django.test import RequestFactory

    from indicators.admin import OrganisationFilter
    from indicators.models import Indicator, IndicatorValue
    from tests.indicators.factories import IndicatorValueFactory
    from tests.members.factories import ContactPersonFactory, MembershipApplicationFactory

    organisations = [Municipality.objects.get(name=name) for name in reversed(SWEDISH_THREE)]
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    for organisation in organisations:
        MembershipApplicationFactory(membership__organisation=organisation)
        ContactPersonFactory(membership=MembershipFactory(organisation=organisation))
        IndicatorValueFactory(organisation=organisation, indicator=waste, year=2023, value=400)

    # The change lists sorted by their organisation column (the first column for applications,
    # the third for contact persons).
    applications = reverse("admin:members_membershipapplication_changelist") + "?o=1"
    html = admin_client.get(applications).content.decode()
    assert _in_page_order(html, SWEDISH_THREE) == SWEDISH_THREE
    contacts = reverse("admin:members_contactperson_changelist") + "?o=3"
    html = admin_client.get(contacts).content.decode()
    assert _in_page_order(html, SWEDISH_THREE) == SWEDISH_THREE

    # The values' member filter and the organisation search (autocomplete) list names the
    # same way.
    request = RequestFactory().get("/")
    values_admin = admin_site.site._registry[IndicatorValue]
    lookups = OrganisationFilter(request, {}, IndicatorValue, values_admin).lookups(
        request, values_admin
    )
    assert [name for _pk, name in lookups] == SWEDISH_THREE
    municipality_admin = admin_site.site._registry[Municipality]
    among = Municipality.objects.filter(name__in=["Älvdalen", "Åtvidaberg", "Dals-Ed"])
    found, _duplicates = municipality_admin.get_search_results(request, among, "d")
    assert [o.name for o in found] == ["Dals-Ed", "Åtvidaberg", "Älvdalen"]


def test_the_compare_download_lists_members_in_swedish_order(client, members):
    from indicators.models import Indicator
    from members.models import Municipality
    from tests.indicators.factories import IndicatorValueFactory

    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    for organisation in Municipality.objects.filter(memberships__isnull=False):
        IndicatorValueFactory(organisation=organisation, indicator=waste, year=2023, value=400)
    # Örebro, Älmhult, Åre, Vaggeryd chosen in that order (and their codes in no useful order)
    query = "?nyckeltal=GN.6a&medlem=1880&medlem=0765&medlem=2321&medlem=0665"
    csv_text = client.get("/jamfor/data.csv" + query).content.decode("utf-8-sig")
    names = [line.split(";")[1] for line in csv_text.splitlines()[1:]]
    assert names == ["Vaggeryd", "Åre", "Älmhult", "Örebro"]
    book = openpyxl.load_workbook(io.BytesIO(client.get("/jamfor/data.xlsx" + query).content))
    title = book["Om filen"]["A1"].value
    assert title.endswith(": Vaggeryd, Åre, Älmhult, Örebro"), title
