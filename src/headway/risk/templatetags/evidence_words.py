"""``{{ name|evidence_in_words:value }}``: a piece of categorisation evidence in words."""

from __future__ import annotations

from typing import Any

from django import template

from headway.risk.wording import evidence_in_words as _evidence_in_words

register = template.Library()


@register.filter
def evidence_in_words(name: str, value: Any) -> str:
    return _evidence_in_words(name, value)
