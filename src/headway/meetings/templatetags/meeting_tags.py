"""Filters for the meetings' pages: dates in the agenda's snapshot (stored as ISO text) read as "17 March 2026",
and a predicted risk as a percentage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def long_date(value: Any) -> str:
    """A date, or a date stored as ISO text, as "17 March 2026"; "" when there is none."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return ""


@register.filter
def risk_percent(value: Any) -> str:
    """A predicted probability of a below-good inspection as officers read it: "12.3%"; "Not predicted"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "Not predicted"
    return f"{value * 100:.1f}%"
