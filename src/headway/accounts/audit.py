"""The audit service: the only way anything writes to the audit trail."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from headway.accounts.models import AuditEvent, User


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    actor_name: str = "",
) -> AuditEvent:
    """Write one audit event. ``actor`` is None for automated work; then ``actor_name`` says what acted."""
    event = _event(actor, actor_name, verb, Entry(target=target, before=before, after=after, reason=reason))
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class Entry:
    """One change of many done by the same actor at once (see ``record_many``)."""

    target: models.Model
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str = ""


def record_many(
    *,
    actor: User | None,
    verb: str,
    entries: Iterable[Entry],
    actor_name: str = "",
    batch_size: int = 1000,
) -> int:
    """Write one audit event for each entry, exactly as ``record`` would one at a time (who, when, which record,
    before, after and why), in a few bulk inserts. For work on many records at once, such as confirming a whole
    categorisation round. Returns the number of events written."""
    events = [_event(actor, actor_name, verb, entry) for entry in entries]
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    return len(events)


def _event(actor: User | None, actor_name: str, verb: str, entry: Entry) -> AuditEvent:
    if actor is None and not actor_name:
        raise ValueError("An audit event needs an actor or an actor_name.")
    return AuditEvent(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else actor_name,
        verb=verb,
        target_type=entry.target._meta.label_lower,
        target_id=str(entry.target.pk),
        target_label=str(entry.target)[:300],
        before=_jsonable(dict(entry.before)) if entry.before is not None else None,
        after=_jsonable(dict(entry.after)) if entry.after is not None else None,
        reason=entry.reason,
    )


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that differ, as (old values, new values)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def verb_in_words(verb: str) -> str:
    """An event's name in words, for a page: ``partnership.type_changed`` is "Partnership type changed"; a verb
    recorded in words already ("designated as causing concern") is shown as written, with a capital."""
    words = verb.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Changed"


def actor_in_words(event: AuditEvent) -> str:
    """Who did it, as a page names them: the person's full name (never their username), or what acted."""
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.email or "Someone with no name recorded"
    return event.actor_name


def history_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
