"""The interface is Swedish by default, and the whole of it is available in English.

A visitor chooses English with the language link in the page header (a plain GET that sets the
django_language cookie); every page then speaks English, and the page cache keeps the two
languages apart.
"""

import html
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from indicators.models import Target
from tests.indicators.factories import IndicatorValueFactory, OwnIndicatorFactory
from tests.indicators.reporting_support import YEAR, field, indicator, page_post, year_url
from tests.members.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    PopulationFactory,
)

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaggeryd():
    organisation = MembershipFactory(organisation=MunicipalityFactory(code="0665")).organisation
    PopulationFactory(municipality=organisation, year=2023, inhabitants=14000)
    waste = indicator("GN.6a")
    IndicatorValueFactory(organisation=organisation, indicator=waste, year=2019, value="520")
    IndicatorValueFactory(organisation=organisation, indicator=waste, year=2023, value="491")
    return organisation


def text(response) -> str:
    """The page as a reader sees it: entities decoded, runs of white space as one space."""
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())


def choose_language(client, code: str, *, on: str = "/"):
    """Follow the language link that the page itself offers, as a visitor would."""
    page = text(client.get(on))
    link = re.search(rf'href="(/sprak/{code}/\?next=[^"]*)"', page)
    assert link, f"no link to {code} on {on}"
    response = client.get(link.group(1))
    assert response.status_code == 302
    assert response["Location"] == on
    assert response.cookies["django_language"].value == code
    return client.get(response["Location"])


def assert_english(page: str, *, present: list[str], absent: list[str]) -> None:
    assert '<html lang="en">' in page
    for phrase in present:
        assert phrase in page, phrase
    for phrase in absent:
        assert phrase not in page, phrase


# Swedish interface text that appears on every page (header, footer) and never in data.
FRAME_SV = ["Hoppa till innehållet", "Bli medlem", "Logga in", "en ideell förening"]
FRAME_EN = ["Skip to content", "Become a member", "Log in", "a non-profit association"]


def test_swedish_is_the_default(client, vaggeryd):
    page = text(client.get("/"))
    assert '<html lang="sv">' in page
    assert "Gröna nyckeltal" in page
    assert "SEKOM-medel i de gröna nyckeltalen" in page
    for phrase in FRAME_SV:
        assert phrase in page
    # The way back to English is offered, in English.
    assert 'href="/sprak/en/?next=/"' in page
    assert ">English</a>" in page


def test_a_browser_that_prefers_swedish_gets_swedish(client):
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9,en;q=0.8"))
    assert '<html lang="sv">' in page


def test_the_home_page_in_english(client, vaggeryd):
    page = text(choose_language(client, "en"))
    assert_english(
        page,
        present=[
            *FRAME_EN,
            "Green key figures",
            "Search for a member",
            "SEKOM average in the green key figures",
            "1 member by county",
            'href="/sprak/sv/?next=/"',
            ">Svenska</a>",
        ],
        absent=[*FRAME_SV, "Gröna nyckeltal", "Sök medlem", "medlem per län", "SEKOM-medel"],
    )


def test_a_member_page_in_english(client, vaggeryd):
    page = text(choose_language(client, "en", on="/kommun/0665/"))
    assert_english(
        page,
        present=[
            *FRAME_EN,
            "Vaggeryd",
            "14,000 inhabitants",
            "Print as a report",
            "Download all the member's values:",
            "Latest value",
            "Baseline",
            "The trend is going in the right direction since 2019",
            # The chart's legend comes from Python, inside the json_script data.
            "SEKOM average (members that reported that year)",
        ],
        absent=[
            *FRAME_SV,
            "invånare",
            "Skriv ut som rapport",
            "Senaste värde",
            "Utgångsvärde",
            "Utvecklingen går",
            "SEKOM-medel",
        ],
    )


def test_an_indicator_page_in_english(client, vaggeryd):
    page = text(choose_language(client, "en", on="/nyckeltal/GN.6a/"))
    assert_english(
        page,
        present=[
            *FRAME_EN,
            "Unit",
            "Desired direction",
            "Lower is better",
            "Reported by",
            "National database",
            "SEKOM average over time",
            "Strong examples",
            "All members' latest values",
            "All counties",
        ],
        absent=[
            *FRAME_SV,
            "Enhet",
            "Önskad riktning",
            "Lägre är bättre",
            "Nationell databas",
            "Starka exempel",
            "Alla län",
            "SEKOM-medel",
        ],
    )


def test_the_member_list_in_english(client, vaggeryd):
    page = text(choose_language(client, "en", on="/medlemmar/"))
    assert_english(
        page,
        present=[
            *FRAME_EN,
            "Sveriges Ekokommuner has 1 member: 1 municipality and 0 regions.",
            "The list is ordered by county and name; it is not a ranking.",
            "Member since",
            "1 member in Jönköpings län",
        ],
        absent=[*FRAME_SV, "Medlem sedan", "Listan är ordnad", "medlem i Jönköpings län"],
    )


def test_the_application_form_in_english(client):
    page = text(choose_language(client, "en", on="/ansok/"))
    assert_english(
        page,
        present=[
            *FRAME_EN,
            "Apply for membership",
            "Municipality or region",
            "Contact person: politician",
            "Contact person: official",
            "municipal council (regional council)",
            "Send application",
        ],
        absent=[
            *FRAME_SV,
            "Ansök om medlemskap",
            "Kommun eller region",
            "Kontaktperson",
            "kommunfullmäktige (regionfullmäktige)",
            "Skicka ansökan",
        ],
    )


def test_the_application_form_explains_mistakes_in_english(client):
    choose_language(client, "en", on="/ansok/")
    page = text(client.post(reverse("membership_application"), {}))
    assert_english(
        page,
        present=[
            "The application has not been sent",
            "Choose which municipality or region is applying.",
            "Attach the decision as a PDF.",
        ],
        absent=["Ansökan är inte skickad", "Välj vilken kommun", "Bifoga beslutet"],
    )


def test_the_login_page_in_english(client):
    page = text(choose_language(client, "en", on="/konto/login/"))
    assert_english(
        page,
        present=[*FRAME_EN, "Email address", "Password", "Forgotten your password?"],
        absent=[*FRAME_SV, "E-postadress", "Lösenord", "Glömt lösenordet?"],
    )


def test_a_reporting_page_in_english_for_a_logged_in_reporter(client, vaggeryd):
    reporter = OrganisationAccessFactory(user__username="vaggeryd", organisation=vaggeryd).user
    client.force_login(reporter)
    url = year_url(vaggeryd)
    page = text(choose_language(client, "en", on=url))
    assert_english(
        page,
        present=[
            "Log out",
            f"Vaggeryd: green key figures {YEAR}",
            "Key figures you report yourselves",
            "Key figures the office collects from national databases",
            "Calculate the value from two numbers",
            f"Save {YEAR}",
        ],
        absent=[
            "Logga ut",
            "gröna nyckeltal",
            "Nyckeltal som ni rapporterar själva",
            "Räkna fram värdet",
            f"Spara {YEAR}",
        ],
    )


def test_a_reporter_is_told_about_a_mistake_in_english(client, vaggeryd):
    reporter = OrganisationAccessFactory(user__username="vaggeryd", organisation=vaggeryd).user
    client.force_login(reporter)
    choose_language(client, "en", on=year_url(vaggeryd))
    response = client.post(year_url(vaggeryd), page_post({"GN.7": "mycket"}))
    page = text(response)
    assert_english(
        page,
        present=["Nothing was saved: one field needs correcting.", "“mycket” is not a number."],
        absent=["Inget sparades", "är inte ett tal"],
    )
    assert f'id="id_{field("GN.7", "value")}"' in page


def test_a_saved_report_is_confirmed_in_english(client, vaggeryd):
    reporter = OrganisationAccessFactory(user__username="vaggeryd", organisation=vaggeryd).user
    client.force_login(reporter)
    choose_language(client, "en", on=year_url(vaggeryd))
    response = client.post(year_url(vaggeryd), page_post({"GN.7": "87,5"}), follow=True)
    page = text(response)
    assert f"Vaggeryd {YEAR} is saved: 1 new and 0 changed values." in page
    assert "är sparat" not in page
    assert vaggeryd.values.get(indicator__code="GN.7").value == Decimal("87.5")


def test_english_and_swedish_pages_are_cached_apart(client, vaggeryd):
    """Swedish, then English, then Swedish again: each visitor gets their own language."""
    swedish = client.get("/kommun/0665/")
    assert swedish["X-Page-Cache"] == "miss"
    assert '<html lang="sv">' in text(swedish)

    english = choose_language(client, "en", on="/kommun/0665/")
    assert english["X-Page-Cache"] == "miss"  # not the Swedish copy
    assert '<html lang="en">' in text(english)
    assert "Latest value" in text(english)

    swedish_again = choose_language(client, "sv", on="/kommun/0665/")
    assert swedish_again["X-Page-Cache"] == "hit"
    assert '<html lang="sv">' in text(swedish_again)
    assert "Senaste värde" in text(swedish_again)
    assert "Latest value" not in text(swedish_again)

    english_again = choose_language(client, "en", on="/kommun/0665/")
    assert english_again["X-Page-Cache"] == "hit"
    assert "Latest value" in text(english_again)
    assert "Senaste värde" not in text(english_again)

    # A new visitor without the cookie still gets Swedish from the cache.
    client.cookies.clear()
    newcomer = client.get("/kommun/0665/")
    assert newcomer["X-Page-Cache"] == "hit"
    assert "Senaste värde" in text(newcomer)


def test_own_key_figures_and_the_yearly_report_in_english(client, vaggeryd):
    """The pages added with own key figures, target tracking and the yearly report."""
    cycling = OwnIndicatorFactory(owner=vaggeryd, name="Gång- och cykelvägar", code="E.1")
    for year, value in [(2021, "2.0"), (2022, "2.2"), (2023, "2.5")]:
        IndicatorValueFactory(organisation=vaggeryd, indicator=cycling, year=year, value=value)
    Target.objects.create(organisation=vaggeryd, indicator=cycling, year=2030, value=Decimal("3"))
    choose_language(client, "en")

    own = text(client.get("/egna-nyckeltal/"))
    assert_english(
        own,
        present=[
            *FRAME_EN,
            "<h1>Own key figures</h1>",
            "In addition to the common green key figures, each member can follow its own",
            "Own key figures are never included in the SEKOM average",
            "Also used by",
            "Gång- och cykelvägar",  # data stays as the member wrote it
        ],
        absent=[*FRAME_SV, "Egna nyckeltal", "Utöver de gemensamma", "Används också av"],
    )

    report = text(client.get(reverse("member_report", args=["0665", 2023])))
    assert_english(
        report,
        present=[
            "Vaggeryd: yearly report 2023",
            "Yearly report to the council · municipality in Jönköpings län",
            "Print or save as PDF",
            "Summary",
            "<strong>2 of 2</strong> key figures have moved in the right direction since "
            "their baselines.",
            "1 of 1 target is on track or reached.",
            "On track for the 2030 target",
            "own key figure",
        ],
        absent=[
            "årsrapport",
            "Årsrapport",
            "Skriv ut eller spara som PDF",
            "Sammanfattning",
            "gått åt rätt håll",
            "i takt",
            "I takt",
            "eget nyckeltal",
        ],
    )


def test_every_interface_string_has_an_english_translation():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(catalogue) > 600
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert catalogue.metadata["Language"] == "en"


def test_translations_keep_their_placeholders():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    wrong = []
    for entry in catalogue:
        if entry.msgid_plural:
            expected = sorted(PLACEHOLDER.findall(entry.msgid_plural))
            translated = entry.msgstr_plural[max(entry.msgstr_plural)]
        else:
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            translated = entry.msgstr
        if sorted(PLACEHOLDER.findall(translated)) != expected:
            wrong.append(entry.msgid)
    assert wrong == []


def test_the_compiled_catalogue_matches_the_translations():
    """The site reads django.mo; it must be compiled from the current django.po."""

    def translations(entries) -> dict:
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr or dict(entry.msgstr_plural)
            for entry in entries
            if entry.msgid
        }

    source = translations(polib.pofile(str(CATALOGUE / "django.po")))
    compiled = translations(polib.mofile(str(CATALOGUE / "django.mo")))
    assert compiled == source


@pytest.mark.django_db
def test_an_english_browser_still_gets_swedish_until_english_is_chosen(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert 'lang="sv"' in html
    client.get("/sprak/en/", {"next": "/"})
    assert 'lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()


def test_indicator_names_come_from_the_catalogue_in_english(client):
    client.get("/sprak/en/", {"next": "/"})
    page = client.get(reverse("indicator_detail", args=["GN.6a"])).content.decode()
    assert "GN.6a Household waste" in page
    assert "Mängd hushållsavfall" not in page


def test_status_band_names_are_translated_in_english(client):
    client.get("/sprak/en/", {"next": "/"})
    page = client.get(reverse("indicator_detail", args=["GN.6a"])).content.decode()
    assert "Very good" in page and "Mycket bra" not in page
