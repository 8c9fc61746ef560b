"""Signing in with the organisation's account, in real Chromium, against a real OpenID Connect provider started
for the test run (django-oauth-toolkit in its own process, tests/oidc_provider): authorisation code with PKCE,
RS256-signed ID tokens checked against the provider's published keys, userinfo, discovery. Nothing is mocked.

Headway is configured as HEADWAY_OIDC_* would configure it (``settings.HEADWAY_SINGLE_SIGN_ON``), read when
someone signs in, so the live server (same process) follows the test's settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from headway.accounts import single_sign_on
from headway.accounts.models import AuditEvent, Role, User
from headway.schools.models import LocalAuthority
from tests.browser.test_pages import screenshot
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.oidc_provider.running import RunningProvider, running_provider

PROVIDER_PASSWORD = "provider-password-1"
CALLBACK = re.compile(r"/accounts/sign-in/organisation/callback/\?")
AUTHORIZE = re.compile(r"/o/authorize/")
PROVIDER_USERS = [
    # The provider gives the address in another case than Headway holds: matching ignores case.
    {"username": "jo", "email": "Jo.Bloggs@Hants.gov.uk", "first_name": "Jo", "last_name": "Bloggs"},
    {"username": "sam", "email": "sam.stranger@hants.gov.uk", "first_name": "Sam", "last_name": "Stranger"},
    {"username": "cal", "email": "cal.closed@hants.gov.uk", "first_name": "Cal", "last_name": "Closed"},
    {
        "username": "nia",
        "email": "nia.new@hants.gov.uk",
        "first_name": "Nia",
        "last_name": "New",
        "groups": ["Headway link advisers"],
    },
]


@pytest.fixture(scope="module")
def provider(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    users = [{**user, "password": PROVIDER_PASSWORD} for user in PROVIDER_USERS]
    redirect_uri = f"{live_server.url}/accounts/sign-in/organisation/callback/"
    with running_provider(tmp_path_factory.mktemp("oidc-provider"), redirect_uri, users) as running:
        yield running


@pytest.fixture
def sso(provider: RunningProvider, settings: Any) -> RunningProvider:
    settings.HEADWAY_SINGLE_SIGN_ON = provider.headway_settings()
    return provider


@pytest.fixture
def hampshire(transactional_db: None) -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="850", name="Hampshire")
    return authority


@pytest.fixture
def officer(hampshire: LocalAuthority) -> User:
    user: User = UserFactory(
        username="jbloggs",
        email="jo.bloggs@hants.gov.uk",
        first_name="Jo",
        last_name="Bloggs",
        role=Role.LA_OFFICER,
        local_authority=hampshire,
    )
    return user


def start_at_provider(page: Page, username: str, *, next_page: str = "") -> None:
    """From Headway's sign-in page to the provider: sign in there and agree to share the details."""
    page.goto("/accounts/sign-in/" + (f"?{urlencode({'next': next_page})}" if next_page else ""))
    page.get_by_role("button", name="Sign in with your organisation account").click()
    expect(page.get_by_role("heading", name="Sign in to your organisation")).to_be_visible()
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def consent(page: Page) -> None:
    page.get_by_role("button", name="Authorize").click()


def callback_url(page: Page, username: str | None) -> str:
    """Goes through the provider but stops the browser at Headway's door: the callback address it was sent to."""
    held: list[str] = []

    def hold(route: Route) -> None:
        # Playwright does not route a redirect's target, so the provider's answer to the consent is read here.
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        if not CALLBACK.search(location):
            route.fulfill(response=response)
            return
        held.append(location)
        route.fulfill(status=200, content_type="text/plain", body="held by the test")

    page.route(AUTHORIZE, hold)
    if username is None:  # already signed in at the provider
        page.goto("/accounts/sign-in/")
        page.get_by_role("button", name="Sign in with your organisation account").click()
    else:
        start_at_provider(page, username)
    consent(page)
    expect(page.get_by_text("held by the test")).to_be_visible()
    page.unroute(AUTHORIZE)
    assert len(held) == 1
    return held[0]


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return parts._replace(query=urlencode(query)).geturl()


def signed_out(page: Page) -> bool:
    page.goto("/schools/")
    return "/accounts/sign-in/" in page.url


def test_an_officer_signs_in_with_their_organisation_account(page: Page, sso: RunningProvider, officer: User) -> None:
    page.goto("/accounts/sign-in/")
    expect(page.get_by_role("button", name="Sign in with your organisation account")).to_be_visible()
    # Small LAs' local accounts still work beside it.
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag22aa"]}})
    assert results.violations_count == 0, results.generate_report()
    screenshot(page, "sign-in-with-organisation-account")

    start_at_provider(page, "jo", next_page="/schools/?q=primary")
    consent(page)

    expect(page.get_by_text("Signed in as")).to_contain_text("Jo Bloggs")
    assert urlsplit(page.url).path == "/schools/"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["primary"]}
    assert AuditEvent.objects.filter(
        verb="signed in with organisation account", target_id=str(officer.pk), actor=officer
    ).exists()
    assert User.objects.filter(email__iexact="jo.bloggs@hants.gov.uk").count() == 1


def test_an_unknown_address_is_refused_and_no_account_is_made(page: Page, sso: RunningProvider, officer: User) -> None:
    people = User.objects.count()
    start_at_provider(page, "sam")
    consent(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in to Headway")
    screenshot(page, "sign-in-refused")
    expect(page.locator("#sign-in-refusal")).to_have_text(
        "Your organisation account is not yet set up in Headway. Ask your LA administrator."
    )
    assert User.objects.count() == people
    assert not User.objects.filter(email__iexact="sam.stranger@hants.gov.uk").exists()
    assert signed_out(page)


def test_a_closed_account_is_refused(page: Page, sso: RunningProvider, hampshire: LocalAuthority) -> None:
    UserFactory(username="cclosed", email="cal.closed@hants.gov.uk", is_active=False, local_authority=hampshire)
    start_at_provider(page, "cal")
    consent(page)
    expect(page.locator("#sign-in-refusal")).to_have_text(single_sign_on.CLOSED)
    assert signed_out(page)


def test_a_tampered_state_is_refused_and_a_used_callback_cannot_be_replayed(
    page: Page, sso: RunningProvider, officer: User
) -> None:
    genuine = callback_url(page, "jo")

    response = page.goto(with_query(genuine, state="forged-state"))
    assert response is not None and response.status == 400
    expect(page.locator("#sign-in-refusal")).to_have_text(single_sign_on.INCOMPLETE)
    assert signed_out(page)

    # The genuine answer still works (so the refusal was the tampering), once.
    page.goto(genuine)
    expect(page.get_by_text("Signed in as")).to_contain_text("Jo Bloggs")
    response = page.goto(genuine)
    assert response is not None and response.status == 400


def test_a_code_from_another_sign_in_is_refused(page: Page, sso: RunningProvider, officer: User) -> None:
    """Two sign-ins started in one browser: the first's code with the second's state fails the PKCE verifier and
    nonce kept for the second, so it is refused."""
    first = callback_url(page, "jo")
    second = callback_url(page, None)
    swapped = with_query(second, code=parse_qs(urlsplit(first).query)["code"][0])

    response = page.goto(swapped)
    assert response is not None and response.status == 400
    expect(page.locator("#sign-in-refusal")).to_have_text(single_sign_on.INCOMPLETE)
    assert signed_out(page)
    assert not AuditEvent.objects.filter(verb="signed in with organisation account").exists()


def test_groups_give_a_newcomer_their_role_when_the_la_configures_it(
    page: Page, provider: RunningProvider, settings: Any, hampshire: LocalAuthority, tmp_path: Path
) -> None:
    roles = tmp_path / "group-roles.yaml"
    roles.write_text('groups:\n  - group: Headway link advisers\n    role: la_officer\n    authority: "850"\n')
    settings.HEADWAY_SINGLE_SIGN_ON = provider.headway_settings(group_roles=str(roles))

    start_at_provider(page, "nia")
    consent(page)

    expect(page.get_by_text("Signed in as")).to_contain_text("Nia New")
    nia = User.objects.get(email__iexact="nia.new@hants.gov.uk")
    assert (nia.role, nia.local_authority, nia.is_superuser, nia.has_usable_password()) == (
        Role.LA_OFFICER,
        hampshire,
        False,
        False,
    )
    assert AuditEvent.objects.filter(verb="person added from organisation groups", target_id=str(nia.pk)).exists()


def test_without_single_sign_on_the_button_is_not_offered(page: Page, officer: User) -> None:
    page.goto("/accounts/sign-in/")
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with your organisation account")).to_have_count(0)
    assert page.goto("/accounts/sign-in/organisation/") is not None
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in to your organisation")


def test_a_token_from_another_issuer_is_refused(
    page: Page, provider: RunningProvider, settings: Any, officer: User
) -> None:
    """Headway is told to trust another issuer (with this provider's endpoints given by hand): the provider's
    genuine, well-signed ID token names itself as issuer, so it is refused."""
    settings.HEADWAY_SINGLE_SIGN_ON = provider.headway_settings(
        issuer="https://login.example.gov.uk",
        authorization_endpoint=f"{provider.issuer}/authorize/",
        token_endpoint=f"{provider.issuer}/token/",
        userinfo_endpoint=f"{provider.issuer}/userinfo/",
        jwks_endpoint=f"{provider.issuer}/.well-known/jwks.json",
    )
    start_at_provider(page, "jo")
    consent(page)
    expect(page.locator("#sign-in-refusal")).to_have_text(single_sign_on.INCOMPLETE)
    assert signed_out(page)


def test_refused_organisation_sign_ins_never_lock_out_the_office(
    page: Page, browser: Browser, live_server: LiveServer, sso: RunningProvider, officer: User, settings: Any
) -> None:
    """Sign-in throttling counts wrong passwords; a refusal at the organisation's door carries no user name, so
    counting it would lock everyone behind the same address out of single sign-on."""
    settings.AXES_FAILURE_LIMIT = 2
    start_at_provider(page, "sam")
    consent(page)
    for _ in range(3):
        expect(page.locator("#sign-in-refusal")).to_have_text(single_sign_on.NOT_SET_UP)
        page.goto("/accounts/sign-in/")
        page.get_by_role("button", name="Sign in with your organisation account").click()
        consent(page)
    colleague = browser.new_context(base_url=live_server.url)
    try:
        other = colleague.new_page()
        start_at_provider(other, "jo")
        consent(other)
        expect(other.get_by_text("Signed in as")).to_contain_text("Jo Bloggs")
    finally:
        colleague.close()
