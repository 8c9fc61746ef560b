"""The "Your account" page (``/accounts/``): who is signed in, what they may see, and the pages about their own
account (notices, e-mail settings, API tokens, sign out), so that the header needs only one link for them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from headway.accounts import permissions
from headway.accounts.models import Role
from headway.accounts.permissions import signed_in


@login_required
def your_account(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    schools = list(user.schools.order_by("name")) if user.role == Role.SCHOOL_USER else []
    return render(
        request,
        "accounts/account.html",
        {
            "person": user,
            "role_label": Role(user.role).label if user.role in Role.values else "",
            "authority": user.local_authority,
            "schools": schools,
            "can_use_api": permissions.can_use_api(user),
        },
    )
