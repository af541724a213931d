"""The start page's member search: typing never navigates, a chosen suggestion or Enter does."""

from playwright.sync_api import expect

from tests.members.factories import MembershipFactory, MunicipalityFactory


def test_typing_a_name_that_starts_with_another_members_name_does_not_navigate(
    page, live_server, reference_data
):
    for code in ("1463", "0767", "0665"):  # Mark, Markaryd, Vaggeryd
        MembershipFactory(organisation=MunicipalityFactory(code=code))
    page.goto("/")
    search = page.get_by_label("Sök medlem")
    search.press_sequentially("Mark", delay=30)
    page.wait_for_timeout(500)
    assert page.url == f"{live_server.url}/"  # "Mark" is a member, but the user is typing
    search.press_sequentially("aryd", delay=30)
    page.wait_for_timeout(500)
    assert page.url == f"{live_server.url}/"
    expect(search).to_have_value("Markaryd")
    page.screenshot(path="test-results/search-typed.png")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Markaryd")

    # A suggestion chosen from the list (the browser's datalist sends a plain "input" event).
    page.goto("/")
    page.get_by_label("Sök medlem").fill("Mark")
    page.wait_for_timeout(300)
    assert page.url == f"{live_server.url}/"
    page.evaluate(
        """() => {
        const input = document.getElementById("member-search");
        input.value = "Vaggeryd";
        input.dispatchEvent(new Event("input", {bubbles: true}));
    }"""
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Vaggeryd")

    # By kommunkod, with Enter.
    page.goto("/")
    page.get_by_label("Sök medlem").fill("0665")
    page.get_by_label("Sök medlem").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vaggeryd")
    assert page.console_errors == []
