"""Telling people about notes of visit: an in-app notice and an e-mail when a note awaits a headteacher, when
the school has responded, when a final note is shared, and the officers' weekly digest of notes awaiting a
response and visits overdue (once a week at most).

Sending goes through ``headway.accounts.notices.notify``: the in-app notice always, the e-mail after commit and
only when the person has an address and wants that kind by e-mail, so a rolled-back transition sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from headway.accounts.models import NoticeKind, User
from headway.accounts.notices import already_sent, long_date, notify, person_name, school_users
from headway.visits.models import NoteOfVisit, Notice, Visit

__all__ = [
    "Digest",
    "digest_send",
    "digests",
    "digests_unsent",
    "note_awaiting_school",
    "note_response_for_officer",
    "note_shared_with_school",
    "notices_context",
    "notify",
    "school_recipients",
    "unread_count",
    "week_key",
]


def school_recipients(note: NoteOfVisit) -> list[User]:
    """The active users linked to the note's school (headteacher, chair of governors)."""
    return school_users(note.visit.establishment_id)


def note_awaiting_school(note: NoteOfVisit) -> list[Notice]:
    """Tell the school's users that a note awaits their response."""
    school = note.visit.establishment.name
    visited = long_date(note.visit.planned_on)
    link = reverse("notes:respond", args=[note.pk])
    text = f"A note of visit to {school} ({visited}) is waiting for your response."
    body = (
        f"{person_name(note.author)} has sent you the note of the visit to {school} on {visited}.\n\n"
        "Please read it, then either agree it or tell us what is inaccurate.\n\n"
        "You are receiving this because your account is linked to the school."
    )
    found = []
    for user in school_recipients(note):
        notice = notify(
            recipient=user,
            kind=NoticeKind.NOTE_AWAITING,
            text=text,
            link=link,
            email_subject=f"Note of visit to {school} waiting for your response",
            email_body=body,
        )
        if notice is not None:
            found.append(notice)
    return found


def note_shared_with_school(note: NoteOfVisit) -> list[Notice]:
    school = note.visit.establishment.name
    text = f"The final note of visit to {school} has been shared with you."
    body = (
        f"The final note of the visit to {school} on {long_date(note.visit.planned_on)} has been shared with "
        "the school's governors, and you can now read it."
    )
    link = reverse("notes:detail", args=[note.pk])
    found = []
    for user in school_recipients(note):
        notice = notify(
            recipient=user,
            kind=NoticeKind.NOTE_SHARED,
            text=text,
            link=link,
            email_subject=f"Final note of visit to {school}",
            email_body=body,
        )
        if notice is not None:
            found.append(notice)
    return found


def note_response_for_officer(note: NoteOfVisit) -> Notice | None:
    """Tell the note's author that the school has responded."""
    school = note.visit.establishment.name
    answer = "agreed" if note.status == NoteOfVisit.Status.AGREED else "marked inaccurate"
    body = f"The school has {answer} the note of your visit to {school} on {long_date(note.visit.planned_on)}."
    if note.headteacher_comments:
        body += f"\n\nTheir comments:\n{note.headteacher_comments}"
    return notify(
        recipient=note.author,
        kind=NoticeKind.NOTE_RESPONSE,
        text=f"The school has {answer} the note of visit to {school}.",
        link=reverse("notes:detail", args=[note.pk]),
        email_subject=f"{school} has agreed your note of visit"
        if note.status == NoteOfVisit.Status.AGREED
        else f"{school} says your note of visit is inaccurate",
        email_body=body,
    )


# The weekly digest -------------------------------------------------------------------------------------------


@dataclass
class Digest:
    officer: User
    awaiting: list[NoteOfVisit] = field(default_factory=list)
    overdue: list[Visit] = field(default_factory=list)

    def as_text(self, today: dt.date) -> str:
        lines = [f"Your Headway weekly digest for the week of {long_date(today)}.", ""]
        lines.append(f"Notes awaiting the school's response: {len(self.awaiting)}")
        for note in self.awaiting:
            sent = f", sent {long_date(note.sent_at.date())}" if note.sent_at else ""
            lines.append(f"- {note.visit.establishment.name}: visit on {long_date(note.visit.planned_on)}{sent}")
        lines.append("")
        lines.append(f"Visits overdue (planned before today and not recorded as done): {len(self.overdue)}")
        for visit in self.overdue:
            lines.append(f"- {visit.establishment.name}: {visit.purpose}, planned for {long_date(visit.planned_on)}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "officer": self.officer.username,
            "awaiting": [note.pk for note in self.awaiting],
            "overdue": [visit.pk for visit in self.overdue],
        }


def digests(*, today: dt.date) -> list[Digest]:
    """For each officer with something to report: the notes they wrote (or for their visits) that are sent and
    awaiting a response, and their visits still planned for a day before ``today``."""
    by_officer: dict[int, Digest] = {}
    officers: dict[int, User] = {}
    awaiting = defaultdict(list)
    notes = (
        NoteOfVisit.objects.filter(status=NoteOfVisit.Status.SENT)
        .select_related("visit__establishment", "visit__officer", "author")
        .order_by("sent_at", "pk")
    )
    for note in notes:
        for person in {note.author, note.visit.officer} - {None}:
            assert person is not None
            officers[person.pk] = person
            awaiting[person.pk].append(note)
    overdue = defaultdict(list)
    visits = (
        Visit.objects.filter(status=Visit.Status.PLANNED, planned_on__lt=today, officer__isnull=False)
        .select_related("establishment", "officer")
        .order_by("planned_on", "pk")
    )
    for visit in visits:
        assert visit.officer is not None
        officers[visit.officer.pk] = visit.officer
        overdue[visit.officer.pk].append(visit)
    for pk, officer in officers.items():
        if not officer.is_active:
            continue
        by_officer[pk] = Digest(officer=officer, awaiting=awaiting[pk], overdue=overdue[pk])
    return sorted(by_officer.values(), key=lambda d: d.officer.username)


def week_key(today: dt.date) -> str:
    """The ISO week ``today`` falls in, e.g. weekly-digest:2026-W12: a digest goes once a week at most."""
    year, week, _ = today.isocalendar()
    return f"weekly-digest:{year}-W{week:02d}"


def digests_unsent(*, today: dt.date) -> list[Digest]:
    """The digests for ``today`` that have not yet gone this week."""
    key = week_key(today)
    return [digest for digest in digests(today=today) if not already_sent(digest.officer, key)]


def digest_send(*, today: dt.date) -> list[Digest]:
    """Send each officer their digest, once per ISO week: an in-app notice, and an e-mail if they want it.
    Returns the digests sent now (not those that had already gone this week). One transaction."""
    key = week_key(today)
    sent: list[Digest] = []
    with transaction.atomic():
        for digest in digests(today=today):
            notice = notify(
                recipient=digest.officer,
                kind=NoticeKind.WEEKLY_DIGEST,
                text=(
                    f"Weekly digest: {len(digest.awaiting)} note(s) awaiting a response, "
                    f"{len(digest.overdue)} visit(s) overdue."
                ),
                link=reverse("notes:list"),
                email_subject=f"Headway weekly digest, {long_date(today)}",
                email_body=digest.as_text(today),
                once=key,
            )
            if notice is not None:
                sent.append(digest)
    return sent


def unread_count(user: Any) -> int:
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return Notice.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).count()


def notices_context(request: Any) -> dict[str, Any]:
    """Template context: the signed-in user's unread notice count, worked out only if a template asks."""
    from django.utils.functional import SimpleLazyObject

    user = getattr(request, "user", None)
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}
