"""Notices about schools causing concern: an action plan review coming due (a scheduled check, once per review
per due date) and a letter issued to a school. Sending goes through ``headway.accounts.notices.notify``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from headway.accounts.models import NoticeKind, User
from headway.accounts.notices import long_date, notify, person_name, school_users
from headway.concerns import rules
from headway.concerns.models import ConcernStatus, Letter, SchoolCausingConcern
from headway.concerns.policy import concern_policy_in_force

#: Unless the command says otherwise, reviews due within this many days are announced.
DEFAULT_WITHIN_DAYS = 14


@dataclass(frozen=True)
class ReviewDue:
    concern: SchoolCausingConcern
    due_on: dt.date
    overdue: bool


def reviews_due(*, today: dt.date, within_days: int = DEFAULT_WITHIN_DAYS) -> list[ReviewDue]:
    """Every open concern whose action plan must be reviewed by ``today + within_days`` (or already should have
    been), under the schools-causing-concern policy in force today."""
    policy = concern_policy_in_force(today)
    horizon = today + dt.timedelta(days=within_days)
    found: list[ReviewDue] = []
    concerns = (
        SchoolCausingConcern.objects.exclude(status=ConcernStatus.REMOVED)
        .select_related("establishment", "lead_officer")
        .order_by("establishment__name", "pk")
    )
    for concern in concerns:
        due = rules.plan_review_due(concern, policy)
        if due is not None and due <= horizon:
            found.append(ReviewDue(concern=concern, due_on=due, overdue=due < today))
    return found


def _review_due_key(item: ReviewDue) -> str:
    return f"plan-review-due:{item.concern.pk}:{item.due_on.isoformat()}"


def _notify_review_due(item: ReviewDue, recipient: User, *, for_school: bool) -> bool:
    school = item.concern.establishment.name
    when = long_date(item.due_on)
    if item.overdue:
        text = f"The review of {school}'s action plan was due by {when} and has not been recorded."
    else:
        text = f"The review of {school}'s action plan is due by {when}."
    if for_school:
        lead = item.concern.lead_officer
        who = f"your lead officer, {person_name(lead)}," if lead is not None else "your lead officer"
        body = f"{text}\n\nThe review looks at progress on each milestone of the plan and agrees the next steps. "
        body += f"Please agree a date for it with {who} if you have not already done so."
        link = reverse("concerns:plan", args=[item.concern.establishment.urn])
    else:
        body = (
            f"{text}\n\nAs lead officer, please review the plan with the school: rate progress on each milestone "
            "and record the plan agreed for the next period."
        )
        link = reverse("concerns:plan_review", args=[item.concern.establishment.urn])
    notice = notify(
        recipient=recipient,
        kind=NoticeKind.PLAN_REVIEW_DUE,
        text=text,
        link=link,
        email_subject=f"Action plan review for {school} {'overdue' if item.overdue else 'due by ' + when}",
        email_body=body,
        once=_review_due_key(item),
    )
    return notice is not None


def review_due_send(*, today: dt.date, within_days: int = DEFAULT_WITHIN_DAYS) -> list[tuple[ReviewDue, User]]:
    """Tells the lead officer and the school's users about each action plan review due within ``within_days``
    days or overdue, once per review per due date: run it again and nothing more is sent; record the review
    and the next due date brings a new notice in time. Returns who was told about what, now."""
    told: list[tuple[ReviewDue, User]] = []
    with transaction.atomic():
        for item in reviews_due(today=today, within_days=within_days):
            lead = item.concern.lead_officer
            if lead is not None and lead.is_active and _notify_review_due(item, lead, for_school=False):
                told.append((item, lead))
            for user in school_users(item.concern.establishment_id):
                if _notify_review_due(item, user, for_school=True):
                    told.append((item, user))
    return told


def letters_issued(concern: SchoolCausingConcern, letters: Sequence[Letter]) -> None:
    """Tells the school's users that letters to the headteacher or chair of governors have been issued. Called
    inside the transaction that writes them; the e-mails go once it commits."""
    to_school = [letter for letter in letters if letter.recipient != Letter.Recipient.TRUST]
    if not to_school:
        return
    school = concern.establishment
    authority = school.local_authority.name
    first = to_school[0]
    listed = "\n".join(f"- {letter.subject}, to the {letter.get_recipient_display().lower()}" for letter in to_school)
    text = f"{authority} has issued a letter about {school.name}: {first.subject}"
    body = (
        f"{authority} has issued {'a letter' if len(to_school) == 1 else 'letters'} about {school.name}, dated "
        f"{long_date(first.dated)}:\n\n{listed}\n\nYou can read and download "
        f"{'it' if len(to_school) == 1 else 'them'} with the school's action plan in Headway."
    )
    for user in school_users(school.pk):
        notify(
            recipient=user,
            kind=NoticeKind.LETTER_ISSUED,
            text=text,
            link=reverse("concerns:plan", args=[school.urn]),
            email_subject=f"Letter from {authority} about {school.name}",
            email_body=body,
        )
