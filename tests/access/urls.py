"""Every URL of the app, found by walking the URL configuration, and how to fill in its parameters from the
access world."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Not the app's own pages: Django's admin (its own permissions) and static files.
SKIPPED_PREFIXES = ("admin/", "static/")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else pattern.namespace or namespace
            )
            yield from _walk(pattern.url_patterns, route, inner or "")
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {route or '/'}>"
            yield (f"{namespace}:{name}" if namespace and pattern.name else name), route, pattern


def every_url() -> dict[str, tuple[str, URLPattern]]:
    """URL name (``namespace:name``) -> (route, pattern), for every URL but the admin's and static files'."""
    found: dict[str, tuple[str, URLPattern]] = {}
    for name, route, pattern in _walk(get_resolver().url_patterns):
        found.setdefault(name, (route, pattern))
    return found


def parameters(route_pattern: URLPattern | Any) -> list[str]:
    return list(getattr(route_pattern.pattern, "converters", {}))


def url_for(name: str, found: tuple[str, URLPattern], values: dict[str, dict[str, Any]]) -> str:
    """The URL, with each parameter taken from the world by the URL's name, then its namespace, then "*"."""
    route, pattern = found
    if name.startswith("<unnamed"):
        return "/" + route
    namespace = name.split(":", 1)[0] if ":" in name else ""
    kwargs: dict[str, Any] = {}
    for parameter in _all_parameters(route, pattern):
        for key in (name, f"{namespace}:*", "*"):
            if parameter in values.get(key, {}):
                kwargs[parameter] = values[key][parameter]
                break
        else:
            raise AssertionError(f"{name}: no value for its parameter {parameter!r}; add one to the access world")
    return reverse(name, kwargs=kwargs)


def _all_parameters(route: str, pattern: URLPattern) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route) and [
        a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    ]
