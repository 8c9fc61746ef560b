from __future__ import annotations

from typing import Any

from django import template

from headway.concerns.selectors import risk_label

register = template.Library()


@register.filter
def risk_percent(value: Any) -> str:
    """A predicted risk (a probability) as officers read it: "12.3%"; "-" when there is none."""
    return risk_label(value)
