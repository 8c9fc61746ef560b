"""Property-based tests (issue 12, part 10): importers fed random valid and broken rows either import the
file exactly (every row as written, importing it again changes nothing) or reject it whole (nothing written).

Each example runs inside a transaction that is rolled back, so examples do not see each other's writes; the
register they need is loaded once per test."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headway.imports.registry import importer_for
from headway.imports.services import ImportResult, run_import
from headway.inspections.models import Inspection
from headway.performance.models import SchoolResult
from headway.schools.models import Establishment
from tests.helpers import FIXTURES, load, row_counts

GIAS = FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"
PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@dataclass(frozen=True)
class Breakage:
    """A way to break one row: what it does to the row's cells (given the header's length)."""

    name: str
    apply: Callable[[list[str], int], list[str]]


def cut_short(cells: list[str], header_length: int) -> list[str]:
    """The row cut inside a field before the header's last (a file truncated mid-row; a row cut inside its
    last field keeps every field and cannot be told from a whole one)."""
    last = max(i for i, c in enumerate(cells[: header_length - 1]) if c)
    return [*cells[:last], cells[last][: max(0, len(cells[last]) - 1)] or "1"]


def one_field_too_many(cells: list[str], _: int) -> list[str]:
    return [*cells, "surplus value"]


def in_the_middle(cells: list[str], index: int, text: str) -> list[str]:
    value = cells[index]
    return [*cells[:index], value[:1] + text + (value[1:] or "x"), *cells[index + 1 :]]


def assert_rejected_whole(result: ImportResult, before: dict[str, int]) -> None:
    assert result.rejected, "a broken file was imported"
    assert result.errors
    assert row_counts() == before, "a rejected file wrote something"


# GIAS ---------------------------------------------------------------------------------------------------------

GIAS_HEADER, *GIAS_ROWS = list(csv.reader(io.StringIO(GIAS.read_text(encoding="cp1252"))))
GIAS_NAME = GIAS_HEADER.index("EstablishmentName")
GIAS_URN = GIAS_HEADER.index("URN")
GIAS_OPEN = GIAS_HEADER.index("OpenDate")
GIAS_BREAKAGES = [
    Breakage("cut short", lambda cells, _: cells[: len(GIAS_HEADER) // 2]),
    Breakage("one field too many", lambda cells, _: [*cells[: len(GIAS_HEADER)], "surplus value"]),
    Breakage("control character in the name", lambda cells, _: in_the_middle(cells, GIAS_NAME, "\x0b")),
    Breakage("URN not a number", lambda cells, _: in_the_middle(cells, GIAS_URN, "x")),
    Breakage("impossible date", lambda cells, _: [*cells[:GIAS_OPEN], "31-02-2020", *cells[GIAS_OPEN + 1 :]]),
]


@pytest.fixture
def hampshire(db: None) -> None:
    assert not load("gias", GIAS).rejected


@PROPERTY_SETTINGS
@given(
    picked=st.lists(st.sampled_from(range(len(GIAS_ROWS))), min_size=1, max_size=8, unique=True),
    names=st.lists(
        st.text(st.characters(codec="cp1252", categories=["L", "N", "Zs"]), min_size=1, max_size=30).filter(
            lambda name: name.strip().lower() not in {"", "null"}
        ),
        min_size=8,
    ),
    broken=st.lists(st.tuples(st.integers(0, 7), st.sampled_from(GIAS_BREAKAGES)), max_size=2),
    repeat=st.booleans(),
)
def test_a_gias_file_is_imported_exactly_or_rejected_whole(
    hampshire: None,
    tmp_path_factory: pytest.TempPathFactory,
    picked: list[int],
    names: list[str],
    broken: list[tuple[int, Breakage]],
    repeat: bool,
) -> None:
    rows = [list(GIAS_ROWS[i]) for i in picked]
    for row, name in zip(rows, names, strict=False):
        row[GIAS_NAME] = name.strip()
    broken = [(i % len(rows), breakage) for i, breakage in broken]
    for index, breakage in broken:
        rows[index] = breakage.apply(rows[index], len(GIAS_HEADER))
    if repeat:
        rows.append(list(rows[0]))
    path = write_csv(tmp_path_factory.mktemp("gias") / "gias.csv", GIAS_HEADER, rows, "cp1252")
    with rolled_back():
        before = row_counts()
        result = load("gias", path)
        if broken or repeat:
            assert_rejected_whole(result, before)
            return
        assert not result.rejected, result.errors
        for row in rows:
            assert Establishment.objects.get(urn=int(row[GIAS_URN])).name == row[GIAS_NAME]
        again = load("gias", path)
        assert (again.created, again.updated) == (0, 0)


# Ofsted's graded-inspection history ----------------------------------------------------------------------------

URNS = [int(row[GIAS_URN]) for row in GIAS_ROWS]
#: the inspections the GIAS sample already records (its latest inspection), which the history must not repeat
GIAS_INSPECTED = {
    (int(row[GIAS_URN]), dt.datetime.strptime(row[GIAS_HEADER.index("OfstedLastInsp")], "%d-%m-%Y").date())
    for row in GIAS_ROWS
    if row[GIAS_HEADER.index("OfstedLastInsp")]
}
RATINGS = {"Outstanding": 1, "Good": 2, "Requires Improvement": 3, "Inadequate": 4}
HISTORY_HEADER = ["URN", "Rating", "Inspection Date"]
history_rows = st.lists(
    st.tuples(
        st.sampled_from(URNS),
        st.sampled_from(sorted(RATINGS)),
        st.dates(min_value=dt.date(2013, 1, 1), max_value=dt.date(2019, 8, 31)),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda row: (row[0], row[2]),
).filter(lambda rows: not any((urn, day) in GIAS_INSPECTED for urn, _, day in rows))
HISTORY_BREAKAGES = [
    Breakage("cut short", lambda cells, _: cells[:2]),
    Breakage("one field too many", one_field_too_many),
    Breakage("a rating Ofsted never gives", lambda cells, _: [cells[0], "Excellent", *cells[2:]]),
    Breakage("a date that is not one", lambda cells, _: [*cells[:2], *(c[:6] + "45" for c in cells[2:3])]),
    Breakage("URN not a number", lambda cells, _: in_the_middle(cells, 0, "x")),
    Breakage("control character in the rating", lambda cells, _: [cells[0], "Go\x01od", *cells[2:]]),
]


@PROPERTY_SETTINGS
@given(
    inspections=history_rows,
    broken=st.lists(st.tuples(st.integers(0, 11), st.sampled_from(HISTORY_BREAKAGES)), max_size=2),
)
def test_an_ofsted_history_is_imported_exactly_or_rejected_whole(
    hampshire: None,
    tmp_path_factory: pytest.TempPathFactory,
    inspections: list[tuple[int, str, dt.date]],
    broken: list[tuple[int, Breakage]],
) -> None:
    rows = [[str(urn), rating, f"{day:%Y%m%d}"] for urn, rating, day in inspections]
    broken = [(i % len(rows), breakage) for i, breakage in broken]
    for index, breakage in broken:
        rows[index] = breakage.apply(rows[index], len(HISTORY_HEADER))
    path = write_csv(tmp_path_factory.mktemp("ofsted") / "history.csv", HISTORY_HEADER, rows)
    with rolled_back():
        before = row_counts()
        result = load("ofsted", path)
        if broken:
            assert_rejected_whole(result, before)
            return
        assert not result.rejected, result.errors
        assert result.created == len(inspections)
        for urn, rating, day in inspections:
            inspection = Inspection.objects.get(establishment__urn=urn, start_date=day)
            assert inspection.overall_effectiveness == RATINGS[rating]
        again = load("ofsted", path)
        assert (again.created, again.updated) == (0, 0)


# DfE performance tables ---------------------------------------------------------------------------------------

PERFORMANCE_HEADER = ["RECTYPE", "LEA", "URN", "TELIG", "PTRWM_EXP", "READPROG", "READPROG_LOWER", "READPROG_UPPER"]
percent = st.one_of(st.integers(0, 100).map(lambda n: f"{n}%"), st.sampled_from(["SUPP", "NE", "", "LOWCOV"]))
progress = st.one_of(
    st.decimals(min_value=-20, max_value=20, places=1, allow_nan=False).map(str), st.sampled_from(["SUPP", "NP"])
)
school_rows = st.lists(
    st.tuples(st.integers(100000, 999999), st.integers(0, 200), percent, progress),
    min_size=1,
    max_size=15,
    unique_by=lambda row: row[0],
)
PERFORMANCE_BREAKAGES = [
    Breakage("cut inside a figure", cut_short),
    Breakage("one field too many", one_field_too_many),
    Breakage("a figure that is not one", lambda cells, _: [*cells[:4], "6o%", *cells[5:]]),
    Breakage("URN not a number", lambda cells, _: in_the_middle(cells, 2, "x")),
    Breakage("LA code not a code", lambda cells, _: [cells[0], "Hants", *cells[2:]]),
]


def figure(text: str) -> Decimal | None:
    cleaned = text.rstrip("%")
    try:
        return Decimal(cleaned)
    except ArithmeticError:
        return None


@PROPERTY_SETTINGS
@given(
    schools=school_rows,
    broken=st.lists(st.tuples(st.integers(0, 14), st.sampled_from(PERFORMANCE_BREAKAGES)), max_size=2),
    repeat=st.booleans(),
)
def test_a_performance_file_is_imported_exactly_or_rejected_whole(
    db: None,
    tmp_path_factory: pytest.TempPathFactory,
    schools: list[tuple[int, int, str, str]],
    broken: list[tuple[int, Breakage]],
    repeat: bool,
) -> None:
    rows = [
        ["1", "850", str(urn), str(pupils), exp, prog, "-1.0" if figure(prog) else "", "1.0" if figure(prog) else ""]
        for urn, pupils, exp, prog in schools
    ]
    rows.append(["4", "850", "", "", "61%", "0.1", "", ""])
    broken = [(i % len(schools), breakage) for i, breakage in broken]
    for index, breakage in broken:
        rows[index] = breakage.apply(rows[index], len(PERFORMANCE_HEADER))
    if repeat:
        rows.append(list(rows[0]))
    path = write_csv(tmp_path_factory.mktemp("ks2") / "ks2.csv", PERFORMANCE_HEADER, rows)
    importer = importer_for("performance", dataset="ks2", year=2019)
    with rolled_back():
        before = row_counts()
        result = run_import(importer, path, actor_name="test")
        if broken or repeat:
            assert_rejected_whole(result, before)
            return
        assert not result.rejected, result.errors
        for urn, pupils, exp, prog in schools:
            rwm = SchoolResult.objects.get(urn=urn, year=2019, measure="ks2.rwm_exp")
            assert rwm.value == figure(exp)
            assert rwm.missing_reason == ("" if figure(exp) is not None else (exp or "blank"))
            assert rwm.pupils == pupils
            read = SchoolResult.objects.get(urn=urn, year=2019, measure="ks2.read_prog")
            assert read.value == figure(prog)
        again = run_import(importer_for("performance", dataset="ks2", year=2019), path, actor_name="test")
        assert (again.created, again.updated) == (0, 0)
