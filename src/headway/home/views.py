"""The home page: what needs the signed-in user now, for their role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.home.selectors import what_needs_me


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = permissions.signed_in(request)
    return render(request, "home/home.html", {"home": what_needs_me(user, today=timezone.localdate())})
