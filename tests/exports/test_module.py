"""headway.reports.downloads itself: which text is neutralised and which is left alone, numbers and dates in
each format, sheet titles and file names."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from headway.reports.downloads import (
    Table,
    columns,
    csv_bytes,
    download_name,
    neutralise,
    sheet_title,
    xlsx_bytes,
)
from tests.exports.world import HYPERLINK

TEXT_LIKE_FORMULAS = [HYPERLINK, "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]
ORDINARY_TEXT = ["Alton Infant School", "St Mary's C of E", "1 + 1", " =1+1", "O'Neill", ""]


@pytest.mark.parametrize("text", TEXT_LIKE_FORMULAS)
def test_text_beginning_like_a_formula_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ORDINARY_TEXT)
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def table() -> Table:
    return Table(
        title="Test: a list [of things]",
        columns=columns("Name", "Figure", "Money", "On", "At", "Flag", "Empty"),
        rows=[
            [HYPERLINK, -2, Decimal("-3.50"), dt.date(2026, 3, 17), dt.datetime(2026, 3, 17, 14, 5), True, None],
            ["-2+3", 0.25, Decimal(1), None, None, False, ""],
        ],
        about=[("Filters", "@SUM(A1)")],
    )


def test_csv_numbers_dates_and_neutralised_text() -> None:
    text = csv_bytes(table()).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Name,Figure,Money,On,At,Flag,Empty"
    assert lines[1] == '"\'=HYPERLINK(""http://evil"",""x"")",-2,-3.50,2026-03-17,2026-03-17 14:05,Yes,'
    assert lines[2] == "'-2+3,0.25,1,,,No,"


def test_xlsx_numbers_dates_and_neutralised_text() -> None:
    workbook = load_workbook(io.BytesIO(xlsx_bytes(table())))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Test  a list  of things"
    assert sheet.freeze_panes == "A2"
    heading, first, second = (list(row) for row in sheet.iter_rows())
    assert [cell.value for cell in heading] == ["Name", "Figure", "Money", "On", "At", "Flag", "Empty"]
    assert all(cell.font.bold for cell in heading)
    name, figure, money, on, at, flag, empty = first
    assert (name.data_type, name.value, name.quotePrefix) == ("s", "'" + HYPERLINK, True)
    assert (figure.data_type, figure.value) == ("n", -2)
    assert (money.data_type, money.value) == ("n", -3.5)
    assert on.is_date and on.value == dt.datetime(2026, 3, 17) and on.number_format == "d mmmm yyyy"
    assert at.is_date and at.value == dt.datetime(2026, 3, 17, 14, 5)
    assert (flag.value, empty.value) == ("Yes", None)
    assert (second[0].data_type, second[0].value) == ("s", "'-2+3")
    about = {label: value for label, value in workbook["About"].iter_rows(values_only=True)}
    assert about["Filters"] == "'@SUM(A1)" and about["List"] == "Test: a list [of things]"
    for each in workbook.worksheets:
        assert all(cell.data_type != "f" for row in each.iter_rows() for cell in row)


def test_a_sheet_title_excel_accepts() -> None:
    assert sheet_title("Visit plan 2026/27") == "Visit plan 2026 27"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("[]:*?/") == "Sheet"


def test_file_names() -> None:
    day = dt.date(2026, 12, 1)
    assert download_name("Hampshire", "schools", extension="csv", day=day) == "hampshire-schools-2026-12-01.csv"
    assert download_name("", "schools", extension="xlsx", day=day) == "schools-2026-12-01.xlsx"
    assert download_name(HYPERLINK, 2019, extension="csv", day=day) == "hyperlinkhttpevilx-2019-2026-12-01.csv"
