"""The CPD pages through Django's test client: an officer adds a course (GOV.UK date input), a headteacher sees
why it is suggested and books a place, a hostile post for another school is refused with nothing written, the
last place goes once, a place is cancelled, attendance recorded and the place evaluated; the reports show the
figures; and the pages' queries do not grow with their rows."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from headway.accounts.audit import history_for
from headway.accounts.models import AuditEvent, User
from headway.cpd.models import Booking, Course, Evaluation
from headway.cpd.needs import long_date
from headway.schools.models import Establishment
from tests.cpd import World, book, categorise, course, make_world, writing_note
from tests.cpd.factories import BookingFactory, CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def today() -> dt.date:
    return timezone.localdate()


def soon(days: int = 30) -> dt.date:
    return today() + dt.timedelta(days=days)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upcoming(world: World, **kwargs: object) -> Course:
    return course(world, runs_on=soon(), today=today(), **kwargs)  # type: ignore[arg-type]


def rows() -> tuple[int, int, int]:
    return Booking.objects.count(), Evaluation.objects.count(), AuditEvent.objects.count()


# Adding a course -------------------------------------------------------------------------------------------------


def course_form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    day = soon(40)
    data: dict[str, str | list[str]] = {
        "title": "Writing at greater depth",
        "kind": "course",
        "description": "Planning sequences that lead to extended writing.",
        "audiences": ["subject_leaders", "teachers"],
        "topics": ["writing"],
        "runs_on_0": str(day.day),
        "runs_on_1": str(day.month),
        "runs_on_2": str(day.year),
        "times": "1.30pm to 4pm",
        "venue": "Hampshire Teachers' Centre",
        "places": "24",
        "cost": "£45.50",
    }
    data.update(changes)
    return data


def test_an_officer_adds_a_course(world: World) -> None:
    client = signed_in(world.officer)
    page = client.get(reverse("cpd:course_new")).content.decode()
    assert 'class="govuk-date-input"' in page and "Hampshire English Hub" in page
    response = client.post(reverse("cpd:course_new"), course_form(provider=str(world.provider.pk)))
    made = Course.objects.get()
    assert response["Location"] == reverse("cpd:course", args=[made.pk])
    assert (made.runs_on, made.cost, made.places, made.audiences) == (
        soon(40),
        Decimal("45.50"),
        24,
        ["subject_leaders", "teachers"],
    )
    assert history_for(made).get().verb == "cpd course added"
    shown = client.get(response["Location"]).content.decode()
    assert f"{soon(40):%A} {long_date(soon(40))}, 1.30pm to 4pm" in shown
    assert "£45.50 a place" in shown and "24 of 24 left" in shown
    assert "Subject leaders, Teachers" in shown


def test_a_course_form_with_mistakes_says_what_to_fix(world: World) -> None:
    client = signed_in(world.officer)
    response = client.post(
        reverse("cpd:course_new"),
        course_form(provider=str(world.provider.pk), runs_on_1="", places="0", cost="lots", topics=[]),
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Course.objects.exists()
    assert "There is a problem" in page
    for message in (
        "The date must include a month",
        "There must be at least 1 place",
        "The cost must be an amount in pounds",
        "Choose at least one topic",
    ):
        assert message in page
    # a date in the past is the service's rule, shown the same way
    past = today() - dt.timedelta(days=1)
    response = client.post(
        reverse("cpd:course_new"),
        course_form(
            provider=str(world.provider.pk),
            runs_on_0=str(past.day),
            runs_on_1=str(past.month),
            runs_on_2=str(past.year),
        ),
    )
    assert "The date has passed" in response.content.decode() and not Course.objects.exists()


# Suggestions and booking -----------------------------------------------------------------------------------------


def test_the_head_sees_why_the_writing_course_is_suggested_and_books_a_place(world: World) -> None:
    writing = upcoming(world)
    upcoming(world, title="Mastery in maths", topics=["maths"])
    writing_note(world)
    head = signed_in(world.head)
    page = head.get(reverse("cpd:school", args=[world.school.urn])).content.decode()
    assert "Teaching writing in Key Stage 1" in page and "Mastery in maths" not in page
    assert (
        "Suggested because the note of visit of 8 October 2025 gave writing as an area for development "
        "(Curriculum and teaching, judged emerging)." in page
    )
    book_url = reverse("cpd:book", args=[writing.pk])
    assert f"{book_url}?urn={world.school.urn}" in page

    form = head.get(f"{book_url}?urn={world.school.urn}").content.decode()
    assert "Booking for Alton Infant School." in form and "20 places left." in form
    response = head.post(
        book_url,
        {"school": str(world.school.urn), "attendee_name": "Sam Writer", "attendee_role": "English leader"},
    )
    assert response["Location"] == reverse("cpd:course", args=[writing.pk])
    booking = Booking.objects.get()
    assert (booking.establishment, booking.booked_by, booking.attendee_name) == (world.school, world.head, "Sam Writer")
    shown = head.get(response["Location"]).content.decode()
    assert "Place booked for Sam Writer on Teaching writing in Key Stage 1." in shown
    assert "19 of 20 left" in shown
    school_page = head.get(reverse("cpd:school", args=[world.school.urn])).content.decode()
    assert "Alton Infant School has 1 place" in school_page and "Sam Writer, English leader" in school_page


def test_a_hostile_post_for_another_school_is_refused_and_writes_nothing(world: World) -> None:
    writing = upcoming(world)
    before = rows()
    head = signed_in(world.head)
    for urn in (world.near.urn, world.other_la_school.urn, 999999):
        response = head.post(
            reverse("cpd:book", args=[writing.pk]),
            {"school": str(urn), "attendee_name": "Intruder", "attendee_role": "Spy"},
        )
        assert response.status_code == 200
        assert "Choose one of your schools" in response.content.decode()
    assert rows() == before


def test_an_officer_books_for_any_school_of_the_authority(world: World) -> None:
    writing = upcoming(world)
    officer = signed_in(world.officer)
    form = officer.get(reverse("cpd:book", args=[writing.pk])).content.decode()
    assert "Anstey Junior School (URN 115851)" in form and "Barnsley Primary School" not in form
    officer.post(
        reverse("cpd:book", args=[writing.pk]),
        {"school": str(world.near.urn), "attendee_name": "Ann Teacher", "attendee_role": "Year 2 teacher"},
    )
    assert Booking.objects.get().establishment == world.near
    response = officer.post(
        reverse("cpd:book", args=[writing.pk]),
        {"school": str(world.other_la_school.urn), "attendee_name": "X", "attendee_role": "Y"},
    )
    assert "Choose one of your schools" in response.content.decode() and Booking.objects.count() == 1


def test_the_last_place_through_the_page(world: World) -> None:
    writing = upcoming(world, places=1)
    head = signed_in(world.head)
    data = {"school": str(world.school.urn), "attendee_role": "Teacher"}
    assert head.post(reverse("cpd:book", args=[writing.pk]), {**data, "attendee_name": "First"}).status_code == 302
    before = rows()
    response = head.post(reverse("cpd:book", args=[writing.pk]), {**data, "attendee_name": "Second"})
    assert "is full: all 1 places are booked" in response.content.decode()
    assert rows() == before
    page = head.get(reverse("cpd:course", args=[writing.pk])).content.decode()
    assert "Full: all 1 places are booked" in page and "Book a place" not in page


# Cancelling, attendance and evaluation ---------------------------------------------------------------------------


def test_the_head_cancels_a_place(world: World) -> None:
    writing = upcoming(world, cost=30)
    booking = book(world, writing, by=world.head, today=today())
    head = signed_in(world.head)
    page = html.unescape(head.get(reverse("cpd:cancel", args=[booking.pk])).content.decode())
    assert "Cancel Sam Writer's place" in page and "It will not be charged." in page
    response = head.post(reverse("cpd:cancel", args=[booking.pk]), {"reason": "Staff illness"})
    assert response["Location"] == reverse("cpd:course", args=[writing.pk])
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason, booking.cancelled_by) == (
        "cancelled",
        "Staff illness",
        world.head,
    )
    assert history_for(booking).filter(verb="cpd booking cancelled").exists()
    # the other school's head cannot even see the place
    assert signed_in(world.other_head).post(reverse("cpd:cancel", args=[booking.pk])).status_code == 404


def test_attendance_then_evaluation(world: World) -> None:
    writing = upcoming(world)
    came = book(world, writing, today=today())
    missed = book(world, writing, school=world.near, name="Ann Other", today=today())
    Course.objects.filter(pk=writing.pk).update(runs_on=today())
    officer = signed_in(world.officer)
    form = officer.get(reverse("cpd:attendance", args=[writing.pk])).content.decode()
    assert "Sam Writer, English leader, Alton Infant School" in form
    response = officer.post(reverse("cpd:attendance", args=[writing.pk]), {"attended": [str(came.pk)]})
    assert response["Location"] == reverse("cpd:course", args=[writing.pk])
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attendance, missed.attendance) == ("attended", "absent")

    # the course has run: the head evaluates from the school's page
    Course.objects.filter(pk=writing.pk).update(runs_on=today() - dt.timedelta(days=1))
    head = signed_in(world.head)
    school_page = head.get(reverse("cpd:school", args=[world.school.urn])).content.decode()
    assert reverse("cpd:evaluate", args=[came.pk]) in school_page
    response = head.post(reverse("cpd:evaluate", args=[came.pk]), {"rating": "4", "comment": "Practical."})
    assert response["Location"] == reverse("cpd:school", args=[world.school.urn])
    assert Evaluation.objects.get().rating == 4
    assert "4 out of 5: good" in head.get(response["Location"]).content.decode()
    # a second time is turned away with a message, and the neighbour who did not come cannot evaluate
    again = head.get(reverse("cpd:evaluate", args=[came.pk]), follow=True).content.decode()
    assert "is already evaluated" in again
    absent = signed_in(world.other_head).get(reverse("cpd:evaluate", args=[missed.pk]), follow=True)
    assert "can be evaluated once attendance is recorded" in absent.content.decode()
    course_page = officer.get(reverse("cpd:course", args=[writing.pk])).content.decode()
    assert "1 evaluation, rated 4.0 out of 5 on average." in course_page and "Practical." in course_page


# The reports ------------------------------------------------------------------------------------------------------


def test_the_uptake_page_shows_bookings_by_category_to_officers_and_the_board(world: World) -> None:
    writing = upcoming(world, cost=25)
    categorise(world, world.school, label="Targeted")
    book(world, writing, today=today())
    book(world, writing, name="Pat Poet", today=today())
    year = writing.runs_on.year if writing.runs_on.month >= 9 else writing.runs_on.year - 1
    for person in (world.officer, world.board):
        page = signed_in(person).get(reverse("cpd:uptake") + f"?year={year}").content.decode()
        targeted = page[page.index("By category") :].split("</tr>")[1]
        assert ">Targeted</th>" in targeted
        cells = [c.split(">")[-1] for c in targeted.split("</td>")[:-1]]
        assert cells == ["1", "1", "100%", "2", "0", "0", "0"]
        assert "£50.00 for 2 places" in page
    board_page = signed_in(world.board).get(reverse("cpd:uptake") + f"?year={year}").content.decode()
    assert reverse("cpd:school", args=[world.school.urn]) not in board_page  # the board reads, it does not drill in
    assert reverse("cpd:demand") not in board_page


def test_the_demand_page_names_the_gaps(world: World) -> None:
    writing_note(world)
    page = signed_in(world.officer).get(reverse("cpd:demand")).content.decode()
    assert "Writing" in page and "No course" in page and "Alton Infant School" in page


def test_list_pages_read_a_fixed_number_of_queries(world: World) -> None:
    """The offer, uptake, demand and evaluations pages read as many queries for many rows as for few."""
    schools = list(Establishment.objects.filter(local_authority=world.hampshire, status__istartswith="open")[:6])
    officer = signed_in(world.officer)

    def counted(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(path).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            made = CourseFactory(
                local_authority=world.hampshire, provider=world.provider, created_by=world.officer, runs_on=soon(5 + i)
            )
            for school in schools:
                BookingFactory(course=made, establishment=school, booked_by=world.officer)
            categorise(world, schools[i % len(schools)])

    paths = [reverse("cpd:offer"), reverse("cpd:uptake"), reverse("cpd:demand"), reverse("cpd:evaluations")]
    add(1)
    few = [counted(p) for p in paths]
    add(5)
    assert [counted(p) for p in paths] == few
