"""What the LA records about boards: each record checks its rules, refuses in the users' words and is audited
with who, when and what changed."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.accounts.models import AuditEvent, Role, User
from headway.governance import services
from headway.governance.models import Board, GovernanceReview, InstrumentOfGovernment, TrainingAttendance
from headway.governance.services import GovernanceRuleError
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.governance.factories import AppointmentFactory, BoardFactory, chair

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
PLACES = {
    "parent": 2,
    "staff": 1,
    "headteacher": 1,
    "local_authority": 1,
    "foundation": 0,
    "partnership": 0,
    "co_opted": 3,
}


@pytest.fixture
def la() -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="850", name="Hampshire")
    return authority


@pytest.fixture
def school(la: LocalAuthority) -> Establishment:
    made: Establishment = EstablishmentFactory(local_authority=la, name="Alton Infant School")
    return made


@pytest.fixture
def officer(la: LocalAuthority) -> User:
    user: User = UserFactory(username="officer", role=Role.LA_OFFICER, local_authority=la)
    return user


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("pk"))


def test_an_instrument_of_government_is_recorded_and_a_later_one_supersedes_it(
    school: Establishment, officer: User
) -> None:
    first = services.instrument_record(
        establishment=school, made_on=dt.date(2024, 9, 1), places=PLACES, by=officer, today=TODAY
    )
    assert first.board.establishment == school and first.total == 8
    second = services.instrument_record(
        establishment=school, made_on=dt.date(2026, 9, 1), places={**PLACES, "parent": 3}, by=officer, today=TODAY
    )
    assert InstrumentOfGovernment.objects.filter(board=first.board).count() == 2
    assert second.board == first.board  # one board for the school
    recorded = events("governance.instrument_recorded")
    assert [e.actor for e in recorded] == [officer, officer]
    assert recorded[0].before is None and recorded[0].after is not None and recorded[0].after["places"] == PLACES
    assert recorded[1].before == {"made_on": "2024-09-01", "places": PLACES}


@pytest.mark.parametrize(
    ("made_on", "places", "message"),
    [
        (TODAY + dt.timedelta(days=1), PLACES, "The instrument cannot take effect in the future (2 December 2026)."),
        (TODAY, {**PLACES, "co_opted": 0}, "A governing body has at least 7 governors; these places add up to 5."),
        (TODAY, {**PLACES, "headteacher": 2}, "A board has one headteacher place at most."),
        (TODAY, {**PLACES, "parent": -1}, "Parent governors: enter a whole number of places, 0 or more."),
        (TODAY, {**PLACES, "parent": 31}, "Parent governors: 31 places is more than any board has."),
        (TODAY, {**PLACES, "trustees": 2}, "An instrument of government has no places for trustees."),
        (dt.date(2023, 9, 1), PLACES, "The instrument in force took effect on 1 September 2024: a new one takes "),
    ],
    ids=["future", "too-few", "two-heads", "negative", "too-many", "unknown", "before-the-one-in-force"],
)
def test_an_instrument_the_rules_refuse_writes_nothing(
    school: Establishment, officer: User, made_on: dt.date, places: dict[str, int], message: str
) -> None:
    services.instrument_record(
        establishment=school, made_on=dt.date(2024, 9, 1), places=PLACES, by=officer, today=TODAY
    )
    before = (InstrumentOfGovernment.objects.count(), AuditEvent.objects.count(), Board.objects.count())
    with pytest.raises(GovernanceRuleError) as refused:
        services.instrument_record(establishment=school, made_on=made_on, places=places, by=officer, today=TODAY)
    assert str(refused.value).startswith(message)
    assert (InstrumentOfGovernment.objects.count(), AuditEvent.objects.count(), Board.objects.count()) == before


def test_a_refused_first_instrument_does_not_leave_an_empty_board(school: Establishment, officer: User) -> None:
    with pytest.raises(GovernanceRuleError):
        services.instrument_record(establishment=school, made_on=TODAY, places={}, by=officer, today=TODAY)
    assert not Board.objects.exists()


def test_the_vice_chair_is_a_current_governor_other_than_the_chair(school: Establishment, officer: User) -> None:
    board = BoardFactory(establishment=school)
    the_chair = chair(board)
    governor = AppointmentFactory(board=board, title="Mr", forename_1="Kwame", surname="Mensah")
    ended = AppointmentFactory(board=board, term_ends_on=TODAY - dt.timedelta(days=1))
    clerk = AppointmentFactory(board=board, kind="clerk", role="Governance professional to a federation")
    elsewhere = AppointmentFactory()
    assert services.vice_chair_choices(board, TODAY) == [governor]
    for wrong in (the_chair, ended, clerk, elsewhere):
        with pytest.raises(GovernanceRuleError, match="is not a current governor of this board other than its chair"):
            services.vice_chair_choose(board=board, appointment=wrong, by=officer, today=TODAY)
    services.vice_chair_choose(board=board, appointment=governor, by=officer, today=TODAY)
    board.refresh_from_db()
    assert board.vice_chair == governor
    services.vice_chair_choose(board=board, appointment=governor, by=officer, today=TODAY)  # no change: no event
    services.vice_chair_choose(board=board, appointment=None, by=officer, today=TODAY)
    board.refresh_from_db()
    assert board.vice_chair is None
    chosen = events("governance.vice_chair_chosen")
    assert [(e.before, e.after) for e in chosen] == [
        ({"vice_chair": None, "gid": None}, {"vice_chair": "Mr Kwame Mensah", "gid": governor.gid}),
        ({"vice_chair": "Mr Kwame Mensah", "gid": governor.gid}, {"vice_chair": None, "gid": None}),
    ]


def test_a_governance_review_is_recorded_once_it_has_taken_place(school: Establishment, officer: User) -> None:
    with pytest.raises(GovernanceRuleError) as refused:
        services.review_record(
            establishment=school,
            reviewed_on=TODAY + dt.timedelta(days=1),
            reviewed_by=" ",
            outcome="",
            required_by_concerns_policy=True,
            by=officer,
            today=TODAY,
        )
    assert refused.value.problems == [
        "Record a review once it has taken place: 2 December 2026 is in the future.",
        "Enter who carried out the review.",
        "Enter what the review found.",
    ]
    assert not GovernanceReview.objects.exists() and not Board.objects.exists()
    review = services.review_record(
        establishment=school,
        reviewed_on=TODAY,
        reviewed_by="A national leader of governance",
        outcome="The board challenges leaders well; minutes should record it.",
        required_by_concerns_policy=True,
        by=officer,
        today=TODAY,
    )
    assert review.board.establishment == school and review.required_by_concerns_policy
    (event,) = events("governance.review_recorded")
    assert event.actor == officer and event.after is not None and event.after["required_by_concerns_policy"] is True


def test_training_attendance_is_for_the_authoritys_governors_on_the_day(
    la: LocalAuthority, school: Establishment, officer: User
) -> None:
    board = BoardFactory(establishment=school)
    ours = AppointmentFactory(board=board, forename_1="Grace", surname="Begum")
    joined_later = AppointmentFactory(board=board, appointed_on=dt.date(2026, 11, 1))
    other_la = AppointmentFactory(forename_1="Femi", surname="Patel")
    session = services.training_session_record(
        local_authority=la, title="Safeguarding for governors", held_on=dt.date(2026, 10, 14), led_by="", by=officer
    )
    with pytest.raises(GovernanceRuleError) as refused:
        services.attendance_record(
            session=session, appointments=[ours, joined_later, other_la], by=officer, today=TODAY
        )
    assert refused.value.problems == [
        f"{joined_later.name} was not a governor of one of Hampshire's boards on 14 October 2026.",
        "Ms Femi Patel was not a governor of one of Hampshire's boards on 14 October 2026.",
    ]
    with pytest.raises(GovernanceRuleError, match="Choose at least one governor"):
        services.attendance_record(session=session, appointments=[], by=officer, today=TODAY)
    made = services.attendance_record(session=session, appointments=[ours, ours], by=officer, today=TODAY)
    assert len(made) == 1
    assert services.attendance_record(session=session, appointments=[ours], by=officer, today=TODAY) == []
    assert [e.after for e in events("governance.attendance_recorded")] == [
        {"session": "Safeguarding for governors (14 October 2026)", "governor": "Ms Grace Begum", "gid": ours.gid}
    ]
    planned = services.training_session_record(
        local_authority=la, title="Finance", held_on=dt.date(2027, 1, 20), led_by="Dev Evans", by=officer
    )
    with pytest.raises(GovernanceRuleError, match="once the session has been held: it is on 20 January 2027"):
        services.attendance_record(session=planned, appointments=[ours], by=officer, today=TODAY)
    assert len(events("governance.training_recorded")) == 2


def test_an_attendance_recorded_by_mistake_is_removed_with_a_reason(
    la: LocalAuthority, school: Establishment, officer: User
) -> None:
    governor = AppointmentFactory(board=BoardFactory(establishment=school))
    session = services.training_session_record(
        local_authority=la, title="Induction", held_on=dt.date(2026, 9, 30), led_by="", by=officer
    )
    (attendance,) = services.attendance_record(session=session, appointments=[governor], by=officer, today=TODAY)
    with pytest.raises(GovernanceRuleError, match="Say why"):
        services.attendance_remove(attendance=attendance, reason=" ", by=officer)
    services.attendance_remove(attendance=attendance, reason="Recorded against the wrong session", by=officer)
    assert not TrainingAttendance.objects.exists()
    (event,) = events("governance.attendance_removed")
    assert event.reason == "Recorded against the wrong session" and event.before is not None
    assert event.before["governor"] == governor.name
    with pytest.raises(GovernanceRuleError):
        services.training_session_record(local_authority=la, title=" ", held_on=TODAY, led_by="", by=officer)
