"""Pages about inspections: the weekly list of schools in their inspection window."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from headway.accounts import permissions
from headway.inspections.selectors import inspection_window_list


def _weeks(value: str | None) -> int:
    try:
        weeks = int(value or 4)
    except ValueError:
        return 4
    return min(max(weeks, 1), 26)


@login_required
def window_list(request: HttpRequest) -> HttpResponse:
    """Schools whose next inspection is expected now or in the coming weeks, for the LA's weekly review."""
    authority = permissions.concerns_authority_for(request.user, request.GET.get("la", ""))
    today: dt.date = timezone.localdate()
    listing = inspection_window_list(authority, as_of=today, weeks=_weeks(request.GET.get("weeks")))
    return render(
        request,
        "inspections/window_list.html",
        {"authority": authority, "listing": listing, "nav_section": "concerns"},
    )
