"""From a strong figure to a conversation: a reporter at Vaggeryd finds Kalix strong on household
waste, reads Kalix's good example, asks Kalix a question, and Kalix's official sees it on
Kalix's reporting page (and got it by e-mail, with Reply-To the asker)."""

from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from members.models import ContactPerson, OrganisationAccess
from tests.examples.factories import GoodExampleFactory
from tests.indicators.factories import IndicatorValueFactory
from tests.members.factories import (
    ContactPersonFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationAccessFactory,
    UserFactory,
)

PASSWORD = "hemligt-lösenord-1"
RESULTS = Path("test-results")
QUESTION = "Hej! Hur fick ni ner hushållsavfallet så mycket? Vi vill gärna höra mer."
# Household waste 2024, kg per inhabitant (lower is better): Kalix is the strongest.
WASTE = {"2514": 280, "0665": 540, "0680": 470, "0617": 510, "0685": 455, "0760": 600,
         "1060": 495, "2480": 430}  # fmt: skip


def log_in(page, email):
    page.goto("/konto/login/?next=/rapportera/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera gröna nyckeltal")


def test_a_reporter_finds_a_strong_member_reads_its_example_asks_and_is_seen(
    page, live_server, reference_data
):
    from indicators.models import Indicator

    RESULTS.mkdir(exist_ok=True)
    waste = Indicator.objects.get(revision__is_current=True, code="GN.6a")
    members = {}
    for code, value in WASTE.items():
        membership = MembershipFactory(organisation=MunicipalityFactory(code=code))
        members[code] = membership
        IndicatorValueFactory(organisation=membership.organisation, indicator=waste, year=2024,
                              value=value)  # fmt: skip
    kalix = members["2514"].organisation
    official = UserFactory(username="olle", email="olle.holm@kalix.example.se")
    ContactPersonFactory(membership=members["2514"], role=ContactPerson.Role.OFFICIAL,
                         name="Olle Holm", email=official.email, user=official)  # fmt: skip
    OrganisationAccessFactory(user=official, organisation=kalix)
    GoodExampleFactory(organisation=kalix, indicator=waste, year_from=2019,
                       title="Fyrfackskärl till alla villor")  # fmt: skip
    reporter = UserFactory(username="anna", email="anna@vaggeryd.example.se",
                           first_name="Anna", last_name="Strand")  # fmt: skip
    OrganisationAccessFactory(user=reporter, organisation=members["0665"].organisation,
                              level=OrganisationAccess.Level.REPORTER)  # fmt: skip

    # The reporter at Vaggeryd looks at household waste and finds Kalix among the strong.
    log_in(page, reporter.email)
    page.goto("/nyckeltal/GN.6a/")
    strong = page.locator("section", has=page.get_by_role("heading", name="Starka senaste värden"))
    expect(strong.get_by_role("link", name="Kalix", exact=True)).to_be_visible()

    # Kalix's good example, and from it the question.
    page.get_by_role("link", name="Fyrfackskärl till alla villor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fyrfackskärl till alla villor")
    page.get_by_role("link", name="Fråga Kalix om GN.6a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fråga Kalix om GN.6a")
    expect(page.locator("dl.facts")).to_contain_text("280")
    expect(page.locator("dl.facts")).to_contain_text("540")
    page.get_by_label("Din fråga").fill(QUESTION)
    page.screenshot(path=str(RESULTS / "ask-a-member.png"), full_page=True)
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.locator(".messages")).to_contain_text("Frågan är skickad till Kalix")
    sent = page.locator('[data-questions="sent"]')
    expect(sent).to_contain_text(QUESTION)

    (to_kalix, copy) = mail.outbox
    assert to_kalix.to == ["olle.holm@kalix.example.se"]
    assert to_kalix.reply_to == ["anna@vaggeryd.example.se"]
    assert copy.to == ["anna@vaggeryd.example.se"]

    # Kalix's official logs in and sees the question on Kalix's reporting page.
    page.get_by_role("button", name="Logga ut").click()
    log_in(page, official.email)
    received = page.locator('[data-questions="received"]')
    expect(received).to_contain_text(QUESTION)
    expect(received).to_contain_text("Anna Strand, Vaggeryd")
    expect(received.get_by_role("link", name="anna@vaggeryd.example.se")).to_be_visible()
    page.screenshot(path=str(RESULTS / "question-received.png"), full_page=True)
    assert page.console_errors == []
