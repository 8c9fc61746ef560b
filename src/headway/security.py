"""HTTP hardening that Django and its libraries do not do on their own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


def _is_download(response: HttpResponseBase) -> bool:
    return "attachment" in response.get("Content-Disposition", "").lower()


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person and on every download.

    Pages behind sign-in show pupils' results, schools causing concern and named people; letters and
    spreadsheets are downloads. Neither a shared computer's browser cache nor a proxy should keep a copy
    after the person signs out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or _is_download(response):
            # "max-age=0, no-cache, no-store, must-revalidate, private" and an Expires in the past.
            add_never_cache_headers(response)
        return response
