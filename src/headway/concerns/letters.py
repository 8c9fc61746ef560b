"""Letters to headteachers, chairs of governors and trusts: placeholder until the letter templates land."""

from __future__ import annotations

import datetime as dt

from headway.accounts.models import User
from headway.concerns.models import Letter, ReviewGroupDecision, SchoolCausingConcern, WarningNotice


def letters_write(
    *,
    concern: SchoolCausingConcern,
    kind: str,
    by: User,
    dated: dt.date,
    decision: ReviewGroupDecision | None = None,
    warning_notice: WarningNotice | None = None,
) -> list[Letter]:
    return []
