"""Every page type, as a phone and a desktop see it, in Swedish and English: no sideways page
scrolling at 375 px and 1366 px, and 0 axe-core violations at WCAG 2.1 A/AA.

One seeded site (seed_demo) serves every page; the reporter and the office's staff log in once.
Each test prints what it swept (pages per width, violations per page) for the closing note.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from conversations.summaries import unsubscribe_token
from tests.browser.drawing import draw_every_chart
from tests.examples.factories import GoodExampleFactory
from tests.members.factories import OrganisationAccessFactory, UserFactory

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"phone": (375, 800), "desktop": (1366, 900)}
YEAR = 2024
RESULTS = Path("test-results")

# (name, URL, who is logged in): every page type of the site.
PAGES = [
    ("start", "/", None),
    ("search", "/sok/?q=a", None),
    ("member", "/kommun/0665/", None),
    ("region member", "/kommun/{region}/", None),
    ("former member", "/kommun/{former}/", None),
    ("indicator", "/nyckeltal/GN.6a/", None),
    ("compare", "/jamfor/?nyckeltal=GN.6a&medlem=0665&medlem=0680&medlem=0617", None),
    ("member list", "/medlemmar/", None),
    ("application", "/ansok/", None),
    ("login", "/konto/login/", None),
    ("accessibility statement", "/tillganglighet/", None),
    ("reporting landing", "/rapportera/", "reporter"),
    ("year form", f"/rapportera/{YEAR}/?org=0665", "reporter"),
    ("own figures", "/egna-nyckeltal/", "reporter"),
    ("own figure", "/egna-nyckeltal/{own}/", "reporter"),
    ("new own figure", "/egna-nyckeltal/nytt/?org=0665", "reporter"),
    ("value history", f"/rapportera/{YEAR}/historik/{{waste}}/?org=0665", "reporter"),
    ("council report", f"/kommun/0665/rapport/{YEAR}/", None),
    ("reporting overview", f"/rapportera/oversikt/{YEAR}/", "staff"),
    ("admin index", "/admin/", "staff"),
    ("admin change list", "/admin/members/municipality/", "staff"),
    ("ask a member", "/fraga/0680/GN.6a/", "reporter"),
    ("yearly digest", "/konto/sammanfattning/", "reporter"),
    ("unsubscribe", "/avregistrera/{token}/", None),
    ("good examples", "/goda-exempel/", None),
    ("good example", "/goda-exempel/{example}/", None),
    ("new good example", "/goda-exempel/nytt/?org=0665", "reporter"),
    ("own good examples", "/goda-exempel/mina/?org=0665", "reporter"),
]


@pytest.fixture
def site(live_server, reference_data):
    """A seeded site with a reporter for Vaggeryd and a member of the office's staff."""
    from indicators.models import Indicator
    from members.models import Membership, Municipality

    call_command("seed_demo", members=12, years=(2016, YEAR), verbosity=0)
    reporter = UserFactory(username="strateg", email="strateg@vaggeryd.se")
    OrganisationAccessFactory(user=reporter, organisation__code="0665")
    staff = UserFactory(username="kansliet", email="kansliet@ekokommun.se", is_staff=True)
    staff.is_superuser = True
    staff.save()
    cookies = {}
    for who, user in (("reporter", reporter), ("staff", staff)):
        client = Client()
        client.force_login(user)
        cookies[who] = client.cookies[settings.SESSION_COOKIE_NAME].value
    example = GoodExampleFactory(organisation=Municipality.objects.get(code="0665"), year_from=2018)
    cookies["ids"] = {
        "example": example.pk,
        "own": Indicator.objects.filter(owner__code="0665").order_by("pk").first().pk,
        "waste": Indicator.objects.get(revision__is_current=True, code="GN.6a").pk,
        # The member page as a region and as a former member sees it (other figures, texts).
        "region": Municipality.objects.active_members().regions().first().code,
        "former": Membership.objects.filter(status=Membership.Status.RESIGNED)
        .first()
        .organisation.code,
        "token": unsubscribe_token(email="eva.ek@vaggeryd.se", kind="year_summary"),
    }
    return cookies


def _context(browser, live_server, *, width, height, language, session=None, javascript=True):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        locale="sv-SE" if language == "sv" else "en-GB",
        viewport={"width": width, "height": height},
    )
    host = live_server.url.split("//", 1)[1].split(":")[0]
    cookies = [
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}
    ]
    if session:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}
        )
    context.add_cookies(cookies)
    return context


def _settle(page):
    """Wait until the page's charts are drawn, so that what is measured is what users see."""
    page.wait_for_load_state("load")
    if page.locator("[data-chart-lazy]").count():
        # Charts drawn when they come into view: scroll each into view, as a reader would,
        # so the sweep measures and checks every drawn chart (a region's first chart may lie
        # below the fold at load).
        draw_every_chart(page)
        page.wait_for_timeout(300)
    elif page.locator(".chart, .report-chart").count():
        page.locator("svg.main-svg").first.wait_for(state="attached", timeout=10_000)
        page.wait_for_timeout(300)


def _sweep(browser, live_server, cookies, *, language, check):
    results = {}
    for who in (None, "reporter", "staff"):
        wanted = [(name, url) for name, url, login in PAGES if login == who]
        for width_name, (width, height) in WIDTHS.items():
            context = _context(
                browser,
                live_server,
                width=width,
                height=height,
                language=language,
                session=cookies.get(who),
            )
            page = context.new_page()
            for name, url in wanted:
                response = page.goto(url.format(**cookies["ids"]))
                assert response.status == 200, (url, response.status)
                _settle(page)
                results[(name, width_name)] = check(page, name=name, width_name=width_name)
            context.close()
    return results


# Buttons, form fields, the menu's button and links, and the language link: at least 44 px high
# (checkboxes and radio buttons are tapped through their labels).
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'button, summary, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
    + ' .site-header a, a.button'))
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .filter(el => el.getBoundingClientRect().height < 44)
  .map(el => el.tagName + ' ' + (el.textContent.trim() || el.name || el.id).slice(0, 40)
       + ' ' + Math.round(el.getBoundingClientRect().height))"""


def _overflow(page, *, name, width_name):
    measured = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    shots = RESULTS / "every-page"
    shots.mkdir(parents=True, exist_ok=True)
    language = page.evaluate("() => document.documentElement.lang")
    page.screenshot(path=str(shots / f"{language}-{width_name}-{name.replace(' ', '-')}.png"))
    if width_name == "phone" and not name.startswith("admin"):
        page.evaluate("() => { document.querySelector('.menu').open = true; }")
        measured["small targets"] = page.evaluate(SMALL_TARGETS)
        measured["scroll open"] = page.evaluate("() => document.documentElement.scrollWidth")
    return measured


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_fits_a_phone_and_a_desktop_without_sideways_scrolling(
    browser, live_server, site, language
):
    results = _sweep(browser, live_server, site, language=language, check=_overflow)
    for width_name in WIDTHS:
        swept = [name for (name, w) in results if w == width_name]
        print(f"{language} {width_name} {WIDTHS[width_name][0]} px: {len(swept)} pages swept")
    too_wide = {
        key: value
        for key, value in results.items()
        if max(value["scroll"], value.get("scroll open", 0)) > value["inner"]
    }
    small = {
        key: value["small targets"] for key, value in results.items() if value.get("small targets")
    }
    assert len(results) == len(PAGES) * len(WIDTHS)
    assert too_wide == {}
    assert small == {}


AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return result.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map(node => ({
            target: node.target.join(" "),
        })),
    }));
}"""


def _axe(page, *, name, width_name):
    # Everything folded is opened first (the menu, each chart's table), so that it is checked.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    # From the site's own static files: the page's Content-Security-Policy stays as it is.
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    return {
        "violations": [
            {"id": violation["id"], "impact": violation["impact"], "target": node["target"]}
            for violation in page.evaluate(AXE_RUN, WCAG_TAGS)
            for node in violation["nodes"]
        ]
    }


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_has_no_wcag_21_aa_violations(browser, live_server, site, language):
    results = _sweep(browser, live_server, site, language=language, check=_axe)
    for (name, width_name), found in results.items():
        print(f"axe {language} {width_name} {name}: {len(found['violations'])} violations")
        for violation in found["violations"]:
            print("   ", json.dumps(violation, ensure_ascii=False))
    assert len(results) == len(PAGES) * len(WIDTHS)
    assert {key: found["violations"] for key, found in results.items() if found["violations"]} == {}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_phone_menu_is_a_button_that_works_by_keyboard_without_javascript(
    browser, live_server, reference_data, language
):
    labels = {
        "sv": ("Meny", "Rapportera", "Logga in"),
        "en": ("Menu", "Report", "Log in"),
    }[language]
    menu, report, login = labels
    context = _context(
        browser, live_server, width=375, height=800, language=language, javascript=False
    )
    page = context.new_page()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Huvudmeny" if language == "sv" else "Main menu")
    expect(nav.get_by_role("link", name=report)).to_be_hidden()
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # the language link
    page.keyboard.press("Tab")
    expect(page.locator(".menu summary")).to_be_focused()
    expect(page.locator(".menu summary")).to_have_text(menu)
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name=report)).to_be_visible()
    expect(nav.get_by_role("link", name=login)).to_be_visible()
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"menu-open-{language}-375.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    context.close()

    # Without JavaScript the same; on a wide screen the menu is simply there.
    context = _context(browser, live_server, width=1366, height=900, language=language)
    page = context.new_page()
    page.goto("/")
    expect(page.locator(".menu summary")).to_be_hidden()
    expect(page.get_by_role("link", name=report)).to_be_visible()
    page.get_by_role("link", name=login).focus()
    page.screenshot(path=str(RESULTS / f"menu-wide-{language}-1366.png"))
    context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_wide_table_scrolls_in_its_own_labelled_box_reached_by_keyboard(
    browser, live_server, site, language
):
    heading = {
        "sv": "Alla medlemmars senaste värden I bokstavsordning",
        "en": "All members' latest values In alphabetical order",
    }
    context = _context(browser, live_server, width=375, height=800, language=language)
    page = context.new_page()
    page.goto("/nyckeltal/GN.6a/")
    box = page.get_by_role("region", name=heading[language], exact=True)
    expect(box).to_have_attribute("tabindex", "0")
    table_width, box_width = box.evaluate(
        "el => [el.querySelector('table').scrollWidth, el.clientWidth]"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    # Reached with Tab alone, and the focus is visible.
    for _ in range(80):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    expect(box).to_be_focused()
    assert box.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    box.evaluate("el => el.scrollIntoView({block: 'start'})")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"table-scroll-focus-{language}-375.png"))
    page.keyboard.press("ArrowRight")  # the arrow keys scroll the focused box
    if table_width > box_width:  # a table wider than the phone scrolls inside the box
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    context.close()

    # At 1366 px the statement's footer link is reached by keyboard, focus visible.
    context = _context(browser, live_server, width=1366, height=900, language=language)
    page = context.new_page()
    page.goto("/tillganglighet/")
    link = page.locator(".site-footer a").first
    link.focus()
    assert link.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.screenshot(path=str(RESULTS / f"statement-{language}-1366.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_pages_showing_errors_have_no_wcag_21_aa_violations(browser, live_server, site, language):
    """The states a visitor meets after a mistake: failed login, an empty application, a year
    form that was not saved (focus on its summary), a search for a non-member."""
    results = {}
    for who, steps in (
        (None, ["login", "application", "search"]),
        ("reporter", ["year form"]),
    ):
        context = _context(
            browser,
            live_server,
            width=1366,
            height=900,
            language=language,
            session=site.get(who),
        )
        page = context.new_page()
        for step in steps:
            if step == "login":
                page.goto("/konto/login/")
                page.locator("#id_username").fill("ingen@example.se")
                page.locator("#id_password").fill("fel-lösenord")
                page.locator("form.stacked button[type=submit]").click()
                expect(page.locator(".errorlist")).to_be_visible()
            elif step == "application":
                page.goto("/ansok/")
                # The server's messages, not the browser's own bubbles for required fields.
                page.locator("main form").evaluate("form => { form.noValidate = true; }")
                page.locator("main form button[type=submit]").click()
                expect(page.locator(".errorlist").first).to_be_visible()
            elif step == "search":
                page.goto("/sok/?q=Malmö")
                expect(page.locator(".message.warning")).to_contain_text("Malmö")
            elif step == "year form":
                page.goto(f"/rapportera/{YEAR}/?org=0665")
                page.locator("fieldset.report-row input[name$='-value']").first.fill("abc")
                page.locator("form[data-reporting] button[type=submit]").click()
                expect(page.locator("#error-summary")).to_be_focused()
            page.screenshot(path=str(RESULTS / f"errors-{language}-{step.replace(' ', '-')}.png"))
            results[step] = _axe(page, name=step, width_name="desktop")["violations"]
        context.close()
    for step, violations in results.items():
        print(f"axe {language} error state {step}: {len(violations)} violations")
        for violation in violations:
            print("   ", json.dumps(violation, ensure_ascii=False))
    assert len(results) == 4
    assert {step: found for step, found in results.items() if found} == {}
