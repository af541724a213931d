"""The accessibility statement (tillgänglighetsredogörelse) in DIGG's structure, in Swedish and
English, linked with the office's contact details from the footer of every page."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

DIGG_FORM = "https://www.digg.se/tdosanmalan"


def test_the_statement_follows_diggs_structure(client):
    response = client.get(reverse("accessibility_statement"))
    assert response.status_code == 200
    html = response.content.decode()
    headings = [
        "Tillgänglighet för Gröna nyckeltal",  # who and which service
        "Hur tillgänglig är webbplatsen?",
        "Vad kan du göra om du inte kan använda delar av webbplatsen?",
        "Rapportera brister i webbplatsens tillgänglighet",  # feedback
        "Tillsyn",
        "Teknisk information om webbplatsens tillgänglighet",  # compliance level
        "Innehåll som inte är tillgängligt",  # known gaps
        "Hur vi testat webbplatsen",
    ]
    positions = [html.index(f">{heading}</h") for heading in headings]
    assert positions == sorted(positions)
    assert "Sveriges Ekokommuner står bakom den här webbplatsen" in html
    assert "delvis förenlig med lagen om tillgänglighet till digital offentlig service" in html
    assert "WCAG 2.1" in html and "EN 301 549" in html
    assert f'<a href="{DIGG_FORM}">' in html
    assert 'href="mailto:kansliet@sekom.se"' in html
    assert "Senaste bedömningen gjordes den 1 december 2026." in html


@override_settings(OFFICE_EMAIL="info@ekokommuner.example", OFFICE_PHONE="08-123 45 67")
def test_the_office_contact_details_come_from_the_settings(client):
    html = client.get(reverse("accessibility_statement")).content.decode()
    assert 'href="mailto:info@ekokommuner.example"' in html
    assert 'href="tel:08-1234567">08-123 45 67</a>' in html


def test_the_statement_is_in_english_on_english_pages(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("accessibility_statement")).content.decode()
    assert '<html lang="en">' in html
    assert "Accessibility of Green key figures" in html
    assert "partially compliant" in html
    assert f'<a href="{DIGG_FORM}">' in html
    assert "Tillsyn" not in html


@pytest.mark.parametrize("path", ["/", "/medlemmar/", "/ansok/", "/konto/login/", "/sok/?q=zz"])
def test_every_page_links_the_statement_and_the_office_from_its_footer(client, path):
    html = client.get(path).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    link = reverse("accessibility_statement")
    assert f'<a href="{link}">Tillgänglighetsredogörelse</a>' in footer
    assert 'href="mailto:kansliet@sekom.se"' in footer
