"""A small world for the governance tests: the invented GIAS register sample (schools 990001-990012 in Barnet,
Barnsley and Walsall, trust UID 16002), GIAS's invented governance sample and the invented trust boards, and
the people who look at them.

Barnsley (370) is "our" authority: Oakleigh Road School (990002, maintained, chair Mrs Iwona Kaur), Meadowside
Pupil Referral Unit (990008, open, no governors listed), Coppetts Wood Primary (990011, an academy of trust
16002) and Our Lady of Lourdes (990005, closed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from headway.accounts.models import Role, User
from headway.governance.models import Board
from headway.imports.services import ImportResult
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import UserFactory
from tests.helpers import FIXTURES, load

GIAS_SAMPLE = FIXTURES / "gias" / "valid" / "code_and_name_columns_invented.csv"
GOVERNANCE = FIXTURES / "governance"
SAMPLE = GOVERNANCE / "valid" / "gias_governance_invented.csv"
TRUSTS = GOVERNANCE / "valid" / "trust_boards_by_uid_invented.csv"
INVALID = GOVERNANCE / "invalid" / "bad_date_unknown_role_and_extra_field.csv"

OAKLEIGH = 990002
MEADOWSIDE = 990008
COPPETTS = 990011
TRUST_UID = 16002


def load_register() -> ImportResult:
    result = load("gias", GIAS_SAMPLE)
    assert not result.rejected, result.errors
    return result


def load_governance(path: Path = SAMPLE) -> ImportResult:
    result = load("governance", path)
    assert not result.rejected, result.errors
    return result


@dataclass
class World:
    barnsley: LocalAuthority
    school: Establishment
    other_school: Establishment
    academy: Establishment
    board: Board
    trust_board: Board
    officer: User
    head: User
    other_head: User
    academy_head: User
    board_member: User
    outsider: User


def make_world() -> World:
    load_register()
    load_governance(SAMPLE)
    load_governance(TRUSTS)
    barnsley = LocalAuthority.objects.get(code="370")
    school = Establishment.objects.get(urn=OAKLEIGH)
    other = Establishment.objects.get(urn=MEADOWSIDE)
    academy = Establishment.objects.get(urn=COPPETTS)

    def user(username: str, role: str, **extra: object) -> User:
        made: User = UserFactory(username=username, role=role, **extra)
        return made

    head = user("head.oakleigh", Role.SCHOOL_USER)
    head.schools.set([school])
    other_head = user("head.meadowside", Role.SCHOOL_USER)
    other_head.schools.set([other])
    academy_head = user("head.coppetts", Role.SCHOOL_USER)
    academy_head.schools.set([academy])
    return World(
        barnsley=barnsley,
        school=school,
        other_school=other,
        academy=academy,
        board=Board.objects.get(establishment=school),
        trust_board=Board.objects.get(uid=str(TRUST_UID)),
        officer=user(
            "officer.barnsley", Role.LA_OFFICER, local_authority=barnsley, first_name="Ola", last_name="Officer"
        ),
        head=head,
        other_head=other_head,
        academy_head=academy_head,
        board_member=user("board.barnsley", Role.BOARD_MEMBER, local_authority=barnsley),
        outsider=user("officer.barnet", Role.LA_OFFICER, local_authority=LocalAuthority.objects.get(code="302")),
    )
