"""Telling people about notes of visit: an in-app notice and an email when a note awaits a headteacher, and
the officers' weekly digest of notes awaiting a response and visits overdue.

Emails go through Django's email backend (the console backend in the demo) and only once the transaction that
caused them has committed, so a rolled-back transition sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from headway.accounts.models import Role, User
from headway.visits.models import NoteOfVisit, Notice, Visit


def _email_on_commit(*, recipient: User, subject: str, body: str) -> None:
    if not recipient.email:
        return
    address = recipient.email

    def send() -> None:
        send_mail(subject, body, None, [address], fail_silently=False)

    transaction.on_commit(send)


def notify(*, recipient: User, text: str, link: str = "", email_subject: str = "", email_body: str = "") -> Notice:
    """One in-app notice, and an email after commit when a subject is given and the user has an address."""
    notice = Notice.objects.create(recipient=recipient, text=text[:300], link=link)
    if email_subject:
        _email_on_commit(recipient=recipient, subject=email_subject, body=email_body or text)
    return notice


def school_recipients(note: NoteOfVisit) -> list[User]:
    """The active users linked to the note's school (headteacher, chair of governors)."""
    return list(
        User.objects.filter(role=Role.SCHOOL_USER, is_active=True, schools=note.visit.establishment_id).order_by(
            "username"
        )
    )


def note_awaiting_school(note: NoteOfVisit) -> list[Notice]:
    """Tell the school's users that a note awaits their response."""
    school = note.visit.establishment.name
    link = reverse("notes:respond", args=[note.pk])
    text = f"A note of visit to {school} ({note.visit.planned_on:%-d %B %Y}) is waiting for your response."
    body = (
        f"{text}\n\nRead it, and agree it or tell us what is inaccurate, in Headway: {link}\n\n"
        "You are receiving this because your account is linked to the school."
    )
    return [
        notify(recipient=user, text=text, link=link, email_subject=f"Note of visit to {school}", email_body=body)
        for user in school_recipients(note)
    ]


def note_shared_with_school(note: NoteOfVisit) -> list[Notice]:
    text = f"The final note of visit to {note.visit.establishment.name} has been shared with you."
    link = reverse("notes:detail", args=[note.pk])
    return [notify(recipient=user, text=text, link=link) for user in school_recipients(note)]


def note_response_for_officer(note: NoteOfVisit) -> Notice | None:
    """Tell the note's author that the school has responded."""
    answer = "agreed" if note.status == NoteOfVisit.Status.AGREED else "marked inaccurate"
    return notify(
        recipient=note.author,
        text=f"The school has {answer} the note of visit to {note.visit.establishment.name}.",
        link=reverse("notes:detail", args=[note.pk]),
    )


# The weekly digest -------------------------------------------------------------------------------------------


@dataclass
class Digest:
    officer: User
    awaiting: list[NoteOfVisit] = field(default_factory=list)
    overdue: list[Visit] = field(default_factory=list)

    def as_text(self, today: dt.date) -> str:
        lines = [f"Headway weekly digest for {self.officer.get_full_name() or self.officer.username}, {today}:", ""]
        lines.append(f"Notes awaiting the school's response: {len(self.awaiting)}")
        for note in self.awaiting:
            sent = f"{note.sent_at:%-d %b %Y}" if note.sent_at else "?"
            lines.append(f"- {note.visit.establishment.name}: visit {note.visit.planned_on}, sent {sent}")
        lines.append("")
        lines.append(f"Visits overdue (planned before today and not recorded as done): {len(self.overdue)}")
        for visit in self.overdue:
            lines.append(f"- {visit.establishment.name}: {visit.purpose}, planned {visit.planned_on}")
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


def digest_send(*, today: dt.date) -> list[Digest]:
    """Send each officer their digest: an in-app notice and an email. One transaction."""
    with transaction.atomic():
        sent = digests(today=today)
        for digest in sent:
            notify(
                recipient=digest.officer,
                text=(
                    f"Weekly digest: {len(digest.awaiting)} note(s) awaiting a response, "
                    f"{len(digest.overdue)} visit(s) overdue."
                ),
                link=reverse("notes:list"),
                email_subject=f"Headway weekly digest, {today:%-d %B %Y}",
                email_body=digest.as_text(today),
            )
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
