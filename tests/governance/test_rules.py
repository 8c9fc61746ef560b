"""The rules read from GIAS's words, day-exact on both sides: who is current, who is the chair, whose term ends
soon, which place each appointment fills, vacancies against the instrument of government, and who may be the
same person on several boards."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.accounts.models import User
from headway.governance import selectors
from headway.governance.models import InstrumentOfGovernment
from headway.governance.roles import Category, add_months, category_of, person_key, role_kind
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.governance.factories import AppointmentFactory, BoardFactory, chair

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 1)


def test_current_means_listed_started_and_not_yet_ended_day_exact() -> None:
    board = BoardFactory()
    ends_today = AppointmentFactory(board=board, term_ends_on=DAY)
    ended_yesterday = AppointmentFactory(board=board, term_ends_on=DAY - dt.timedelta(days=1))
    starts_today = AppointmentFactory(board=board, appointed_on=DAY)
    starts_tomorrow = AppointmentFactory(board=board, appointed_on=DAY + dt.timedelta(days=1))
    no_dates = AppointmentFactory(board=board, appointed_on=None, term_ends_on=None)
    gone = AppointmentFactory(board=board, no_longer_listed_on=DAY - dt.timedelta(days=30))
    current = set(board.appointments.filter(selectors.current_q(DAY)))
    assert current == {ends_today, starts_today, no_dates}
    for appointment in (ends_today, ended_yesterday, starts_today, starts_tomorrow, no_dates, gone):
        assert selectors.is_current(appointment, DAY) == (appointment in current)


def test_a_term_ends_soon_up_to_three_months_ahead_day_exact() -> None:
    assert add_months(DAY, 3) == dt.date(2027, 3, 1)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    board = BoardFactory()
    on_the_day = AppointmentFactory(board=board, term_ends_on=dt.date(2027, 3, 1))
    a_day_later = AppointmentFactory(board=board, term_ends_on=dt.date(2027, 3, 2))
    today = AppointmentFactory(board=board, term_ends_on=DAY)
    no_end = AppointmentFactory(board=board, term_ends_on=None)
    assert [selectors.ends_soon(a, DAY) for a in (on_the_day, a_day_later, today, no_end)] == [
        True,
        False,
        True,
        False,
    ]


def test_the_chair_is_the_current_chair_most_recently_appointed() -> None:
    school = EstablishmentFactory()
    board = BoardFactory(establishment=school)
    assert selectors.current_chair(school, DAY) is None
    chair(board, appointed_on=dt.date(2018, 9, 1), term_ends_on=DAY - dt.timedelta(days=1))  # term over
    assert selectors.current_chair(school, DAY) is None
    older = chair(board, appointed_on=dt.date(2020, 9, 1))
    newer = chair(board, appointed_on=dt.date(2024, 9, 1), title="Dr", forename_1="Ada", surname="Byron")
    AppointmentFactory(board=board, appointed_on=dt.date(2025, 9, 1))  # a governor, not a chair
    assert selectors.current_chair(school, DAY) == newer
    assert selectors.current_chair(school, dt.date(2022, 1, 1)) == older
    assert newer.name == "Dr Ada Byron"


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("Chair of governors", "chair"),
        ("Chair of Local Governing Body", "chair"),
        ("  chair of   trustees ", "chair"),
        ("Shared chair of local governing body - group", "chair"),
        ("Local governor", "governor"),
        ("Trustee", "trustee"),
        ("Member - organisation", "member"),
        ("Accounting officer", "leader"),
        ("Governance professional to a local authority maintained school", "clerk"),
        ("Vice-chair of governors", None),
        ("Headteacher", None),
        ("", None),
    ],
)
def test_the_kind_of_role_gias_uses(role: str, kind: str | None) -> None:
    assert role_kind(role) == kind


@pytest.mark.parametrize(
    ("appointing_body", "category"),
    [
        ("Elected by parents", Category.PARENT),
        ("Parents", Category.PARENT),
        ("Parent appointed by GB/board due to no election candidates", Category.PARENT),
        ("Elected by school staff", Category.STAFF),
        ("Staff", Category.STAFF),
        ("Nominated by LA and appointed by GB", Category.LOCAL_AUTHORITY),
        ("Local authority", Category.LOCAL_AUTHORITY),
        ("Ex-officio by virtue of office as headteacher/principal", Category.HEADTEACHER),
        ("Appointed by foundation/trust", Category.FOUNDATION),
        ("Foundation / Trust", Category.FOUNDATION),
        (
            "Ex-officio foundation governor (appointed by foundation by virtue of the office they hold)",
            Category.FOUNDATION,
        ),
        ("Nominated by other body and appointed by GB", Category.PARTNERSHIP),
        ("Appointed by GB/board", Category.CO_OPTED),
        ("Appointed by academy members", Category.MEMBERS),
        ("Appointed by members", Category.MEMBERS),
        ("Interim executive board", Category.OTHER),
        ("", Category.OTHER),
    ],
)
def test_the_place_each_appointment_fills(appointing_body: str, category: str) -> None:
    assert category_of(appointing_body) == category


def test_vacancies_against_the_instrument_of_government() -> None:
    officer: User = UserFactory()
    board = BoardFactory()
    for body in ("Elected by parents", "Elected by school staff", "Elected by school staff", "Appointed by GB/board"):
        AppointmentFactory(board=board, appointing_body=body)
    AppointmentFactory(board=board, role="Governance professional to a local authority maintained school", kind="clerk")
    current = list(board.appointments.filter(selectors.current_q(DAY)))
    assert selectors.vacancies(None, current) is None
    instrument = InstrumentOfGovernment.objects.create(
        board=board,
        made_on=dt.date(2025, 9, 1),
        places={"parent": 2, "staff": 1, "headteacher": 1, "local_authority": 1, "co_opted": 3},
        recorded_by=officer,
    )
    found = selectors.vacancies(instrument, current)
    assert found is not None
    rows = {r.category: (r.places, r.filled, r.vacant, r.over) for r in found.rows}
    assert rows == {
        "parent": (2, 1, 1, 0),
        "staff": (1, 2, 0, 1),
        "headteacher": (1, 0, 1, 0),
        "local_authority": (1, 0, 1, 0),
        "co_opted": (3, 1, 2, 0),
    }
    assert (found.places, found.filled, found.vacant, found.over) == (8, 4, 5, 1)  # the clerk holds no place


def test_the_same_person_is_matched_by_name_ignoring_title_case_and_accents() -> None:
    assert person_key("Siobhán", "Ó Briain") == person_key("siobhan", "O'Briain") == "siobhan|obriain"
    assert person_key("Jane Anne", "Smith") == person_key("Jane", "SMITH")
    la = LocalAuthorityFactory(code="801")
    ours = BoardFactory(establishment=EstablishmentFactory(local_authority=la))
    elsewhere = BoardFactory(establishment=EstablishmentFactory(local_authority=LocalAuthorityFactory(code="802")))
    third = BoardFactory(establishment=EstablishmentFactory(local_authority=la))
    AppointmentFactory(board=ours, title="Ms", forename_1="Ben", surname="Okafor")
    AppointmentFactory(board=elsewhere, title="Mrs", forename_1="Ben", surname="okafor")
    # Two people called John Smith: their middle names differ, so they are not matched with each other, but the
    # John Smith with no middle name could be either.
    AppointmentFactory(board=ours, forename_1="John", forename_2="Adam", surname="Smith")
    AppointmentFactory(board=elsewhere, forename_1="John", forename_2="Brian", surname="Smith")
    AppointmentFactory(board=third, forename_1="John", surname="Smith")
    # One board only, twice: not "several boards".
    AppointmentFactory(board=ours, forename_1="Kemi", surname="Jones")
    AppointmentFactory(board=ours, forename_1="Kemi", surname="Jones", role="Chair of governors", kind="chair")
    # A clerk to many boards is not listed, and someone whose term is over is not on the board now.
    for board in (ours, elsewhere):
        AppointmentFactory(board=board, forename_1="Clara", surname="Clerk", kind="clerk")
    AppointmentFactory(board=ours, forename_1="Old", surname="Timer")
    AppointmentFactory(board=elsewhere, forename_1="Old", surname="Timer", term_ends_on=dt.date(2025, 8, 31))

    people = selectors.people_on_several_boards(la, DAY)
    found = {(p.name, tuple(sorted(a.board_id for a in p.appointments))) for p in people}
    assert found == {
        ("Ben Okafor", tuple(sorted((ours.pk, elsewhere.pk)))),
        ("John Adam Smith", tuple(sorted((ours.pk, third.pk)))),
        ("John Brian Smith", tuple(sorted((elsewhere.pk, third.pk)))),
    }
    # Another authority's boards alone are not the authority's business.
    assert selectors.people_on_several_boards(LocalAuthorityFactory(code="803"), DAY) == []
