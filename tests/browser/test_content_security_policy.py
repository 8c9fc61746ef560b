"""The Content-Security-Policy in a real browser: Headway's own scripts run (they carry the nonce), nothing is
refused on the main pages, and a script injected into the page is refused."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page, expect

from headway.accounts.models import User

PASSWORD = "correct-horse-battery"


def test_pages_work_under_the_policy_and_injected_scripts_are_refused(page: Page, la_admin: User) -> None:
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", on_console)
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username", exact=True).fill(la_admin.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    for url in ("/schools/", "/schools/115850/", "/accounts/sign-in/"):
        page.goto(url)
        page.wait_for_load_state("load")
        # base.html's inline scripts ran: the body's js-enabled class, and GOV.UK Frontend's initAll().
        assert page.evaluate("document.body.classList.contains('js-enabled')"), url
        assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), url
        expect(page.locator(".govuk-skip-link")).to_have_attribute("data-govuk-skip-link-init", "")
    assert not refused, refused

    page.goto("/schools/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = true';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected === undefined")
    assert any("script-src" in message for message in refused), refused
