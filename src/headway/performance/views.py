"""Performance pages: the LA dashboard (the school profile's performance section is drawn by
``headway.schools.views.school_detail``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from headway.accounts import permissions
from headway.accounts.models import User
from headway.performance.dashboard import dashboard_index_entries, la_dashboard

#: Years a dashboard URL may name (results are summers; anything else is not a page).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@login_required
def dashboard_index(request: HttpRequest) -> HttpResponse:
    """The "Dashboard" link: straight to the user's authority and latest year, or a list to choose from."""
    if not permissions.can_see_la_dashboard(request.user):
        raise PermissionDenied
    entries = dashboard_index_entries(authorities=permissions.local_authorities_visible_to(request.user))
    if len(entries) == 1 and entries[0].year is not None:
        entry = entries[0]
        return redirect("performance:la_dashboard", la_code=entry.authority.code, year=entry.year)
    return render(request, "performance/dashboard_index.html", {"entries": entries})


@login_required
def la_dashboard_page(request: HttpRequest, la_code: str, year: int) -> HttpResponse:
    authority = permissions.la_dashboard_authority_for(request.user, la_code)
    if not FIRST_YEAR <= year <= LAST_YEAR or not isinstance(request.user, User):
        raise Http404("No such year.")
    dashboard = la_dashboard(
        authority=authority,
        year=year,
        measure_code=request.GET.get("measure", "").strip(),
        mine=request.GET.get("mine") == "1",
        officer=request.user,
        visible=permissions.establishments_visible_to(request.user),
    )
    return render(request, "performance/la_dashboard.html", {"dashboard": dashboard})
