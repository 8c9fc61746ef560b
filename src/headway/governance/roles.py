"""What GIAS's governance download says about a person, in the words a headteacher would use.

GIAS names each appointment's role (``Chair of governors``, ``Local governor``, ``Trustee``, ``Member``,
``Governance professional to a local authority maintained school`` ...) and who appointed them (``Elected by
parents``, ``Nominated by LA and appointed by GB`` ...). Headway keeps GIAS's words and reads from them:

* the **kind** of role: chair, governor, trustee, member, trust leader or governance professional (clerk);
* the **category** of place on the board the appointment fills (parent, staff, headteacher, local authority,
  foundation, partnership, co-opted, appointed by the trust's members, other), which the vacancies against the
  instrument of government count;
* a **person key**, to see the same person on several boards. GIAS gives every appointment its own GID and
  nothing that identifies a person, so Headway matches on the first forename and surname (ignoring case,
  accents, punctuation and the title, which people change); a second forename, when both records give one,
  must match too. Matches are "possibly the same person", for officers to check.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from django.db import models


class RoleKind(models.TextChoices):
    CHAIR = "chair", "Chair"
    GOVERNOR = "governor", "Governor"
    TRUSTEE = "trustee", "Trustee"
    MEMBER = "member", "Member"
    LEADER = "leader", "Trust leader"
    CLERK = "clerk", "Governance professional (clerk)"


#: Every role GIAS uses (lower case), with the kind Headway reads from it. GIAS's own spellings vary between
#: its pages and downloads ("Chair of Governors", "Chair of governors"); matching ignores case and spacing.
GIAS_ROLES: dict[str, str] = {
    "chair of governors": RoleKind.CHAIR,
    "chair of local governing body": RoleKind.CHAIR,
    "chair of trustees": RoleKind.CHAIR,
    "shared chair of local governing body": RoleKind.CHAIR,
    "shared chair of local governing body - group": RoleKind.CHAIR,
    "shared chair of local governing body - establishment": RoleKind.CHAIR,
    "governor": RoleKind.GOVERNOR,
    "local governor": RoleKind.GOVERNOR,
    "shared local governor": RoleKind.GOVERNOR,
    "shared local governor - group": RoleKind.GOVERNOR,
    "shared local governor - establishment": RoleKind.GOVERNOR,
    "trustee": RoleKind.TRUSTEE,
    "member": RoleKind.MEMBER,
    "member - individual": RoleKind.MEMBER,
    "member - organisation": RoleKind.MEMBER,
    "accounting officer": RoleKind.LEADER,
    "chief financial officer": RoleKind.LEADER,
    "governance professional to a local authority maintained school": RoleKind.CLERK,
    "governance professional to a federation": RoleKind.CLERK,
    "governance professional to an individual academy or free school": RoleKind.CLERK,
    "governance professional to a multi-academy trust (mat)": RoleKind.CLERK,
    "shared governance professional - group": RoleKind.CLERK,
    "shared governance professional - establishment": RoleKind.CLERK,
    "governance professional - local authority maintained school": RoleKind.CLERK,
    "governance professional - federation": RoleKind.CLERK,
    "governance professional - multi-academy trust (mat)": RoleKind.CLERK,
    "governance professional - single-academy trust (sat)": RoleKind.CLERK,
    "local governance professional - individual academy or free school": RoleKind.CLERK,
    "clerk to the governing body": RoleKind.CLERK,
}

#: The kinds that hold a place on the board (and count against the instrument of government).
BOARD_PLACES = (RoleKind.CHAIR, RoleKind.GOVERNOR, RoleKind.TRUSTEE)


def role_kind(role: str) -> str | None:
    """The kind of a GIAS role, or None for a role GIAS never uses."""
    return GIAS_ROLES.get(re.sub(r"\s+", " ", role.strip().lower()))


class Category(models.TextChoices):
    """The kinds of place an instrument of government sets the number of (School Governance (Constitution)
    (England) Regulations 2012), and the academy ones GIAS records."""

    PARENT = "parent", "Parent governors"
    STAFF = "staff", "Staff governors"
    HEADTEACHER = "headteacher", "Headteacher"
    LOCAL_AUTHORITY = "local_authority", "Local authority governors"
    FOUNDATION = "foundation", "Foundation governors"
    PARTNERSHIP = "partnership", "Partnership governors"
    CO_OPTED = "co_opted", "Co-opted governors"
    MEMBERS = "members", "Appointed by the trust's members"
    OTHER = "other", "Other"


#: The categories an instrument of government sets places for.
INSTRUMENT_CATEGORIES = (
    Category.PARENT,
    Category.STAFF,
    Category.HEADTEACHER,
    Category.LOCAL_AUTHORITY,
    Category.FOUNDATION,
    Category.PARTNERSHIP,
    Category.CO_OPTED,
)

# (words in the appointing body, category), tried in order: "Parent appointed by GB/board" is a parent
# governor, "Nominated by LA and appointed by GB" a local authority governor.
_CATEGORY_WORDS: tuple[tuple[str, str], ...] = (
    (r"\binterim\b", Category.OTHER),
    (r"\bheadteacher|\bprincipal\b", Category.HEADTEACHER),
    (r"\bparent", Category.PARENT),
    (r"\bstaff\b", Category.STAFF),
    (r"\bla\b|\blocal authority\b", Category.LOCAL_AUTHORITY),
    (r"\bfoundation|\bsponsor|\bdiocese|\bdiocesan", Category.FOUNDATION),
    (r"\bother body\b|\bpartnership\b", Category.PARTNERSHIP),
    (r"\bmembers\b", Category.MEMBERS),
    (r"\bgb\b|\bboard\b|\bgoverning\b|\bco-?opted\b", Category.CO_OPTED),
)


def category_of(appointing_body: str) -> str:
    """The kind of place an appointment fills, from GIAS's "Appointing body"."""
    text = appointing_body.strip().lower()
    for pattern, category in _CATEGORY_WORDS:
        if re.search(pattern, text):
            return category
    return Category.OTHER


def _plain(text: str) -> str:
    """Lower case, no accents, letters and digits only: ``O'Neill`` -> ``oneill``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum()).lower()


def person_key(forename: str, surname: str) -> str:
    """The key that finds the same person on several boards: first forename and surname."""
    first = _plain(forename.split()[0]) if forename.split() else ""
    return f"{first}|{_plain(surname)}"


def middle_key(forename_2: str) -> str:
    return _plain(forename_2)


def full_name(title: str, forename_1: str, forename_2: str, surname: str) -> str:
    """``Mrs Jane Smith``: title, first forename and surname, as a letter addresses someone."""
    return " ".join(part.strip() for part in (title, forename_1, surname) if part.strip())


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
