"""factory_boy factories for governing boards and appointments."""

from __future__ import annotations

import datetime as dt

import factory

from headway.governance.models import Appointment, Board
from headway.governance.roles import category_of, person_key
from tests.factories import EstablishmentFactory


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    establishment = factory.SubFactory(EstablishmentFactory)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A current governor appointed by the board (a co-opted governor) with a four-year term."""

    class Meta:
        model = Appointment

    board = factory.SubFactory(BoardFactory)
    gid = factory.Sequence(lambda n: str(600000 + n))
    role = "Governor"
    kind = "governor"
    title = "Ms"
    forename_1 = factory.Sequence(lambda n: f"Forename{n}")
    forename_2 = ""
    surname = factory.Sequence(lambda n: f"Surname{n}")
    appointed_on = dt.date(2024, 9, 1)
    term_ends_on = dt.date(2028, 8, 31)
    appointing_body = "Appointed by GB/board"
    category = factory.LazyAttribute(lambda a: category_of(a.appointing_body))
    person_key = factory.LazyAttribute(lambda a: person_key(a.forename_1, a.surname))


def chair(board: Board, **fields: object) -> Appointment:
    """The board's chair of governors (a co-opted governor)."""
    values: dict[str, object] = {"role": "Chair of governors", "kind": "chair", **fields}
    made: Appointment = AppointmentFactory(board=board, **values)
    return made
