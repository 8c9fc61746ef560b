"""The KPI table's downloads (issue 12): an authority name or indicator label beginning with ``=`` was written
to the XLSX as a live formula (``=HYPERLINK(...)``), and the CSV did not neutralise it either. Now every text
cell that begins like a formula is neutralised in both, while the figures, a negative one included, stay
numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from headway.accounts.models import Role, User
from headway.strategy.models import KpiSet
from tests.exports.world import HYPERLINK, csv_rows, signed_in, xlsx_rows
from tests.factories import EstablishmentFactory, UserFactory
from tests.strategy.figures import kpi_set

pytestmark = pytest.mark.django_db

INDICATORS = """  - key: hostile
    label: '=HYPERLINK("http://evil","x")'
    group: '+1'
    owner: '@SUM(A1)'
    local: {unit: score, polarity: higher, decimals: 1}
    target: {kind: value, value: 1}
    actuals:
      - {year: 2018, value: -2.5, source: "-2+3"}
"""
XLSX = "/strategy/kpis/302/2018.xlsx"
CSV = "/strategy/kpis/302/2018.csv"


@pytest.fixture
def kpis(tmp_path: Path) -> KpiSet:
    loaded = kpi_set(tmp_path, INDICATORS, name="Hostile strategy")
    authority = loaded.local_authority
    authority.name = HYPERLINK
    authority.save()
    return loaded


@pytest.fixture
def officer(kpis: KpiSet) -> User:
    made: User = UserFactory(username="officer.kpis", role=Role.LA_OFFICER, local_authority=kpis.local_authority)
    return made


def test_the_kpi_spreadsheet_writes_no_formula(officer: User) -> None:
    response = signed_in(officer).get(XLSX)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    workbook = load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    [row] = xlsx_rows(response.content)
    for column, text in (("Indicator", HYPERLINK), ("Group", "+1"), ("Owner", "@SUM(A1)")):
        assert row[column].data_type == "s" and row[column].value == "'" + text
    assert row["Actual"].data_type == "n" and row["Actual"].value == -2.5
    assert row["Entered locally"].data_type == "n" and row["Entered locally"].value == -2.5
    about = {label: value for label, value in workbook["About"].iter_rows(values_only=True)}
    assert about["Local authority"] == f"'{HYPERLINK} (302)"


def test_the_kpi_csv_neutralises_text_and_keeps_negative_numbers(officer: User) -> None:
    response = signed_in(officer).get(CSV)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="hyperlinkhttpevilx-kpis-2018-')
    [row] = csv_rows(response.content)
    assert (row["Indicator"], row["Group"], row["Owner"]) == ("'" + HYPERLINK, "'+1", "'@SUM(A1)")
    assert row["Actual"] == "-2.5" and row["Entered locally"] == "-2.5"


def test_the_kpi_page_links_to_both_downloads(officer: User) -> None:
    html = signed_in(officer).get("/strategy/kpis/302/2018/").content.decode()
    assert f'href="{CSV}"' in html and f'href="{XLSX}"' in html


def test_the_command_line_csv_neutralises_text_too(officer: User) -> None:
    out = io.StringIO()
    call_command("kpi", "table", "--la", "302", "--year", "2018", "--csv", stdout=out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["indicator"], row["group"], row["owner"]) == ("'" + HYPERLINK, "'+1", "'@SUM(A1)")
    assert row["local_actual"] == "-2.5"


@pytest.mark.parametrize("url", [XLSX, CSV])
def test_a_school_user_cannot_download_the_kpi_table(kpis: KpiSet, url: str) -> None:
    head: User = UserFactory(username="head.kpis", role=Role.SCHOOL_USER)
    head.schools.set([EstablishmentFactory(local_authority=kpis.local_authority)])
    assert signed_in(head).get(url).status_code == 403
