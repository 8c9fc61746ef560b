"""Telling people things: one in-app notice always, and an e-mail as well when the person has an address and has
chosen e-mail for that kind of notice (every kind is on until they turn it off at ``/accounts/notices/``).

Every domain calls ``notify``. E-mails go through Django's e-mail backend (SMTP when ``HEADWAY_EMAIL_HOST`` is
set, the console in the demo) and only once the transaction that caused them has committed, so a rolled-back
change sends nothing; a mail server that is down is logged and never undoes the change. A notice that must go
only once (a plan review due on a date, a week's digest) carries a ``once`` key: the second time it is asked
for, nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from headway.accounts import audit
from headway.accounts.models import NoticeKind, NoticePreference, NoticeSent, Role, User
from headway.visits.models import Notice

logger = logging.getLogger(__name__)

#: Which kinds of notice each role can receive (the choices shown on the preferences page).
KINDS_FOR_ROLE: Mapping[str, tuple[str, ...]] = {
    Role.SCHOOL_USER: (
        NoticeKind.NOTE_AWAITING,
        NoticeKind.NOTE_SHARED,
        NoticeKind.PLAN_REVIEW_DUE,
        NoticeKind.LETTER_ISSUED,
        NoticeKind.BOOKING,
    ),
    Role.LA_OFFICER: (NoticeKind.NOTE_RESPONSE, NoticeKind.PLAN_REVIEW_DUE, NoticeKind.WEEKLY_DIGEST),
    Role.LA_ADMIN: (NoticeKind.NOTE_RESPONSE, NoticeKind.PLAN_REVIEW_DUE, NoticeKind.WEEKLY_DIGEST),
    Role.BOARD_MEMBER: (),
}


def long_date(day: dt.date) -> str:
    """17 March 2026."""
    return f"{day.day} {day:%B %Y}"


def long_date_time(moment: dt.datetime) -> str:
    """17 March 2026 at 2:30pm, in the site's time zone."""
    from django.utils import timezone

    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    hour = local.hour % 12 or 12
    return f"{long_date(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def person_name(user: User) -> str:
    """A person as others read them: their full name; their email address when no name is recorded; never
    their username."""
    return user.get_full_name() or user.email or "A Headway user without a name recorded"


def name_and_title(user: User) -> str:
    """A person with their job title when they have one: "Olu Adebayo, Link adviser"."""
    title = (user.job_title or "").strip()
    return f"{person_name(user)}, {title}" if title else person_name(user)


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's address (``HEADWAY_SITE_URL``) and the page's path."""
    if path.startswith(("http://", "https://")):
        return path
    base = str(getattr(settings, "HEADWAY_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}/{path.lstrip('/')}" if path else base


def school_users(establishment_id: int) -> list[User]:
    """The active users linked to a school (its headteacher and chair of governors), who get its notices."""
    return list(
        User.objects.filter(role=Role.SCHOOL_USER, is_active=True, schools=establishment_id)
        .order_by("username")
        .distinct()
    )


# Preferences -----------------------------------------------------------------------------------------------------


def kinds_for(user: User) -> list[str]:
    """The kinds of notice this user can get, in the order the preferences page lists them."""
    return list(KINDS_FOR_ROLE.get(user.role, ()))


def email_choices(user: User) -> dict[str, bool]:
    """For every kind of notice, whether the user wants it by e-mail (yes unless they turned it off)."""
    chosen = dict(NoticePreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in NoticeKind.values}


def wants_email(user: User, kind: str) -> bool:
    """Whether an e-mail of this kind should go to the user: an active account with an address, and e-mail not
    turned off for the kind."""
    if not user.is_active or not user.email:
        return False
    preference = NoticePreference.objects.filter(user=user, kind=kind).values_list("email", flat=True).first()
    return preference is None or bool(preference)


def email_choices_save(*, user: User, email_kinds: Iterable[str], by: User) -> dict[str, bool]:
    """Saves which of the user's kinds of notice come by e-mail (the kinds not listed are turned off) and audits
    the change. Kinds the user's role cannot get are left as they were."""
    wanted = set(email_kinds)
    unknown = wanted - set(NoticeKind.values)
    if unknown:
        raise ValueError(f"unknown kinds of notice: {', '.join(sorted(unknown))}")
    before = email_choices(user)
    with transaction.atomic():
        for kind in kinds_for(user):
            NoticePreference.objects.update_or_create(user=user, kind=kind, defaults={"email": kind in wanted})
        after = email_choices(user)
        old, new = audit.changes(before, after)
        if new:
            audit.record(actor=by, verb="e-mail notices chosen", target=user, before=old, after=new)
    return after


# Sending ---------------------------------------------------------------------------------------------------------


def _claim(recipient: User, key: str) -> bool:
    """Records that the ``key`` notice has gone to the recipient; False if it had already gone."""
    with transaction.atomic():
        _, created = NoticeSent.objects.get_or_create(recipient=recipient, key=key[:200])
    return created


def already_sent(recipient: User, key: str) -> bool:
    return NoticeSent.objects.filter(recipient=recipient, key=key[:200]).exists()


def email_text(*, recipient: User, body: str, link: str = "") -> str:
    """The whole e-mail: greeting, what happened, the link to it in Headway, and how to change what comes by
    e-mail."""
    parts = [f"Dear {person_name(recipient)},", body.strip()]
    if link:
        parts.append(f"Open it in Headway:\n{absolute_url(link)}")
    parts.append(
        "You can choose which notices come to you by e-mail on your e-mail notices page:\n"
        f"{absolute_url(reverse('accounts:notices'))}"
    )
    return "\n\n".join(parts) + "\n"


def _email_on_commit(*, address: str, subject: str, body: str) -> None:
    def send() -> None:
        try:
            send_mail(subject, body, None, [address], fail_silently=False)
        except Exception:  # a mail server down must not fail the request whose change has committed
            logger.exception("Could not send the e-mail %r to %s", subject, address)

    transaction.on_commit(send)


def notify(
    *,
    recipient: User,
    kind: str,
    text: str,
    link: str = "",
    email_subject: str = "",
    email_body: str = "",
    once: str = "",
) -> Notice | None:
    """One in-app notice for the recipient, and an e-mail after commit when they have an address and want this
    kind by e-mail. With ``once``, nothing happens if a notice with that key has gone to them before (and None
    is returned)."""
    if kind not in NoticeKind.values:
        raise ValueError(f"unknown kind of notice {kind!r}")
    if once and not _claim(recipient, once):
        return None
    notice = Notice.objects.create(recipient=recipient, text=text[:300], link=link[:300])
    if wants_email(recipient, kind):
        _email_on_commit(
            address=recipient.email,
            subject=email_subject or text[:150],
            body=email_text(recipient=recipient, body=email_body or text, link=link),
        )
    return notice
