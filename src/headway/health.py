"""``/healthz``: is this process up and can it reach its database? For load balancers, Docker and monitoring."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase

logger = logging.getLogger(__name__)

HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})


def database_reachable() -> bool:
    """True if the default database answers ``SELECT 1``."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        # A broken connection must not be reused by the next request this thread serves.
        connection.close()
        return False
    return row is not None and row[0] == 1


def health_response() -> HttpResponse:
    if database_reachable():
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse("database unavailable\n", content_type="text/plain; charset=utf-8", status=503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers ``/healthz`` before any other middleware: no sign-in, no host check, no HTTPS redirect.

    A load balancer or ``docker compose`` asks over plain HTTP with whatever host name it knows the
    container by, so the answer must not depend on ``HEADWAY_ALLOWED_HOSTS`` or ``HEADWAY_HTTPS``. It says
    only "ok" or "database unavailable", so there is nothing to hide from anyone who can reach it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info in HEALTH_PATHS and request.method in {"GET", "HEAD"}:
            return health_response()
        return self.get_response(request)
