"""``{{ name|evidence_in_words:value }}``: a piece of categorisation evidence in words; and where a round's
predicted risk came from (``risk_source_in_words``)."""

from __future__ import annotations

from typing import Any

from django import template

from headway.risk.wording import evidence_in_words as _evidence_in_words
from headway.risk.wording import risk_source_in_words as _risk_source_in_words

register = template.Library()


@register.filter
def evidence_in_words(name: str, value: Any) -> str:
    return _evidence_in_words(name, value)


@register.filter
def risk_source_in_words(version: str) -> str:
    """``{{ round.risk_model_version|risk_source_in_words }}``: where a round's risk came from, in words."""
    return _risk_source_in_words(version)


@register.filter
def reason_sentence(reason: str) -> str:
    """A reason someone typed, ended with one full stop (never "whole round..")."""
    text = str(reason).strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
