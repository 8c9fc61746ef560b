"""The OpenAPI schema: drf-spectacular's, with the answers every endpoint can give besides 200 (a bad query,
not signed in, not allowed, not found) so that clients and ``schemathesis`` know them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong, in words.")


ERRORS = {
    "400": "The query is not valid: the message says which parameter and why.",
    "401": "No API token (or signed-in session) was given, or the token is unknown or revoked.",
    "403": "Your role may not read this (for example the register of schools causing concern is for LA staff).",
    "404": "Not found, or not visible to you: another school or authority is never confirmed.",
}


class HeadwaySchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        if direction == "response":
            for code, description in ERRORS.items():
                bodies.setdefault(
                    code,
                    self._get_response_for_code(  # type: ignore[no-untyped-call]
                        OpenApiResponse(response=ErrorSerializer, description=description), code, direction=direction
                    ),
                )
        return bodies


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The API token in the schema: ``Authorization: Bearer <token>`` (``Token <token>`` works too)."""

    target_class = "headway.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the 'API tokens' page: `Authorization: Bearer <token>` "
            "(or `Authorization: Token <token>`).",
        }
