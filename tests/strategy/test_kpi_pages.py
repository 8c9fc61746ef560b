"""The KPI page and its XLSX download: for LA staff and board members of that authority only."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from headway.accounts import permissions
from headway.accounts.models import Role, User
from headway.imports.services import ImportResult
from headway.schools.models import LocalAuthority
from headway.strategy.models import KpiSet
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

PAGE = "/strategy/kpis/302/2019/"
XLSX = "/strategy/kpis/302/2019.xlsx"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def board_member(barnet_kpis: KpiSet) -> User:
    return UserFactory(username="board", role=Role.BOARD_MEMBER, local_authority=barnet_kpis.local_authority)  # type: ignore[no-any-return]


def test_board_member_of_the_authority_sees_the_table(ks4_2019: ImportResult, board_member: User) -> None:
    response = signed_in(board_member).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Barnet Education Strategy 2017-2020' in html
    assert "KS4: Progress 8 score" in html and "1 of 150" in html and "+0.58" in html
    assert html.count('<strong class="govuk-tag govuk-tag--green">Met</strong>') == 4
    assert html.count('<strong class="govuk-tag govuk-tag--grey">No data</strong>') == 7
    assert "Top 10% (rank ≤ 15)" in html
    assert 'href="/strategy/kpis/302/2018/"' in html  # year links
    assert 'href="/strategy/kpis/302/2019.xlsx"' in html
    assert ">KPIs<" in html  # the service navigation link
    rows = response.context["report"].rows
    assert [row.met for row in rows if row.met is not None] == [True, True, True, True]


def test_the_navigation_link_leads_to_the_authoritys_latest_year(ks4_2019: ImportResult, board_member: User) -> None:
    response = signed_in(board_member).get("/strategy/kpis/")
    assert response.status_code == 302 and response["Location"] == PAGE


def test_la_officer_of_the_authority_sees_the_table(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=barnet_kpis.local_authority)
    assert signed_in(officer).get(PAGE).status_code == 200
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert signed_in(superuser).get(PAGE).status_code == 200
    assert signed_in(superuser).get("/strategy/kpis/").status_code == 302


def test_school_users_are_refused(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    school = EstablishmentFactory(local_authority=barnet_kpis.local_authority)
    head = UserFactory(role=Role.SCHOOL_USER)
    head.schools.set([school])
    client = signed_in(head)
    assert client.get(PAGE).status_code == 403
    assert client.get(XLSX).status_code == 403
    assert client.get("/strategy/kpis/").status_code == 403
    assert ">KPIs<" not in client.get("/schools/").content.decode()
    assert not permissions.can_see_kpis(head)


def test_another_authoritys_staff_get_not_found(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    hampshire = LocalAuthorityFactory(code="850", name="Hampshire")
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=hampshire)
    board = UserFactory(role=Role.BOARD_MEMBER, local_authority=hampshire)
    for user in (officer, board):
        client = signed_in(user)
        assert client.get(PAGE).status_code == 404
        assert client.get(XLSX).status_code == 404
    listing = signed_in(officer).get("/strategy/kpis/")
    assert listing.status_code == 200 and "No KPI set has been loaded" in listing.content.decode()


def test_anonymous_users_are_sent_to_sign_in(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    for url in (PAGE, XLSX, "/strategy/kpis/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_xlsx_download_has_a_row_per_kpi(ks4_2019: ImportResult, board_member: User) -> None:
    response = signed_in(board_member).get(XLSX)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="barnet-kpis-2019-' in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["KPIs 2019"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Indicator", "Measure", "Pupils"] and "Met" in header and "Rank" in header
    assert all(cell.font.bold for cell in sheet[1])
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 11
    assert not any("." in str(r["Measure"]) and " " not in str(r["Measure"]) for r in rows)  # no catalogue codes
    att8 = next(r for r in rows if r["Measure"] == "Attainment 8 score")
    assert (att8["Actual"], att8["Rank"], att8["Of"], att8["Met"]) == (56.9, 2, 150, "Met")
    assert att8["Indicator"] == "KS4: Attainment 8 average score per pupil"
    dis = next(
        r
        for r in rows
        if r["Measure"] == "Reading, writing and maths: % meeting the expected standard (disadvantaged pupils)"
    )
    assert (dis["Pupils"], dis["Met"], dis["Actual"]) == ("Disadvantaged pupils", "No data", None)


def test_an_authority_without_a_kpi_set(db: None) -> None:
    authority = LocalAuthority.objects.create(code="303", name="Bexley", region="Outer London")
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=authority)
    page = signed_in(officer).get("/strategy/kpis/303/2019/")
    assert page.status_code == 200 and "No KPI set has been loaded for Bexley" in page.content.decode()
    assert signed_in(officer).get("/strategy/kpis/303/2019.xlsx").status_code == 404
