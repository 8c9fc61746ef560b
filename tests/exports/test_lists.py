"""Every list downloads as CSV and as a spreadsheet, for the people who may see its page and nobody else, with
its headings in words, and no cell a spreadsheet could run as a formula (issue 12: a school, provider or label
named ``=HYPERLINK(...)``), while numbers, negative ones included, stay numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from headway.accounts.models import User
from tests.exports.world import FORMULAS, HYPERLINK, World, csv_rows, make_world, signed_in, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


@dataclass(frozen=True)
class Listing:
    page: str
    download: str  # with {format}
    file_start: str  # the download's file name begins so
    heading: str  # a column the download must have
    key: str  # the column naming the row's school or commission
    formula_columns: tuple[str, ...]  # columns whose text, for the hostile rows, begins like a formula


LISTS: dict[str, Listing] = {
    "schools": Listing(
        "/schools/", "/schools/download.{format}", "hampshire-schools-", "URN", "School", ("School", "Town")
    ),
    "round": Listing(
        "/risk/rounds/{round}/",
        "/risk/rounds/{round}/download.{format}",
        "hampshire-categorisation-",
        "Proposed category",
        "School",
        ("School", "Proposed category in words", "Triggers", "Reason for the decision"),
    ),
    "visit plan": Listing(
        "/visits/",
        "/visits/download.{format}",
        "hampshire-visit-plan-",
        "Next visit",
        "School",
        ("School", "Purpose of the next visit"),
    ),
    "register": Listing(
        "/concerns/",
        "/concerns/download.{format}",
        "hampshire-schools-causing-concern-",
        "On the register since",
        "School",
        ("School", "Triggers"),
    ),
    "commissions": Listing(
        "/support/commissions/",
        "/support/commissions/download.{format}",
        "hampshire-commissions-",
        "Cost (£)",
        "School",
        ("School", "Need", "What the support is", "Provider"),
    ),
}


def url(template: str, world: World, file_format: str = "") -> str:
    return template.format(round=world.categorisation_round.pk, format=file_format)


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("name", LISTS)
def test_the_page_links_to_both_downloads_with_its_filters(world: World, name: str) -> None:
    listing = LISTS[name]
    html = signed_in(world.officer).get(url(listing.page, world) + "?area=&year=&q=").content.decode()
    for file_format in ("csv", "xlsx"):
        assert f'href="{url(listing.download, world, file_format)}?' in html, (name, file_format)
    assert "as CSV" in html and "as a spreadsheet (XLSX)" in html


@pytest.mark.parametrize("name", LISTS)
def test_csv_download(world: World, name: str) -> None:
    listing = LISTS[name]
    response = signed_in(world.officer).get(url(listing.download, world, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{listing.file_start}') and disposition.endswith('.csv"')
    rows = csv_rows(response.content)
    assert listing.heading in rows[0]
    by_key = {row[listing.key]: row for row in rows}
    assert "Alton Infant School" in by_key
    hostile = [row for row in rows if row[listing.key] != "Alton Infant School"]
    assert hostile, "the hostile rows are in the download"
    for row in hostile:
        for column in listing.formula_columns:
            assert row[column].startswith("'") and row[column][1:].startswith(tuple(FORMULAS)), (column, row[column])


@pytest.mark.parametrize("name", LISTS)
def test_xlsx_download(world: World, name: str) -> None:
    listing = LISTS[name]
    response = signed_in(world.officer).get(url(listing.download, world, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{listing.file_start}') and disposition.endswith('.xlsx"')
    rows = xlsx_rows(response.content)
    assert listing.heading in rows[0]
    names = [row[listing.key].value for row in rows]
    assert "Alton Infant School" in names
    for row in rows:
        for cell in row.values():
            assert cell.data_type != "f", (name, cell.value)
        if row[listing.key].value == "Alton Infant School":
            continue
        for column in listing.formula_columns:
            cell = row[column]
            assert cell.data_type == "s" and cell.value.startswith("'"), (column, cell.value)
            assert cell.value[1:] in FORMULAS or cell.value[1:].startswith(tuple(FORMULAS))


def test_the_school_list_download_keeps_the_pages_filters(world: World) -> None:
    client = signed_in(world.officer)
    rows = csv_rows(client.get("/schools/download.csv?q=Alton").content)
    assert [row["School"] for row in rows] == ["Alton Infant School"]
    assert rows[0]["URN"] == "115850" and rows[0]["Pupils"] == "180"
    sheet_rows = xlsx_rows(client.get("/schools/download.xlsx?q=Alton").content)
    assert [row["School"].value for row in sheet_rows] == ["Alton Infant School"]
    assert sheet_rows[0]["URN"].value == 115850 and sheet_rows[0]["URN"].data_type == "n"


def test_dates_are_iso_in_the_csv_and_real_dates_in_the_spreadsheet(world: World) -> None:
    client = signed_in(world.officer)
    visit_on = world.today.toordinal() + 10
    rows = csv_rows(client.get("/visits/download.csv").content)
    alton = next(row for row in rows if row["School"] == "Alton Infant School")
    assert alton["Next visit"] == type(world.today).fromordinal(visit_on).isoformat()
    cells = next(
        row
        for row in xlsx_rows(client.get("/visits/download.xlsx").content)
        if row["School"].value == "Alton Infant School"
    )
    assert cells["Next visit"].is_date and cells["Next visit"].value.date() == type(world.today).fromordinal(visit_on)
    assert cells["Next visit"].number_format == "d mmmm yyyy"


def test_numbers_stay_numbers(world: World) -> None:
    rows = xlsx_rows(signed_in(world.officer).get("/support/commissions/download.xlsx").content)
    alton = next(row for row in rows if row["School"].value == "Alton Infant School")
    assert alton["Days"].data_type == "n" and alton["Days"].value == 2.5
    assert alton["Cost (£)"].data_type == "n" and alton["Cost (£)"].value == 1000
    assert alton["Impact"].value == "Good impact"


# Who may download ---------------------------------------------------------------------------------------------------

#: The status each person gets for each LA list (the same as its page): school users and board members are
#: refused; another authority's officer gets a 404 for the round (which is not theirs) and their own, empty,
#: lists for the others.
REFUSED: dict[str, dict[str, int]] = {
    "round": {"head": 404, "board": 404, "outsider": 404},
    "visit plan": {"head": 403, "board": 403},
    "register": {"head": 403, "board": 403},
    "commissions": {"head": 403, "board": 403},
}


def person(world: World, who: str) -> User:
    found: User = getattr(world, who)
    return found


@pytest.mark.parametrize(("name", "who"), [(name, who) for name, people in REFUSED.items() for who in people])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_people_who_may_not_see_the_page_cannot_download_it(
    world: World, name: str, who: str, file_format: str
) -> None:
    listing = LISTS[name]
    client = signed_in(person(world, who))
    expected = REFUSED[name][who]
    assert client.get(url(listing.page, world)).status_code == expected
    response = client.get(url(listing.download, world, file_format))
    assert response.status_code == expected
    assert b"Alton" not in response.content


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_anonymous_people_are_sent_to_sign_in(world: World, file_format: str) -> None:
    for listing in LISTS.values():
        response = Client().get(url(listing.download, world, file_format))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_a_school_user_downloads_only_their_own_school(world: World) -> None:
    rows = csv_rows(signed_in(world.head).get("/schools/download.csv?status=all").content)
    assert [row["School"] for row in rows] == ["Alton Infant School"]


def test_another_authoritys_officer_downloads_none_of_hampshires_schools(world: World) -> None:
    client = signed_in(world.outsider)
    assert [row["School"] for row in csv_rows(client.get("/schools/download.csv").content)] == ["Barnet Primary School"]
    assert csv_rows(client.get("/concerns/download.csv").content) == []
    assert csv_rows(client.get("/support/commissions/download.csv").content) == []


def test_an_unknown_format_is_not_found(world: World) -> None:
    client = signed_in(world.officer)
    for listing in LISTS.values():
        assert client.get(url(listing.download, world, "html")).status_code == 404


def test_downloads_are_read_only(world: World) -> None:
    assert signed_in(world.officer).post("/schools/download.csv").status_code == 405


def test_the_hostile_names_are_really_there(world: World) -> None:
    """The test world is hostile: without it the neutralising tests above would prove nothing."""
    assert {school.name for school in world.hostile} == set(FORMULAS) and HYPERLINK in FORMULAS
