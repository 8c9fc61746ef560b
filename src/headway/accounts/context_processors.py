from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from headway.accounts import permissions


def access(request: HttpRequest) -> dict[str, Any]:
    """What the signed-in user may do, for the navigation."""
    # An error page drawn outside the middleware (e.g. a missing static file) has no user.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "can_import": permissions.can_import(user),
        "is_la_staff": permissions.is_la_staff(user),
        "can_see_kpis": permissions.can_see_kpis(user),
        "can_see_la_dashboard": permissions.can_see_la_dashboard(user),
        "can_see_concerns": permissions.can_see_concerns(user),
        "can_use_api": permissions.can_use_api(user),
    }
