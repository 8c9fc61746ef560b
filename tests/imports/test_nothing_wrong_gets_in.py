"""Nothing wrong gets in (issue 12, part 7): every importer refuses rows shorter or longer than the header
(DfE's performance files aside, by a written rule that every real file passes), repeated keys within a file,
and control characters in names and text; problems quote at most 200 characters of a value."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from headway.imports.registry import importer_for
from headway.imports.rows import QUOTED_CHARACTERS
from headway.imports.services import ImportResult, read_records, run_import
from headway.performance.models import SchoolResult
from headway.schools.models import Establishment, EstablishmentLink
from tests.helpers import FIXTURES, load, load_hampshire_sample, row_counts

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GIAS = FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"
PERFORMANCE = FIXTURES / "performance"
CUT = PERFORMANCE / "invalid" / "ks2_2018_850_row_cut_inside_PTRWM_EXP.csv"


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def write(tmp_path: Path, name: str, lines: list[bytes]) -> Path:
    target = tmp_path / name
    target.write_bytes(b"\n".join(lines))
    return target


def cut_inside_field(line: bytes, field_index: int, keep: int) -> bytes:
    """The line cut ``keep`` characters into the (unquoted) field ``field_index``."""
    text = line.decode("utf-8-sig").rstrip("\r")
    position = 0
    for _ in range(field_index):
        position = text.index(",", position) + 1
    return (text[: position + keep] + "\r").encode()


def fields_of(line: bytes, encoding: str = "utf-8-sig") -> list[str]:
    return next(csv.reader(io.StringIO(line.decode(encoding))))


def load_performance(path: Path, year: int = 2019, **kwargs: object) -> ImportResult:
    importer = importer_for("performance", dataset="ks2", year=year)
    return run_import(importer, path, actor_name="test", **kwargs)  # type: ignore[arg-type]


# Field counts -------------------------------------------------------------------------------------------------


def test_a_performance_row_cut_inside_a_figure_is_refused_and_nothing_is_written(db: None) -> None:
    """The hostile case: URN 115851's row cut inside PTRWM_EXP ("63%" became "6") used to import with the
    school's KS2 figure 6 and eight other measures blank."""
    whole = load_performance(PERFORMANCE / "valid" / "ks2_2018_850_short_rows.csv")
    assert not whole.rejected, whole.errors
    before = row_counts()
    figure = SchoolResult.objects.get(urn=115851, year=2019, measure="ks2.rwm_exp")
    assert figure.value == 63

    result = load_performance(CUT)

    assert result.rejected
    assert result.errors == [f"{CUT.name}:2:-: row has 49 fields, the header has 318"]
    assert row_counts() == before
    figure.refresh_from_db()
    assert figure.value == 63


def test_a_row_cut_on_a_field_boundary_after_a_figure_is_refused_too(tmp_path: Path) -> None:
    lines = lines_of(PERFORMANCE / "valid" / "ks2_2018_850_short_rows.csv")
    lines[1] = cut_inside_field(lines[1], 49, 0).rstrip(b"\r,") + b"\r"  # ends with the whole "63%"
    assert fields_of(lines[1])[-1] == "63%"
    path = write(tmp_path, "ends_after_ptrwm_exp.csv", lines)
    _, problems, _, _ = read_records(importer_for("performance", dataset="ks2", year=2019), path, path.name)
    assert [str(p) for p in problems] == [f"{path.name}:2:-: row has 49 fields, the header has 318"]


def test_a_row_cut_before_the_identity_columns_is_refused(tmp_path: Path) -> None:
    """A row cut inside the address would otherwise read as a school without results."""
    lines = lines_of(PERFORMANCE / "valid" / "ks2_2018_850_short_rows.csv")
    lines[1] = cut_inside_field(lines[1], 7, 3)
    path = write(tmp_path, "cut_in_address.csv", lines)
    _, problems, _, _ = read_records(importer_for("performance", dataset="ks2", year=2019), path, path.name)
    assert [p.message for p in problems] == [f"row has {len(fields_of(lines[1]))} fields, the header has 318"]


@pytest.mark.parametrize(
    ("file_name", "dataset", "year", "short_rows"),
    [
        ("ks2_2018_850_short_rows.csv", "ks2", 2019, {5: 26, 6: 25}),
        ("ks2_2016_850_short_rows.csv", "ks2", 2017, {3: 288, 4: 24, 5: 271, 6: 289, 7: 23}),
        ("ks4_2018_850_short_rows.csv", "ks4", 2018, {3: 495, 4: 495, 5: 486, 6: 495}),
        ("ks4_2017_850_short_rows.csv", "ks4", 2017, {3: 26, 4: 405}),
    ],
)
def test_dfe_short_rows_in_real_files_are_read(
    file_name: str, dataset: str, year: int, short_rows: dict[int, int]
) -> None:
    """Every kind of short row in DfE's real raw files (new schools, special schools, England rows, KS4 2018's
    missing P8_BANDING) is read, with the missing fields blank."""
    path = PERFORMANCE / "valid" / file_name
    lines = lines_of(path)
    header = fields_of(lines[0])
    for number, length in short_rows.items():
        assert len(fields_of(lines[number - 1])) == length < len(header)
    records, problems, rows_read, _ = read_records(
        importer_for("performance", dataset=dataset, year=year), path, path.name
    )
    assert problems == []
    assert len(records) == rows_read == len([line for line in lines[1:] if line.strip()])


REAL_PERFORMANCE_FILES = [
    ("la-850-hampshire/ks2_2016_850.csv", "ks2", 2017),
    ("la-850-hampshire/ks2_2017_850.csv", "ks2", 2018),
    ("la-850-hampshire/ks2_2018_850.csv", "ks2", 2019),
    ("la-850-hampshire/ks4_2017_850.csv", "ks4", 2017),
    ("la-850-hampshire/ks4_2018_850.csv", "ks4", 2018),
    ("dfe-2019/kspdev__england_ks4provisional.csv", "ks4", 2019),
    ("dfe-2019/kspdev__england_census.csv", "census", 2019),
    ("dfe-2019/kspdev__england_abs.csv", "absence", 2019),
    ("dfe-2019/kspdev__england_ks4-pupdest.csv", "ks4-destinations", 2019),
    ("dfe-2019/waiky8__england_ks2final.csv", "ks2", 2019),
    ("dfe-2019/waiky8__england_ks4final.csv", "ks4", 2019),
    ("dfe-2019/waiky8__england_ks5final.csv", "ks5", 2019),
    ("england-2016-2018/england_ks5final_2016.csv", "ks5", 2016),
    ("england-2016-2018/england_ks5final_2017.csv", "ks5", 2017),
    *(
        (f"england-2016-2018/ks{stage}_perf_{year}.csv", f"ks{stage}", year)
        for stage in (2, 4, 5)
        for year in (2016, 2017, 2018)
    ),
]


@pytest.mark.parametrize(("file_name", "dataset", "year"), REAL_PERFORMANCE_FILES)
def test_every_real_performance_file_is_read_whole(file_name: str, dataset: str, year: int) -> None:
    path = SHARED / file_name
    assert path.exists(), f"{path} is missing: the shared data folder must sit beside the checkout"
    records, problems, rows_read, _ = read_records(
        importer_for("performance", dataset=dataset, year=year), path, file_name
    )
    assert problems == []
    assert len(records) == rows_read


def test_a_gias_row_cut_short_or_too_long_is_refused(db: None, tmp_path: Path) -> None:
    lines = lines_of(GIAS)
    header = fields_of(lines[0], "cp1252")
    spill = [
        n for n, line in enumerate(lines, start=1) if line.strip() and len(fields_of(line, "cp1252")) > len(header)
    ]
    short = lines[1].decode("cp1252").rstrip("\r")
    lines[1] = (short[: short.index('","', 200)] + '"\r').encode("cp1252")
    lines[2] = lines[2].rstrip(b"\r") + b',"surplus"\r'
    path = write(tmp_path, "gias_cut.csv", lines)

    result = load("gias", path)

    assert result.rejected
    count = len(fields_of(lines[1], "cp1252"))
    assert result.errors[0] == f"gias_cut.csv:2:-: row has {count} fields, the header has {len(header)}"
    assert result.errors[1] == f"gias_cut.csv:3:-: row has {len(header) + 1} fields, the header has {len(header)}"
    assert len(result.errors) == 2, "rows whose linked establishments spill into extra fields stay valid"
    assert spill and 3 not in spill
    assert Establishment.objects.count() == 0


def test_an_ofsted_row_cut_short_is_refused(db: None, tmp_path: Path) -> None:
    load_hampshire_sample()
    before = row_counts()
    lines = lines_of(FIXTURES / "ofsted" / "valid" / "mi_2019_layout_invented.csv")
    text = lines[1].decode("cp1252")
    lines[1] = text[: len(text) // 2].rsplit(",", 1)[0].encode("cp1252") + b"\r"
    path = write(tmp_path, "ofsted_cut.csv", lines)
    result = load("ofsted", path)
    assert result.rejected
    assert "row has" in result.errors[0] and ":2:-:" in result.errors[0]
    assert row_counts() == before


# Repeated keys ------------------------------------------------------------------------------------------------


def test_a_urn_twice_in_a_gias_file_is_a_problem_naming_the_first_row(db: None, tmp_path: Path) -> None:
    """It used to be resolved silently: the last row won."""
    lines = lines_of(GIAS)
    renamed = lines[1].replace(b"Alton", b"Renamed", 1)
    assert renamed != lines[1]
    body = [line for line in lines if line.strip()]
    path = write(tmp_path, "gias_twice.csv", [*body, renamed, b""])
    urn = fields_of(lines[1], "cp1252")[0]

    result = load("gias", path)

    assert result.rejected
    assert result.errors == [f"gias_twice.csv:{len(body) + 1}:URN: URN {urn} is already in the file at row 2"]
    assert Establishment.objects.count() == 0


def test_a_urn_twice_in_an_ofsted_management_information_file_is_a_problem(db: None, tmp_path: Path) -> None:
    """It used to be resolved silently: the first row won."""
    load_hampshire_sample()
    lines = [line for line in lines_of(FIXTURES / "ofsted" / "valid" / "mi_2019_layout_invented.csv") if line.strip()]
    path = write(tmp_path, "ofsted_twice.csv", [*lines, lines[2], b""])
    urn = fields_of(lines[2], "cp1252")[1]
    result = load("ofsted", path)
    assert result.rejected
    assert result.errors == [f"ofsted_twice.csv:{len(lines) + 1}:URN: URN {urn} is already in the file at row 3"]


def test_a_repeated_inspection_in_the_graded_history_is_a_notice_naming_each(db: None, tmp_path: Path) -> None:
    """Ofsted's real history to August 2018 repeats three inspections (URN 137699 on 4 December 2013 with two
    ratings): each repeat is named and the first row kept."""
    load_hampshire_sample()
    lines = [
        line for line in lines_of(FIXTURES / "ofsted" / "valid" / "graded_history_real_sample.csv") if line.strip()
    ]
    repeat = lines[1].replace(b"Good", b"Outstanding")
    path = write(tmp_path, "history_twice.csv", [*lines, repeat, b""])
    result = load("ofsted", path)
    assert not result.rejected, result.errors
    notice = next(n for n in result.notices if "repeat" in n)
    assert (
        f"history_twice.csv:{len(lines) + 1}:Inspection Date: "
        "the inspection of URN 115850 on 3 February 2015 repeats row 2" in notice
    )
    assert notice.startswith("history_twice.csv: 1 row(s) repeat an earlier row's key; the earlier row was kept")


def test_a_link_twice_in_a_links_file_is_a_problem(db: None, tmp_path: Path) -> None:
    path = tmp_path / "links_twice.csv"
    path.write_text(
        "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
        "100000,100001,A school,Successor,01-09-2015\n"
        "100000,100002,Another school,Successor,01-09-2015\n"
        "100000,100001,A school renamed,Successor,01-09-2016\n"
    )
    result = load("gias-links", path)
    assert result.rejected
    assert result.errors == [
        "links_twice.csv:4:LinkURN: the link from URN 100000 to URN 100001 (Successor) is already in the file at row 2"
    ]
    assert EstablishmentLink.objects.count() == 0


def test_a_school_twice_in_a_performance_file_is_a_problem(db: None, tmp_path: Path) -> None:
    lines = [line for line in lines_of(PERFORMANCE / "valid" / "ks2_2018_850_short_rows.csv") if line.strip()]
    path = write(tmp_path, "ks2_twice.csv", [*lines, lines[1].replace(b"63%", b"64%"), b""])
    result = load_performance(path)
    assert result.rejected
    assert result.errors == [f"ks2_twice.csv:{len(lines) + 1}:URN: URN 115851 is already in the file at row 2"]
    assert SchoolResult.objects.count() == 0


# Control characters and quoting ---------------------------------------------------------------------------------


def test_a_control_character_in_a_school_name_is_refused(db: None, tmp_path: Path) -> None:
    lines = lines_of(GIAS)
    name = fields_of(lines[1], "cp1252")[4]
    hostile = name[:3] + "\x0b" + name[3:]
    lines[1] = lines[1].replace(name.encode("cp1252"), hostile.encode("cp1252"), 1)
    path = write(tmp_path, "gias_control.csv", lines)
    result = load("gias", path)
    assert result.rejected
    assert result.errors == [
        f"gias_control.csv:2:EstablishmentName: {hostile!r} contains a control character (a byte that is not text)"
    ]
    assert Establishment.objects.count() == 0


def test_a_problem_quotes_at_most_200_characters_of_a_value(db: None, tmp_path: Path) -> None:
    long_value = "9" * 150 + "x" * 5000
    path = tmp_path / "links_long.csv"
    path.write_text(f"URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n100000,{long_value},A,Successor,01-09-2015\n")
    result = load("gias-links", path)
    assert result.rejected
    (error,) = result.errors
    assert repr(long_value[:QUOTED_CHARACTERS]) in error
    assert long_value[: QUOTED_CHARACTERS + 1] not in error
    assert "(and 4950 more characters)" in error
    assert len(error) < 400


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("ofsted", "URN,Rating,Inspection Date\n115850,{long},20190101\n"),
        ("gias-links", "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n100000,100001,A,Successor,{long}\n"),
    ],
)
def test_no_problem_quotes_a_whole_long_value(db: None, tmp_path: Path, kind: str, text: str) -> None:
    long_value = "Good" + "d" * 10_000
    path = tmp_path / "long.csv"
    path.write_text(text.format(long=long_value))
    result = load(kind, path)
    assert result.rejected
    (error,) = result.errors
    assert "d" * (QUOTED_CHARACTERS + 1) not in error
    assert len(error) < 800
