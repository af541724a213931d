"""Follow-up: the landing page's years, the office's completeness overview and reminders."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.models import IndicatorValue
from indicators.selectors import reported_indicators
from tests.conversations.factories import QuestionFactory
from tests.indicators.factories import IndicatorValueFactory
from tests.indicators.reporting_support import YEAR, indicator
from tests.members.factories import (
    ContactPersonFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OWN = ["GN.2a", "GN.2b", "GN.7", "GN.8a", "GN.9a", "GN.9b"]  # Reported by the members.
PRELIMINARY = IndicatorValue.Status.PRELIMINARY


def fill(organisation, codes, *, year=YEAR, status=IndicatorValue.Status.FINAL):
    for code in codes:
        IndicatorValueFactory(
            organisation=organisation,
            indicator=indicator(code),
            year=year,
            value=Decimal("1"),
            status=status,
        )


@pytest.fixture
def members():
    """Three active members: one complete, one with preliminary values, one half empty."""
    vaggeryd = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    jonkoping = MembershipFactory(organisation=MunicipalityFactory(code="0680")).organisation
    umea = MembershipFactory(organisation=MunicipalityFactory(code="2480")).organisation
    fill(vaggeryd, OWN)
    fill(jonkoping, OWN[:4])
    fill(jonkoping, OWN[4:], status=PRELIMINARY)
    fill(umea, ["GN.7", "GN.8a"])
    fill(umea, ["GN.2a"], status=PRELIMINARY)
    # Neither national figures, other years nor non-members count.
    fill(umea, ["GN.6a", "GN.1a"])
    fill(umea, OWN, year=YEAR - 1)
    fill(MunicipalityFactory(code="0686"), OWN)
    return vaggeryd, jonkoping, umea


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True))
    return client


def test_the_catalogue_has_six_figures_members_report_themselves():
    assert [i.code for i in reported_indicators()] == OWN


def test_the_overview_counts_per_member_and_per_indicator(staff_client, members):
    response = staff_client.get(reverse("reporting_overview", args=[YEAR]))
    assert response.status_code == 200
    overview = response.context["overview"]
    by_member = {
        m["code"]: (m["final"], m["preliminary"], m["missing"], m["state"])
        for m in overview["members"]
    }
    assert by_member == {
        "0665": (6, 0, 0, "complete"),
        "0680": (4, 2, 0, "preliminary"),
        "2480": (2, 1, 3, "incomplete"),
    }
    by_indicator = {
        i["code"]: (i["final"], i["preliminary"], i["missing"]) for i in overview["indicators"]
    }
    assert by_indicator == {
        "GN.2a": (2, 1, 0),
        "GN.2b": (2, 0, 1),
        "GN.7": (3, 0, 0),
        "GN.8a": (3, 0, 0),
        "GN.9a": (1, 1, 1),
        "GN.9b": (1, 1, 1),
    }
    assert overview["totals"] == {"final": 12, "preliminary": 3, "missing": 3}
    umea = next(m for m in overview["members"] if m["code"] == "2480")
    assert umea["cells"] == ["preliminary", "missing", "final", "final", "missing", "missing"]
    # Listed by county, never ranked by how much they have reported.
    assert [m["code"] for m in overview["members"]] == ["0680", "0665", "2480"]
    assert "Ladda ner som CSV" in response.content.decode()


def test_the_overview_runs_a_fixed_number_of_queries(
    staff_client, members, django_assert_max_num_queries
):
    url = reverse("reporting_overview", args=[YEAR])
    with django_assert_max_num_queries(6):
        assert staff_client.get(url).status_code == 200
    for code in ["0114", "0115", "0117", "0120", "0123"]:
        fill(MembershipFactory(organisation=MunicipalityFactory(code=code)).organisation, OWN[:3])
    with django_assert_max_num_queries(6):
        response = staff_client.get(url)
    assert response.status_code == 200
    assert len(response.context["overview"]["members"]) == 8


def test_the_overview_exports_as_csv(staff_client, members):
    response = staff_client.get(reverse("reporting_overview_csv", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="rapportering-2024.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["kod", "medlem", "län", *OWN, "slutliga", "preliminära", "saknas"]
    assert rows[3] == [
        "2480", "Umeå", "Västerbottens län",
        "preliminärt", "saknas", "slutligt", "slutligt", "saknas", "saknas",
        "2", "1", "3",
    ]  # fmt: skip
    assert rows[4][:9] == ["", "Antal slutligt", "", "2", "2", "3", "3", "1", "1"]
    assert rows[6][:9] == ["", "Antal saknas", "", "0", "1", "0", "0", "1", "1"]


def test_the_landing_page_shows_which_years_are_complete_preliminary_or_missing(client):
    vaggeryd = MunicipalityFactory(code="0665")
    reporter = OrganisationAccessFactory(organisation=vaggeryd).user
    fill(vaggeryd, OWN, year=2022)
    fill(vaggeryd, OWN[:5], year=2023)
    fill(vaggeryd, OWN[5:], year=2023, status=PRELIMINARY)
    fill(vaggeryd, OWN[:2], year=2024)
    fill(vaggeryd, OWN, year=2008)
    client.force_login(reporter)
    response = client.get(reverse("reporting_landing"))
    assert response.status_code == 200
    (organisation,) = response.context["organisations"]
    states = {row["year"]: (row["state"], row["missing"]) for row in organisation["years"]}
    this_year = datetime.date.today().year
    # From the first reported year to this year, so older gaps show too.
    assert sorted(states) == list(range(2008, this_year + 1))
    assert states[2022] == ("complete", 0)
    assert states[2023] == ("preliminary", 0)
    assert states[2024] == ("incomplete", 4)
    assert states[2015] == ("empty", 6)
    html = response.content.decode()
    assert 'href="/rapportera/2024/?org=0665"' in html
    assert "Klart" in html and "Preliminära värden" in html and "Delvis ifyllt" in html


def test_the_landing_page_opens_any_year_from_1990(client):
    reporter = OrganisationAccessFactory(organisation=MunicipalityFactory(code="0665")).user
    client.force_login(reporter)
    response = client.get(reverse("reporting_landing"), {"org": "0665", "year": "1995"})
    assert response["Location"] == "/rapportera/1995/?org=0665"
    response = client.get(
        reverse("reporting_landing"), {"org": "0665", "year": "1989"}, follow=True
    )
    assert "Välj ett år mellan 1990 och" in response.content.decode()


def test_a_user_without_an_organisation_is_told_to_ask_the_office(client):
    client.force_login(UserFactory())
    html = client.get(reverse("reporting_landing")).content.decode()
    assert "inte kopplat till någon kommun eller region" in html


def test_remind_reporters_lists_and_sends(members, django_capture_on_commit_callbacks):
    vaggeryd, jonkoping, umea = members
    OrganisationAccessFactory(organisation=umea, user__email="strateg@umea.se")
    OrganisationAccessFactory(organisation=umea, user__email="kollega@umea.se")
    OrganisationAccessFactory(organisation=vaggeryd, user__email="klar@vaggeryd.se")
    ContactPersonFactory(
        membership=jonkoping.memberships.get(), name="Eva Holm", email="eva@jonkoping.se"
    )
    # Jönköping has only preliminary values, so nothing to remind about; make one missing.
    IndicatorValue.objects.filter(organisation=jonkoping, indicator=indicator("GN.9b")).delete()

    out = io.StringIO()
    call_command("remind_reporters", year=YEAR, stdout=out)
    text = out.getvalue()
    assert "2480 Umeå: saknar GN.2b, GN.9a, GN.9b" in text
    assert "strateg@umea.se" in text and "kollega@umea.se" in text
    assert "0680 Jönköping: saknar GN.9b" in text
    assert "Eva Holm <eva@jonkoping.se> (kontaktperson)" in text
    assert "Vaggeryd" not in text
    assert "Lägg till --send" in text
    assert mail.outbox == []

    # The reminders are queued once their record commits (common.tasks.send_email).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_reporters", year=YEAR, send=True, stdout=io.StringIO())
    assert len(mail.outbox) == 2
    to_umea = next(m for m in mail.outbox if "Umeå" in m.subject)
    assert to_umea.subject == "Gröna nyckeltal 2024: 3 värden saknas för Umeå"
    assert sorted(to_umea.to) == ["kollega@umea.se", "strateg@umea.se"]
    assert "- GN.9a Energi för tjänsteresor" in to_umea.body
    assert "http://127.0.0.1:8000/rapportera/2024/?org=2480" in to_umea.body


def test_remind_reporters_refuses_a_future_year():
    with pytest.raises(CommandError, match="har inte börjat"):
        call_command("remind_reporters", year=datetime.date.today().year + 1)


def test_staff_choose_any_organisation_on_the_landing_page(staff_client, members):
    response = staff_client.get(reverse("reporting_landing"))
    html = response.content.decode()
    assert response.context["organisations"] == []
    assert '<option value="0665">Vaggeryd</option>' in html
    assert f'href="/rapportera/oversikt/{datetime.date.today().year - 1}/"' in html
    response = staff_client.get(reverse("reporting_landing"), {"org": "2480"})
    (umea,) = response.context["organisations"]
    assert umea["code"] == "2480" and umea["can_write"]
    assert next(y for y in umea["years"] if y["year"] == YEAR)["missing"] == 3


def test_the_landing_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    vaggeryd = MunicipalityFactory(code="0665")
    reporter = OrganisationAccessFactory(organisation=vaggeryd).user
    OrganisationAccessFactory(user=reporter, organisation=MunicipalityFactory(code="0680"))
    for year in range(2000, 2024):
        fill(vaggeryd, OWN[:3], year=year)
    client.force_login(reporter)
    # 8, and 3 for the questions between members of every organisation shown (sent, received,
    # pauses: conversations.selectors.questions_of), however many organisations and questions.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("reporting_landing"))
    assert response.status_code == 200
    assert len(response.context["organisations"]) == 2
    third = MembershipFactory(organisation=MunicipalityFactory(code="0617")).organisation
    OrganisationAccessFactory(user=reporter, organisation=third)
    for asking, receiver in [(vaggeryd, third), (third, vaggeryd)] * 25:
        QuestionFactory(asking_organisation=asking, receiver=receiver)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("reporting_landing"))
    assert len(response.context["organisations"]) == 3
    assert response.content.decode().count('class="question-text"') == 2 * 20 + 2 * 20
