"""Filters for people and moments as pages name them: "Olu Adebayo, Link adviser" (never a username) and
"17 March 2026 at 2:30pm".

    {% load people_tags %}
    {{ note.author|name_and_title }}  {{ event.occurred_at|date_and_time }}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from headway.accounts import audit, notices
from headway.accounts.models import AuditEvent, User

register = template.Library()


@register.filter
def name_and_title(user: Any) -> str:
    """A user's full name, with their job title when they have one; "" for no one."""
    return notices.name_and_title(user) if isinstance(user, User) else ""


@register.filter
def person_name(user: Any) -> str:
    """A user's full name (their email address when none is recorded); "" for no one."""
    return notices.person_name(user) if isinstance(user, User) else ""


@register.filter
def date_and_time(value: Any) -> str:
    """A moment as "17 March 2026 at 2:30pm"; a date alone as "17 March 2026"; "" for nothing."""
    if isinstance(value, dt.datetime):
        return notices.long_date_time(value)
    if isinstance(value, dt.date):
        return notices.long_date(value)
    return ""


@register.filter
def event_words(verb: Any) -> str:
    """An audit event's name in words ("Partnership type changed"), never its code."""
    return audit.verb_in_words(str(verb or ""))


@register.filter
def event_actor(event: Any) -> str:
    """Who did an audited thing: their full name, never their username."""
    return audit.actor_in_words(event) if isinstance(event, AuditEvent) else ""
