"""Starts the test OpenID Connect provider:

    python -m tests.oidc_provider.serve --db FILE --redirect-uri URI --client-id ID --client-secret SECRET \
        --users JSON

It makes its database (migrations), the client application (confidential, authorisation code, RS256, the one
redirect URI) and the users (``[{"username", "password", "email", "first_name", "last_name", "groups"}]``),
then serves on a free port of 127.0.0.1 and prints one line, ``{"url": "http://127.0.0.1:PORT"}``, when ready.
It runs until it is terminated.
"""

from __future__ import annotations

import argparse
import json
import os
import socketserver
import sys
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--users", default="[]")
    args = parser.parse_args(argv)

    os.environ["OIDC_PROVIDER_DB"] = args.db
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for person in json.loads(args.users):
        user = User.objects.create_user(
            person["username"],
            email=person.get("email", ""),
            password=person["password"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    Application.objects.create(
        name="Headway",
        client_id=args.client_id,
        client_secret=args.client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=args.redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_port}"}), flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
