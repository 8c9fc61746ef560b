"""What someone sees when sign-in is refused after too many wrong passwords (django-axes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def client_address(request: HttpRequest) -> str:
    """The address sign-in attempts are counted against: the connection's, or behind ``HEADWAY_PROXY_COUNT``
    proxies the one the outermost proxy saw.

    Each proxy appends the address it was connected from to X-Forwarded-For, so the entry that many places
    from the right is the one our own outermost proxy wrote; anything to its left came from the client and
    could be made up to dodge the lockout.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = getattr(settings, "HEADWAY_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def wait_in_words(cool_off: dt.timedelta) -> str:
    """ "1 hour", "30 minutes", "1 hour and 30 minutes"."""
    minutes = max(1, round(cool_off.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " and ".join(parts)


def lockout_message() -> str:
    cool_off = settings.AXES_COOLOFF_TIME
    wait = wait_in_words(cool_off) if isinstance(cool_off, dt.timedelta) else "a while"
    return (
        f"The wrong password was entered too many times, so signing in with this user name is paused for {wait}. "
        "Try again after that, or ask your Headway administrator to let you sign in sooner."
    )


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """The sign-in page again, with the reason at the top, answered with 429 Too Many Requests."""
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username") or "")
    form = AuthenticationForm(request, initial={"username": username})
    response = TemplateResponse(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": lockout_message(), "next": request.POST.get("next", "")},
        status=429,  # Too Many Requests, as django-axes answers by default
    )
    response.render()
    return response
