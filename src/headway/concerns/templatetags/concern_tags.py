from __future__ import annotations

from typing import Any

from django import template

from headway.concerns.selectors import risk_label

register = template.Library()


@register.filter
def risk_percent(value: Any) -> str:
    """A predicted risk (a probability) as officers read it: "12.3%"; "-" when there is none."""
    return risk_label(value)


@register.filter
def event_words(verb: str) -> str:
    """What an audit event of a case did, in words: a review group decision is named as the review group names
    it ("Review group decision: keep as causing concern"), never by its stored code."""
    from headway.concerns.models import DecisionKind

    prefix = "review group decision: "
    if verb.startswith(prefix):
        code = verb[len(prefix) :]
        label = str(DecisionKind(code).label) if code in DecisionKind.values else "recorded"
        return f"Review group decision: {label[0].lower()}{label[1:]}"
    return f"{verb[:1].upper()}{verb[1:]}"
