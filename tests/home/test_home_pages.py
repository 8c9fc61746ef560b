"""Each role's home page answers "what needs me now", with links to act, and shows nothing the person may not see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from headway.accounts.models import Role
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.home import World, build_world, categorise, causing_concern, link, sent_note, signed_in, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def home_page(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_needs_signing_in_and_signing_in_lands_there(world: World) -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client = Client()
    signed = client.post(reverse("accounts:login"), {"username": "olivia.officer", "password": "correct-horse-battery"})
    assert signed.status_code == 302 and signed["Location"] == "/"


def test_an_officer_sees_their_schools_visits_notes_reviews_and_the_next_meeting(world: World) -> None:
    page = home_page(signed_in(world.officer_a))
    today = world.today
    # My schools with category and concern status.
    assert "Alder Primary School" in page and "Birch Primary School" in page
    assert "C \u2013 Category C: intensive support" in page
    assert "Causing concern (informal warning)" in page
    # Visits due in the next two weeks, and overdue.
    assert "Alder autumn visit" in page and long_date(today + dt.timedelta(days=5)) in page
    assert "Birch overdue visit" in page and "Overdue" in page
    # Notes awaiting a response.
    assert reverse("notes:detail", args=[world.birch.visits.get(status="done").notes.get().pk]) in page
    # The action plan review due in five days, and the next review-group meeting.
    assert reverse("concerns:plan_review", args=[world.birch.urn]) in page
    assert "due by " + long_date(today + dt.timedelta(days=5)) in page
    assert (today + dt.timedelta(days=7)).strftime("%A") in page
    # Nothing of authority B.
    assert "Cedar" not in page
    # Not an administrator's panels.
    assert "how fresh each source of data is" not in page


def test_an_officer_of_another_authority_sees_none_of_its_schools(world: World) -> None:
    page = home_page(signed_in(world.officer_b))
    assert "Cedar Primary School" in page and "Cedar autumn visit" in page
    for other in ("Alder", "Birch", long_date(world.today + dt.timedelta(days=7))):
        assert other not in page


def test_an_officer_moved_to_another_authority_keeps_no_window_onto_the_old_one(world: World) -> None:
    """Their old visits and notes still name them, but the page no longer shows them."""
    world.officer_a.local_authority = world.la_b
    world.officer_a.save()
    page = home_page(signed_in(world.officer_a))
    assert "Alder" not in page and "Birch" not in page


def test_an_administrator_sees_imports_rounds_and_plans_not_done(world: World) -> None:
    categorise(world.la_a, world.admin_a, [world.alder], decide=False)
    concern = world.alder.concerns.create(
        designated_on=world.today, triggers=[], lead_officer=world.officer_a
    )  # on the register, no plan yet
    page = home_page(signed_in(world.admin_a))
    assert "how fresh each source of data is" in page
    assert "Get Information About Schools extract (edubasealldata)" in page
    assert "Last imported " + long_date(world.today) in page and "Ada Ashdown" in page
    assert "Never imported" in page
    assert "1 school still waiting for a decision" in page
    assert reverse("concerns:plan_record", args=[concern.establishment.urn]) in page
    assert "Cedar" not in page


def test_an_officer_is_not_shown_the_administrators_panels(world: World) -> None:
    page = home_page(signed_in(world.officer_a))
    assert "Import a file" not in page and "Categorisation rounds not yet done" not in page


def test_a_headteacher_sees_their_notes_plan_next_visit_and_the_survey(world: World) -> None:
    causing_concern(world.alder, world.officer_a, world.today)
    page = home_page(signed_in(world.head_alder))
    alder_note = world.alder.visits.get(status="done").notes.get()
    assert reverse("notes:respond", args=[alder_note.pk]) in page
    assert "waiting for your response" in page
    assert reverse("concerns:plan", args=[world.alder.urn]) in page
    assert "due by " + long_date(world.today + dt.timedelta(days=5)) in page
    assert "Alder autumn visit" in page and "Olivia Oakley" in page
    assert reverse("partnerships:survey", args=[world.alder.urn]) in page
    assert "You have not answered yet" in page


def test_a_headteacher_never_sees_another_schools_note_visit_or_plan(world: World) -> None:
    page = home_page(signed_in(world.head_alder))
    birch_note = world.birch.visits.get(status="done").notes.get()
    assert "Birch" not in page and "Cedar" not in page
    assert reverse("notes:detail", args=[birch_note.pk]) not in page
    assert reverse("notes:respond", args=[birch_note.pk]) not in page
    assert "Emerging" not in page  # Birch's judgement
    # Nor the LA's own view of their school: its concern status or officers' panels.
    assert "Causing concern (informal warning)" not in page and "My schools" not in page


def test_a_headteacher_does_not_see_a_draft_note(world: World) -> None:
    note = world.alder.visits.get(status="done").notes.get()
    note.status = note.Status.DRAFT
    note.save()
    page = home_page(signed_in(world.head_alder))
    assert reverse("notes:respond", args=[note.pk]) not in page and reverse("notes:detail", args=[note.pk]) not in page


def test_a_board_member_sees_the_kpi_table_and_the_termly_summary_only(world: World) -> None:
    page = home_page(signed_in(world.board_a))
    assert reverse("concerns:board") in page
    assert reverse("strategy:kpis") in page
    for hidden in ("Alder", "Birch", "Cedar", "Notes of visit awaiting", "Import a file"):
        assert hidden not in page


def test_the_page_never_shows_a_username_or_field_name(world: World) -> None:
    causing_concern(world.alder, world.officer_a, world.today)
    for user in (world.officer_a, world.admin_a, world.head_alder, world.board_a):
        page = home_page(signed_in(user))
        main = page.split('id="main-content"', 1)[1].split("</main>", 1)[0]
        text = re.sub(r"<[^>]+>", " ", main)
        assert user.username not in text
        # DfE's own name for its benchmarking file, as the upload page labels it, is the one allowed.
        found = re.findall(r"\b[a-z]+_[a-z_]+\b", text)
        assert not found, (user.role, found)


def _officer_with_schools(count: int, code: str) -> Client:
    """An officer of a fresh authority, link officer for ``count`` schools, each with a category, a visit soon,
    one overdue, a note awaiting a response and a plan review due."""
    authority = LocalAuthorityFactory(code=code, name=f"Authority {code}")
    officer = UserFactory(
        username=f"officer{code}",
        first_name="Quinn",
        last_name="Query",
        role=Role.LA_OFFICER,
        local_authority=authority,
    )
    today = timezone.localdate()
    schools = [EstablishmentFactory(local_authority=authority) for _ in range(count)]
    for school in schools:
        link(school, officer, today)
        visit(school, officer, today + dt.timedelta(days=3), "Soon")
        visit(school, officer, today - dt.timedelta(days=3), "Overdue")
        sent_note(school, officer, today - dt.timedelta(days=9))
        causing_concern(school, officer, today)
    categorise(authority, officer, schools)
    return signed_in(officer)


def test_the_number_of_queries_does_not_grow_with_the_number_of_schools() -> None:
    counts = []
    for size, code in ((3, "881"), (9, "882")):
        client = _officer_with_schools(size, code)
        client.get("/")  # the session and anything cached once
        with CaptureQueriesContext(connection) as queries:
            page = home_page(client)
        assert page.count("Causing concern (informal warning)") == size
        assert page.count("Category C: intensive support") == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_head_of_several_schools_takes_as_many_queries_as_a_head_of_one(world: World) -> None:
    counts = []
    for size in (1, 4):
        head = UserFactory(username=f"head{size}", first_name="Multi", last_name="Head", role=Role.SCHOOL_USER)
        schools = [EstablishmentFactory(local_authority=world.la_a) for _ in range(size)]
        head.schools.set(schools)
        for school in schools:
            visit(school, world.officer_a, world.today + dt.timedelta(days=4), "Next")
            sent_note(school, world.officer_a, world.today - dt.timedelta(days=8))
            causing_concern(school, world.officer_a, world.today)
        client = signed_in(head)
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            home_page(client)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
