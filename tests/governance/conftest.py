"""The real-browser fixtures of ``tests/browser`` (headless Debian Chromium against the live server), for
``test_browser.py``."""

from tests.browser.conftest import browser, context, page  # noqa: F401
