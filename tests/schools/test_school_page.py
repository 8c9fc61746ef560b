"""A school's page in parts: the summary answers first; evidence, visits and notes, concern, support and history
are pages of their own, offered in a sub-navigation only to those who may open them, and refused to everyone
else as before (another school's or authority's: 404; a board member's visits: 403, as on the visits page)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from headway.accounts import audit
from headway.accounts.models import User
from headway.schools.models import Establishment
from tests.home import World, build_world, signed_in

pytestmark = pytest.mark.django_db

PARTS = (
    "schools:detail",
    "schools:evidence",
    "schools:visits",
    "schools:concern",
    "schools:support",
    "schools:history",
)
LABELS = {
    "schools:detail": "Summary",
    "schools:evidence": "Evidence",
    "schools:visits": "Visits and notes",
    "schools:concern": "Concern",
    "schools:support": "Support",
    "schools:history": "History",
}


@pytest.fixture
def world() -> World:
    return build_world()


def page_of(user: User, name: str, school: Establishment) -> str:
    response = signed_in(user).get(reverse(name, args=[school.urn]))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def sub_navigation(html: str) -> list[str]:
    nav = html[html.index('aria-label="Parts of the school page"') :]
    nav = nav[: nav.index("</nav>")]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)]


def main_text(html: str) -> str:
    main = html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_an_la_officer_has_every_part_and_each_is_there(world: World) -> None:
    audit.record(
        actor=world.officer_a,
        verb="establishment.link_officer_assigned",
        target=world.birch,
        after={"officer": world.officer_a.pk},
        reason="New caseloads for the spring term",
    )
    pages = {name: page_of(world.officer_a, name, world.birch) for name in PARTS}
    for name, html in pages.items():
        assert sub_navigation(html) == list(LABELS.values())
        current = re.search(r'<a [^>]*aria-current="page"[^>]*>(.*?)</a>', html, re.S)
        assert current is not None and current.group(1).strip() == LABELS[name]
        text = main_text(html)
        for internal in ("olivia.officer", "link_officer", "establishment.", "causing_concern", "True", "False"):
            assert internal not in text, f"{internal!r} on {name}"
    summary = pages["schools:detail"]
    # The summary answers first: at a glance, then what the register says.
    assert summary.index('id="summary"') < summary.index('id="register"')
    assert 'id="performance"' not in summary
    evidence = pages["schools:evidence"]
    for anchor in ("inspection", "inspection-history", "performance"):
        assert f'id="{anchor}"' in evidence and f'href="#{anchor}"' in evidence
    assert reverse("schools:local_evidence", args=[world.birch.urn]) in evidence
    visits = main_text(pages["schools:visits"])
    assert "Birch overdue visit" in visits and "Overdue" in visits and "See the note" in visits
    concern = main_text(pages["schools:concern"])
    assert "Causing concern (informal warning)" in concern
    assert "Inadequate at its latest inspection" in concern and "Olivia Oakley" in concern
    assert "Support and concerns" in pages["schools:support"]
    history = main_text(pages["schools:history"])
    assert "Category C: intensive support (confirmed)" in history
    assert "Leadership is new and untested." in history
    assert "Link officer changed" in history and "New caseloads for the spring term" in history


def test_a_headteacher_sees_only_their_own_schools_allowed_parts(world: World) -> None:
    head = world.head_alder
    html = page_of(head, "schools:detail", world.alder)
    assert sub_navigation(html) == ["Summary", "Evidence", "Visits and notes"]
    page_of(head, "schools:evidence", world.alder)
    visits = main_text(page_of(head, "schools:visits", world.alder))
    assert "Alder autumn visit" in visits
    assert "Plan, add and change visits" not in visits  # they read their visits; they do not plan them
    client = signed_in(head)
    for name in ("schools:concern", "schools:support", "schools:history"):
        assert client.get(reverse(name, args=[world.alder.urn])).status_code == 404, name
        assert reverse(name, args=[world.alder.urn]) not in html
    for name in PARTS:  # another school of the same authority: nothing, not even that it exists
        assert client.get(reverse(name, args=[world.birch.urn])).status_code == 404, name


def test_a_board_member_reads_the_summary_and_evidence_only(world: World) -> None:
    board = world.board_a
    html = page_of(board, "schools:detail", world.birch)
    assert sub_navigation(html) == ["Summary", "Evidence"]
    evidence = page_of(board, "schools:evidence", world.birch)
    assert reverse("schools:local_evidence", args=[world.birch.urn]) not in evidence
    client = signed_in(board)
    assert client.get(reverse("schools:visits", args=[world.birch.urn])).status_code == 403
    for name in ("schools:concern", "schools:support", "schools:history"):
        assert client.get(reverse(name, args=[world.birch.urn])).status_code == 404, name


def test_an_officer_of_another_authority_and_a_stranger_get_nothing(world: World) -> None:
    client = signed_in(world.officer_b)
    for name in PARTS:
        assert client.get(reverse(name, args=[world.birch.urn])).status_code == 404, name
        assert client.get(reverse(name, args=[999999])).status_code == 404, name
    anonymous = signed_in(world.officer_a)
    anonymous.logout()
    for name in PARTS:
        response = anonymous.get(reverse(name, args=[world.birch.urn]))
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_the_parts_only_read(world: World) -> None:
    client = signed_in(world.officer_a)
    for name in PARTS[1:]:
        assert client.post(reverse(name, args=[world.birch.urn])).status_code == 405, name


def test_a_school_with_nothing_recorded_says_so(world: World) -> None:
    concern = main_text(page_of(world.officer_a, "schools:concern", world.alder))
    assert "Alder Primary School is not causing concern." in concern
    assert "None recorded." in concern  # no earlier times


def test_the_history_reads_a_fixed_number_of_queries(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world.officer_a)
    url = reverse("schools:history", args=[world.birch.urn])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(15):
        audit.record(actor=world.officer_a, verb="establishment.area_assigned", target=world.birch, reason=f"r{n}")
    assert count() == few


def test_a_part_nobody_declared_is_open_to_nobody(world: World) -> None:
    from headway.schools.school_page import Part, may_open

    assert not may_open(world.officer_a, world.birch, Part("other", "schools:detail", "Other"))
