"""The scheduled notices as background tasks, for an authority that runs them from the task runner
(``headway.background``) rather than cron: the same work as ``headway notices send-due`` and
``headway notices weekly-digest``, just as safe to run twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from headway.background import task


def _day(as_of: str | None) -> dt.date:
    from django.utils import timezone

    return dt.date.fromisoformat(as_of) if as_of else timezone.localdate()


@task()
def send_due_notices(as_of: str | None = None, within_days: int | None = None) -> dict[str, Any]:
    """Notices of action plan reviews due soon or overdue (once per review per due date)."""
    from headway.concerns.notices import DEFAULT_WITHIN_DAYS, review_due_send

    day = _day(as_of)
    told = review_due_send(today=day, within_days=DEFAULT_WITHIN_DAYS if within_days is None else within_days)
    return {"as_of": day.isoformat(), "sent": len(told)}


@task()
def send_weekly_digests(as_of: str | None = None) -> dict[str, Any]:
    """Each officer's weekly digest (once per ISO week)."""
    from headway.visits.notifications import digest_send

    day = _day(as_of)
    return {"as_of": day.isoformat(), "sent": len(digest_send(today=day))}
