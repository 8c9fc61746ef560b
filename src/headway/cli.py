"""The ``headway`` console script: Headway's ``manage.py``."""

from __future__ import annotations

import os
import sys

#: Commands that check or serve the site's pages: they run every system check, the URL configuration's too.
#: Any other command leaves the URL checks out, so that it starts without importing every page's view and the
#: libraries the views use (it still imports them the first time it needs a URL, e.g. for a link in an e-mail).
CHECKS_URLS = frozenset({"check", "runserver", "test", "testserver", "show_urls"})


def without_url_checks() -> None:
    """Leave out of this process's system checks those that load the URL configuration (every other check,
    including the URL settings', still runs)."""
    from django.core.checks import urls
    from django.core.checks.registry import registry

    loading = {urls.check_url_config, urls.check_url_namespaces_unique, urls.check_custom_error_handlers}
    registry.registered_checks -= {check for check in registry.registered_checks if check in loading}


def main(argv: list[str] | None = None) -> None:
    arguments = argv if argv is not None else sys.argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")
    from django.core.management import execute_from_command_line

    if len(arguments) > 1 and arguments[1] not in CHECKS_URLS:
        without_url_checks()
    execute_from_command_line(arguments)


if __name__ == "__main__":
    main()
