"""Reading governing boards: who is on them now, the chair, vacancies against the instrument of government,
terms ending soon, people on several boards, reviews and training.

**Current** means, on a day: the appointment is still listed by GIAS (the last import of its board listed it),
it started on or before that day (or GIAS gives no date) and its term of office ends on or after that day (or
GIAS gives no end): a term that ends on 31 August is current all of 31 August.

A board's **chair** is its current appointment in a chair's role (chair of governors, of the local governing
body, or of trustees); if GIAS lists more than one, the most recently appointed.

Every function here makes a fixed number of queries, whatever the number of schools or people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from headway.governance.models import (
    Appointment,
    Board,
    GovernanceReview,
    InstrumentOfGovernment,
    TrainingAttendance,
    TrainingSession,
)
from headway.governance.roles import (
    BOARD_PLACES,
    INSTRUMENT_CATEGORIES,
    Category,
    RoleKind,
    add_months,
    middle_key,
)
from headway.schools.models import Establishment, Governance, GroupMembership, LocalAuthority

#: Terms ending within this many months are shown as ending soon.
ENDING_SOON_MONTHS = 3


def current_q(as_of: dt.date, prefix: str = "") -> Q:
    """The appointments current on ``as_of`` (see the module's notes)."""
    return (
        Q(**{f"{prefix}no_longer_listed_on__isnull": True})
        & (Q(**{f"{prefix}appointed_on__isnull": True}) | Q(**{f"{prefix}appointed_on__lte": as_of}))
        & (Q(**{f"{prefix}term_ends_on__isnull": True}) | Q(**{f"{prefix}term_ends_on__gte": as_of}))
    )


def is_current(appointment: Appointment, as_of: dt.date) -> bool:
    return (
        appointment.no_longer_listed_on is None
        and (appointment.appointed_on is None or appointment.appointed_on <= as_of)
        and (appointment.term_ends_on is None or appointment.term_ends_on >= as_of)
    )


def ends_soon(appointment: Appointment, as_of: dt.date) -> bool:
    """A current appointment whose term ends within the next three months."""
    ends = appointment.term_ends_on
    return ends is not None and as_of <= ends <= add_months(as_of, ENDING_SOON_MONTHS)


def choose_chair(appointments: Iterable[Appointment]) -> Appointment | None:
    """The chair among current appointments: the most recently appointed in a chair's role."""
    chairs = [a for a in appointments if a.kind == RoleKind.CHAIR]
    if not chairs:
        return None
    return max(chairs, key=lambda a: (a.appointed_on or dt.date.min, a.gid))


def current_chair(establishment: Establishment, as_of: dt.date) -> Appointment | None:
    """The school's chair of governors (an academy's chair of the local governing body) on ``as_of``."""
    return choose_chair(
        Appointment.objects.filter(current_q(as_of), board__establishment=establishment, kind=RoleKind.CHAIR)
    )


def open_schools(local_authority: LocalAuthority) -> QuerySet[Establishment]:
    """The authority's open schools that have governing boards: every open school but independent ones."""
    return (
        Establishment.objects.filter(local_authority=local_authority, status__istartswith="open")
        .exclude(governance=Governance.INDEPENDENT)
        .order_by("name", "urn")
    )


def boards_of(local_authority: LocalAuthority) -> QuerySet[Board]:
    """The boards of the authority's schools and of the trusts its open schools belong to now."""
    trusts = GroupMembership.objects.filter(
        left_on__isnull=True,
        establishment__local_authority=local_authority,
        establishment__status__istartswith="open",
    ).values("group_id")
    return Board.objects.filter(Q(establishment__local_authority=local_authority) | Q(group_id__in=trusts))


def trust_board_of(establishment: Establishment) -> Board | None:
    """The board of the trust the school belongs to now, if GIAS's governance download has it."""
    groups = GroupMembership.objects.filter(establishment=establishment, left_on__isnull=True).values("group_id")
    return Board.objects.filter(group_id__in=groups).select_related("group").order_by("pk").first()


# Chairs ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChairRow:
    school: Establishment
    chair: Appointment | None

    def as_json(self) -> dict[str, str | None]:
        chair = self.chair
        return {
            "urn": str(self.school.urn),
            "chair": chair.name if chair else None,
            "appointed": chair.appointed_on.isoformat() if chair and chair.appointed_on else None,
            "term_ends": chair.term_ends_on.isoformat() if chair and chair.term_ends_on else None,
        }


def chairs_for(local_authority: LocalAuthority, as_of: dt.date) -> list[ChairRow]:
    """Every open school of the authority (see ``open_schools``) with its current chair, or None."""
    schools = list(open_schools(local_authority))
    by_school: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in Appointment.objects.filter(
        current_q(as_of), kind=RoleKind.CHAIR, board__establishment__in=[s.pk for s in schools]
    ).select_related("board"):
        by_school[appointment.board.establishment_id or 0].append(appointment)
    return [ChairRow(school=s, chair=choose_chair(by_school.get(s.pk, []))) for s in schools]


# Vacancies ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VacancyRow:
    category: str
    label: str
    places: int
    filled: int

    @property
    def vacant(self) -> int:
        return max(self.places - self.filled, 0)

    @property
    def over(self) -> int:
        return max(self.filled - self.places, 0)


@dataclass(frozen=True)
class Vacancies:
    instrument: InstrumentOfGovernment
    rows: tuple[VacancyRow, ...]

    @property
    def places(self) -> int:
        return sum(r.places for r in self.rows)

    @property
    def filled(self) -> int:
        return sum(r.filled for r in self.rows)

    @property
    def vacant(self) -> int:
        return sum(r.vacant for r in self.rows)

    @property
    def over(self) -> int:
        return sum(r.over for r in self.rows)


def vacancies(instrument: InstrumentOfGovernment | None, current: Sequence[Appointment]) -> Vacancies | None:
    """Places the instrument of government sets against the current governors in each category; None when the
    LA has not recorded the instrument."""
    if instrument is None:
        return None
    filled: dict[str, int] = defaultdict(int)
    for appointment in current:
        if appointment.kind in BOARD_PLACES:
            filled[appointment.category] += 1
    labels = dict(Category.choices)
    categories = [*INSTRUMENT_CATEGORIES, *(c for c in Category.values if c not in INSTRUMENT_CATEGORIES)]
    rows = tuple(
        VacancyRow(c, labels[c], int(instrument.places.get(c, 0)), filled.get(c, 0))
        for c in categories
        if int(instrument.places.get(c, 0)) or filled.get(c, 0)
    )
    return Vacancies(instrument=instrument, rows=rows)


def latest_instruments(boards: Iterable[int]) -> dict[int, InstrumentOfGovernment]:
    """The instrument of government in force for each board (the latest to take effect)."""
    latest: dict[int, InstrumentOfGovernment] = {}
    for instrument in InstrumentOfGovernment.objects.filter(board_id__in=list(boards)).order_by(
        "board_id", "-made_on", "-id"
    ):
        latest.setdefault(instrument.board_id, instrument)
    return latest


# People on several boards ------------------------------------------------------------------------------------------


@dataclass
class PersonOnBoards:
    """Possibly one person: current appointments on different boards with the same name."""

    name: str
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def boards(self) -> int:
        return len({a.board_id for a in self.appointments})


def _display_name(appointment: Appointment) -> str:
    parts = (appointment.forename_1, appointment.forename_2, appointment.surname)
    return " ".join(p.strip() for p in parts if p.strip())


def _people(appointments: Iterable[Appointment]) -> list[PersonOnBoards]:
    """Appointments grouped as possibly the same person (see ``roles``): the same first forename and surname,
    and the same second forename when both give one."""
    by_key: dict[str, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        by_key[appointment.person_key].append(appointment)
    people: list[PersonOnBoards] = []
    for group in by_key.values():
        middles = sorted({middle_key(a.forename_2) for a in group} - {""})
        splits = (
            [[a for a in group if middle_key(a.forename_2) in {m, ""}] for m in middles]
            if len(middles) > 1
            else [group]
        )
        for split in splits:
            ordered = sorted(split, key=lambda a: (a.board_id, a.gid))
            named = min(ordered, key=lambda a: (not a.forename_2, a.board_id, a.gid))
            people.append(PersonOnBoards(name=_display_name(named), appointments=ordered))
    return people


def _with_boards(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return queryset.select_related("board__establishment", "board__group")


def people_on_several_boards(local_authority: LocalAuthority, as_of: dt.date) -> list[PersonOnBoards]:
    """People (matched by name) currently on two or more boards, one of them a board of the authority's
    schools or trusts; with every board they are on, wherever it is."""
    governors = Appointment.objects.filter(current_q(as_of)).exclude(kind=RoleKind.CLERK)
    keys = governors.filter(board__in=boards_of(local_authority)).values("person_key")
    appointments = _with_boards(governors.filter(person_key__in=keys))
    people = [p for p in _people(appointments) if p.boards > 1]
    return sorted(people, key=lambda p: (p.appointments[0].surname.lower(), p.name.lower()))


# A board's page ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    appointment: Appointment
    ends_soon: bool
    other_boards: tuple[Appointment, ...]


@dataclass(frozen=True)
class BoardPage:
    board: Board
    as_of: dt.date
    members: tuple[MemberRow, ...]
    chair: Appointment | None
    vice_chair: Appointment | None
    professionals: tuple[Appointment, ...]
    past: tuple[Appointment, ...]
    vacancies: Vacancies | None
    reviews: tuple[GovernanceReview, ...]
    training: tuple[TrainingAttendance, ...]
    trust_board: Board | None

    @property
    def ending_soon(self) -> list[MemberRow]:
        return [m for m in self.members if m.ends_soon]

    @property
    def several_boards(self) -> list[MemberRow]:
        return [m for m in self.members if m.other_boards]


KIND_ORDER = {kind: index for index, kind in enumerate(RoleKind.values)}


def board_page(board: Board, as_of: dt.date) -> BoardPage:
    """Everything the board's page shows, as of a day."""
    appointments = list(board.appointments.all())
    current = [a for a in appointments if is_current(a, as_of)]
    current.sort(key=lambda a: (KIND_ORDER[a.kind], a.surname.lower(), a.forename_1.lower(), a.gid))
    chair = choose_chair(current)
    vice = board.vice_chair if board.vice_chair is not None and is_current(board.vice_chair, as_of) else None

    governors = [a for a in current if a.kind != RoleKind.CLERK]
    keys = sorted({a.person_key for a in governors})
    elsewhere = _with_boards(
        Appointment.objects.filter(current_q(as_of), person_key__in=keys)
        .exclude(board=board)
        .exclude(kind=RoleKind.CLERK)
    )
    others: dict[int, list[Appointment]] = defaultdict(list)
    for person in _people([*governors, *elsewhere]):
        mine = [a for a in person.appointments if a.board_id == board.pk]
        theirs = tuple(a for a in person.appointments if a.board_id != board.pk)
        for appointment in mine:
            others[appointment.pk].extend(theirs)
    members = tuple(MemberRow(a, ends_soon(a, as_of), tuple(others.get(a.pk, ()))) for a in governors)
    past = sorted(
        (a for a in appointments if not is_current(a, as_of)),
        key=lambda a: a.term_ends_on or a.no_longer_listed_on or dt.date.max,
        reverse=True,
    )
    instrument = latest_instruments([board.pk]).get(board.pk)
    return BoardPage(
        board=board,
        as_of=as_of,
        members=members,
        chair=chair,
        vice_chair=vice,
        professionals=tuple(a for a in current if a.kind == RoleKind.CLERK),
        past=tuple(past),
        vacancies=vacancies(instrument, current) if not board.is_trust else None,
        reviews=tuple(board.reviews.select_related("recorded_by")),
        training=tuple(
            TrainingAttendance.objects.filter(appointment__board=board)
            .select_related("session", "appointment")
            .order_by("-session__held_on", "appointment__surname")
        ),
        trust_board=trust_board_of(board.establishment) if board.establishment is not None else None,
    )


def school_board(establishment: Establishment) -> Board | None:
    return Board.objects.filter(establishment=establishment).select_related("vice_chair", "establishment").first()


# The authority's overview ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VacancySchool:
    school: Establishment
    vacancies: Vacancies


@dataclass(frozen=True)
class Overview:
    chairs: tuple[ChairRow, ...]
    ending_soon: tuple[Appointment, ...]
    vacancies: tuple[VacancySchool, ...]
    without_instrument: int
    ending_by: dt.date
    trust_boards: tuple[Board, ...]
    reviews: tuple[GovernanceReview, ...]

    @property
    def no_chair(self) -> list[ChairRow]:
        return [row for row in self.chairs if row.chair is None]


def overview(local_authority: LocalAuthority, as_of: dt.date) -> Overview:
    """The authority's boards at a glance: every school's chair, schools without one, terms ending in the next
    three months, vacancies against recorded instruments of government, trust boards and recent reviews."""
    chairs = chairs_for(local_authority, as_of)
    schools = {row.school.pk: row.school for row in chairs}
    boards = boards_of(local_authority)
    current = list(
        Appointment.objects.filter(current_q(as_of), board__in=boards).select_related(
            "board__establishment", "board__group"
        )
    )
    soon = sorted(
        (a for a in current if ends_soon(a, as_of)),
        key=lambda a: (a.term_ends_on or dt.date.max, a.board.name, a.surname),
    )
    school_boards = {b.pk: b.establishment_id for b in Board.objects.filter(establishment_id__in=list(schools))}
    instruments = latest_instruments(school_boards)
    by_board: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in current:
        by_board[appointment.board_id].append(appointment)
    gaps: list[VacancySchool] = []
    for board_id, instrument in instruments.items():
        found = vacancies(instrument, by_board.get(board_id, []))
        school = schools.get(school_boards[board_id] or 0)
        if found is not None and school is not None and (found.vacant or found.over):
            gaps.append(VacancySchool(school, found))
    gaps.sort(key=lambda g: (-g.vacancies.vacant, g.school.name))
    return Overview(
        chairs=tuple(chairs),
        ending_soon=tuple(soon),
        vacancies=tuple(gaps),
        without_instrument=len(schools) - len(instruments),
        ending_by=add_months(as_of, ENDING_SOON_MONTHS),
        trust_boards=tuple(boards.filter(establishment__isnull=True).select_related("group").order_by("group__name")),
        reviews=tuple(
            GovernanceReview.objects.filter(board__in=boards)
            .select_related("board__establishment", "board__group")
            .order_by("-reviewed_on", "-id")[:20]
        ),
    )


# Training ----------------------------------------------------------------------------------------------------------


def training_sessions(local_authority: LocalAuthority) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(local_authority=local_authority).prefetch_related(
        Prefetch("attendances", queryset=TrainingAttendance.objects.select_related("appointment__board"))
    )


def session_attendances(session: TrainingSession) -> list[TrainingAttendance]:
    return list(
        session.attendances.select_related("appointment__board__establishment", "appointment__board__group").order_by(
            "appointment__surname", "appointment__forename_1"
        )
    )


def boards_to_choose(local_authority: LocalAuthority) -> list[Board]:
    """The authority's boards, by name, to choose whose members attended."""
    boards = boards_of(local_authority).select_related("establishment", "group")
    return sorted(boards, key=lambda b: b.name.lower())


def members_who_could_attend(session: TrainingSession, board: Board) -> list[Appointment]:
    """The board's members (not its clerk) current on the day of the session and not yet recorded."""
    recorded = session.attendances.values("appointment_id")
    return list(
        board.appointments.filter(current_q(session.held_on))
        .exclude(kind=RoleKind.CLERK)
        .exclude(pk__in=recorded)
        .order_by("surname", "forename_1", "gid")
    )
