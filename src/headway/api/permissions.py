"""The read API's adapter to ``headway.accounts.permissions``: who may call it at all. What each endpoint
returns is decided by the same functions the pages use (see ``views.py``)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from headway.accounts import permissions


class MayUseApi(BasePermission):
    """Signed in (by token or session) and allowed the API; anonymous requests get 401."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and permissions.can_use_api(request.user))
