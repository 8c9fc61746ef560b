"""The service navigation: a few sections for each role, each with its pages; nobody is offered a link to a page
they may not open."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.accounts.models import Role
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


def sections(user: object) -> dict[str, list[str]]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get("/schools/")
    assert response.status_code == 200
    return {s.label: [link.label for link in s.links] for s in response.context["nav_sections"]}


def test_each_role_sees_its_sections_and_can_open_every_link() -> None:
    la = LocalAuthorityFactory(code="850", name="Hampshire")
    school = EstablishmentFactory(local_authority=la)
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=la)
    admin = UserFactory(role=Role.LA_ADMIN, local_authority=la)
    board = UserFactory(role=Role.BOARD_MEMBER, local_authority=la)
    head = UserFactory(role=Role.SCHOOL_USER, local_authority=la)
    head.schools.add(school)
    assert list(sections(officer)) == ["Schools", "Visits", "Causing concern", "Support", "Data"]
    assert "Imports" in sections(admin)
    assert sections(head) == {"Schools": ["Schools"], "Notes of visit": ["Notes of visit"], "Support": ["CPD"]}
    board_sections = sections(board)
    assert list(board_sections) == ["Schools", "Board summary", "Data"]
    assert board_sections["Board summary"] == ["Termly summary"] and board_sections["Data"] == ["Dashboard", "KPIs"]
    assert "Causing concern" not in sections(board)
    for user in (officer, admin, board, head):
        client = Client()
        client.force_login(user)
        for section in client.get("/schools/").context["nav_sections"]:
            for link in section.links:
                from django.urls import reverse

                assert client.get(reverse(link.url_name)).status_code in {200, 302}, (user.role, link.url_name)


@pytest.mark.parametrize(
    ("path", "marked"),
    [
        ("/strategy/kpis/sets/", "KPI sets"),  # within KPIs' address, but a page of its own
        ("/strategy/kpis/", "KPIs"),
        ("/visits/plan/", "Visit plan"),  # within My schools and visits' address
        ("/visits/", "My schools and visits"),
        ("/governance/", "Governance"),
    ],
)
def test_the_section_line_marks_the_page_the_user_is_on_and_only_that(path: str, marked: str) -> None:
    la = LocalAuthorityFactory(code="850", name="Hampshire")
    admin = UserFactory(role=Role.LA_ADMIN, local_authority=la)
    client = Client()
    client.force_login(admin)
    html = client.get(path).content.decode()
    section_line = html[html.index('class="hw-section-nav"') :]
    section_line = section_line[: section_line.index("</nav>")]
    assert re.findall(r'aria-current="true">([^<]+)</a>', section_line) == [marked]
