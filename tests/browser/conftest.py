"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live server.

One browser for the session, a fresh context (cookies, storage) for every test. The browser is never
downloaded: if /usr/bin/chromium is missing the tests fail, they are not skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Response, sync_playwright
from pytest_django.live_server_helper import LiveServer

from headway.accounts.models import Role, User
from headway.imports.services import ImportResult
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import UserFactory
from tests.helpers import load_hampshire_sample

# Playwright's sync API runs an asyncio event loop in the test thread, so Django would otherwise refuse the
# database queries the tests make to set up their data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No internet here: without these Chromium keeps trying to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing, so the browser tests in tests/browser cannot run. Install Debian's chromium "
            "package (scripts/test does so when run as root: apt-get install chromium). "
            "Do not run `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_context(browser: Browser, live_server: LiveServer, **options: object) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, **options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    yield from _new_context(browser, live_server)


@pytest.fixture
def no_js_context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    yield from _new_context(browser, live_server, java_script_enabled=False)


def _watch_assets(page: Page) -> list[str]:
    """Collects the static files (CSS, JavaScript, images) the page asked for and did not get."""
    broken: list[str] = []

    def on_response(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            broken.append(f"{response.status} {response.url}")

    def on_request_failed(request: Request) -> None:
        # A request cut short because the test moved on to the next page is not a missing file.
        if "/static/" in request.url and request.failure != "net::ERR_ABORTED":
            broken.append(f"{request.failure} {request.url}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    return broken


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.broken_assets = _watch_assets(page)  # type: ignore[attr-defined]
    return page


@pytest.fixture
def no_js_page(no_js_context: BrowserContext) -> Page:
    page = no_js_context.new_page()
    page.broken_assets = _watch_assets(page)  # type: ignore[attr-defined]
    page.javascript_disabled = True  # type: ignore[attr-defined]
    return page


@pytest.fixture
def register(transactional_db: None) -> ImportResult:
    """The real Hampshire GIAS sample and Ofsted's graded-inspection history for its schools."""
    return load_hampshire_sample()


@pytest.fixture
def headteacher(register: ImportResult) -> User:
    user: User = UserFactory(username="head.alton", role=Role.SCHOOL_USER)
    user.schools.set([Establishment.objects.get(urn=115850)])
    return user


@pytest.fixture
def la_admin(register: ImportResult) -> User:
    user: User = UserFactory(
        username="admin.hampshire", role=Role.LA_ADMIN, local_authority=LocalAuthority.objects.get(code="850")
    )
    return user
