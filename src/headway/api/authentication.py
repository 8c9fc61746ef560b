"""Token authentication for the read API: ``Authorization: Token <key>`` or ``Authorization: Bearer <key>``."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from headway.api.tokens import user_for_key

KEYWORDS = ("token", "bearer")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A request with a token is that token's user, or refused (401) when the token is unknown or revoked; a
    request without one is left to the session."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give one API token after the word Token or Bearer.")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That is not an API token.") from None
        found = user_for_key(key)
        if found is None:
            raise exceptions.AuthenticationFailed("That API token is not known, or has been revoked.")
        return found

    def authenticate_header(self, request: Request) -> str:
        return 'Token realm="Headway API"'
