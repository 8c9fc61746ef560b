"""Everything the LA records about governing boards: the instrument of government's places, the vice chair,
governance reviews, and the governor training it provides with who attended.

Each function checks its rules, writes in one transaction and records who, when and what changed through the
audit service. A rule broken raises ``GovernanceRuleError`` with a message in the users' words, which the pages
show as a form error. Appointments themselves change only through the GIAS import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from headway.accounts import audit
from headway.accounts.models import User
from headway.governance.models import (
    Appointment,
    Board,
    GovernanceReview,
    InstrumentOfGovernment,
    TrainingAttendance,
    TrainingSession,
)
from headway.governance.roles import BOARD_PLACES, INSTRUMENT_CATEGORIES, Category
from headway.governance.selectors import boards_of, is_current, latest_instruments
from headway.refusals import RuleRefused
from headway.schools.models import Establishment, LocalAuthority

#: School Governance (Constitution) (England) Regulations 2012, regulation 13: at least seven governors.
MINIMUM_PLACES = 7
MOST_PLACES_IN_A_CATEGORY = 30


class GovernanceRuleError(RuleRefused):
    """The record asked for breaks a rule; the message says which, in the users' words."""


def _day(value: dt.date) -> str:
    return f"{value:%-d %B %Y}"


def school_board_get_or_create(*, establishment: Establishment) -> Board:
    """The school's board; one with no governors yet when GIAS's download has not listed any."""
    board, _created = Board.objects.get_or_create(establishment=establishment)
    return board


# The instrument of government --------------------------------------------------------------------------------------


def instrument_record(
    *, establishment: Establishment, made_on: dt.date, places: Mapping[str, int], by: User, today: dt.date
) -> InstrumentOfGovernment:
    """Records the places the school's instrument of government sets, from the day it took effect. (A trust's
    board has articles of association instead, so only schools have one.)"""
    if made_on > today:
        raise GovernanceRuleError(f"The instrument cannot take effect in the future ({_day(made_on)}).")
    unknown = sorted(set(places) - set(INSTRUMENT_CATEGORIES))
    if unknown:
        raise GovernanceRuleError(f"An instrument of government has no places for {', '.join(unknown)}.")
    labels = dict(Category.choices)
    cleaned: dict[str, int] = {}
    for category in INSTRUMENT_CATEGORIES:
        number = places.get(category, 0)
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise GovernanceRuleError(f"{labels[category]}: enter a whole number of places, 0 or more.")
        if number > MOST_PLACES_IN_A_CATEGORY:
            raise GovernanceRuleError(f"{labels[category]}: {number} places is more than any board has.")
        cleaned[category] = number
    if cleaned[Category.HEADTEACHER] > 1:
        raise GovernanceRuleError("A board has one headteacher place at most.")
    if sum(cleaned.values()) < MINIMUM_PLACES:
        raise GovernanceRuleError(
            f"A governing body has at least {MINIMUM_PLACES} governors; these places add up to {sum(cleaned.values())}."
        )
    with transaction.atomic():
        board = school_board_get_or_create(establishment=establishment)
        previous = latest_instruments([board.pk]).get(board.pk)
        if previous is not None and made_on < previous.made_on:
            raise GovernanceRuleError(
                f"The instrument in force took effect on {_day(previous.made_on)}: a new one takes effect on or "
                "after that day."
            )
        instrument = InstrumentOfGovernment.objects.create(board=board, made_on=made_on, places=cleaned, recorded_by=by)
        audit.record(
            actor=by,
            verb="governance.instrument_recorded",
            target=instrument,
            before={"made_on": previous.made_on, "places": previous.places} if previous else None,
            after={"board": board.name, "made_on": made_on, "places": cleaned},
        )
    return instrument


# The vice chair ----------------------------------------------------------------------------------------------------


def vice_chair_choices(board: Board, as_of: dt.date) -> list[Appointment]:
    """Who may be the vice chair: the board's current governors or trustees, other than a chair."""
    return [
        a
        for a in board.appointments.filter(kind__in=BOARD_PLACES).order_by("surname", "forename_1", "gid")
        if is_current(a, as_of) and a.kind != "chair"
    ]


def vice_chair_choose(*, board: Board, appointment: Appointment | None, by: User, today: dt.date) -> Board:
    """Records who the board's vice chair is (GIAS does not), or that it has none."""
    if appointment is not None and appointment.pk not in {a.pk for a in vice_chair_choices(board, today)}:
        raise GovernanceRuleError(f"{appointment.name} is not a current governor of this board other than its chair.")
    with transaction.atomic():
        # No select_related here: on PostgreSQL a row lock waited for re-reads the locked row but not the rows
        # joined to it, so a joined vice chair could be the one from before the other change.
        locked = Board.objects.select_for_update().get(pk=board.pk)
        before = locked.vice_chair
        if (before.pk if before else None) == (appointment.pk if appointment else None):
            return locked
        locked.vice_chair = appointment
        locked.save(update_fields=["vice_chair"])
        audit.record(
            actor=by,
            verb="governance.vice_chair_chosen",
            target=locked,
            before={"vice_chair": before.name if before else None, "gid": before.gid if before else None},
            after={
                "vice_chair": appointment.name if appointment else None,
                "gid": appointment.gid if appointment else None,
            },
        )
    board.vice_chair = appointment
    return locked


# Governance reviews ------------------------------------------------------------------------------------------------


def review_record(
    *,
    establishment: Establishment,
    reviewed_on: dt.date,
    reviewed_by: str,
    outcome: str,
    required_by_concerns_policy: bool,
    by: User,
    today: dt.date,
) -> GovernanceReview:
    """Records a review of the school board's governance that has taken place."""
    problems = []
    if reviewed_on > today:
        problems.append(f"Record a review once it has taken place: {_day(reviewed_on)} is in the future.")
    if not reviewed_by.strip():
        problems.append("Enter who carried out the review.")
    if not outcome.strip():
        problems.append("Enter what the review found.")
    if problems:
        raise GovernanceRuleError(*problems)
    with transaction.atomic():
        board = school_board_get_or_create(establishment=establishment)
        review = GovernanceReview.objects.create(
            board=board,
            reviewed_on=reviewed_on,
            reviewed_by=reviewed_by.strip(),
            outcome=outcome.strip(),
            required_by_concerns_policy=required_by_concerns_policy,
            recorded_by=by,
        )
        audit.record(
            actor=by,
            verb="governance.review_recorded",
            target=review,
            after={
                "board": board.name,
                "reviewed_on": reviewed_on,
                "reviewed_by": review.reviewed_by,
                "outcome": review.outcome,
                "required_by_concerns_policy": required_by_concerns_policy,
            },
        )
    return review


# Governor training -------------------------------------------------------------------------------------------------


def training_session_record(
    *, local_authority: LocalAuthority, title: str, held_on: dt.date, led_by: str, by: User
) -> TrainingSession:
    """Records a training session the LA provides (or will provide) for governors."""
    if not title.strip():
        raise GovernanceRuleError("Enter the session's title.")
    with transaction.atomic():
        session = TrainingSession.objects.create(
            local_authority=local_authority, title=title.strip(), held_on=held_on, led_by=led_by.strip(), recorded_by=by
        )
        audit.record(
            actor=by,
            verb="governance.training_recorded",
            target=session,
            after={"title": session.title, "held_on": held_on, "led_by": session.led_by},
        )
    return session


def attendance_record(
    *, session: TrainingSession, appointments: Sequence[Appointment], by: User, today: dt.date
) -> list[TrainingAttendance]:
    """Records that these governors attended the session: each a member of one of the authority's boards on the
    day of the session. Someone already recorded is not recorded twice."""
    if session.held_on > today:
        raise GovernanceRuleError(
            f"Record who attended once the session has been held: it is on {_day(session.held_on)}."
        )
    if not appointments:
        raise GovernanceRuleError("Choose at least one governor who attended.")
    allowed = set(boards_of(session.local_authority).values_list("pk", flat=True))
    problems = [
        f"{a.name} was not a governor of one of {session.local_authority.name}'s boards on {_day(session.held_on)}."
        for a in appointments
        if a.board_id not in allowed or not is_current(a, session.held_on)
    ]
    if problems:
        raise GovernanceRuleError(*problems)
    made: list[TrainingAttendance] = []
    with transaction.atomic():
        already = set(session.attendances.values_list("appointment_id", flat=True))
        for appointment in appointments:
            if appointment.pk in already:
                continue
            already.add(appointment.pk)
            attendance = TrainingAttendance.objects.create(session=session, appointment=appointment, recorded_by=by)
            audit.record(
                actor=by,
                verb="governance.attendance_recorded",
                target=attendance,
                after={"session": str(session), "governor": appointment.name, "gid": appointment.gid},
            )
            made.append(attendance)
    return made


def attendance_remove(*, attendance: TrainingAttendance, reason: str, by: User) -> None:
    """Removes an attendance recorded by mistake; the audit trail keeps what it was and why it went."""
    if not reason.strip():
        raise GovernanceRuleError("Say why the attendance is removed.")
    state: dict[str, Any] = {
        "session": str(attendance.session),
        "governor": attendance.appointment.name,
        "gid": attendance.appointment.gid,
    }
    with transaction.atomic():
        audit.record(
            actor=by, verb="governance.attendance_removed", target=attendance, before=state, reason=reason.strip()
        )
        attendance.delete()
