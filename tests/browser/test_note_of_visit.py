"""A headteacher, as a new user would, reads a note of visit and marks it inaccurate; the officer sees the
response. The note pages pass axe-core's WCAG 2.2 AA rules, on a desktop and at 320 pixels wide."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from headway.accounts.models import Role, User
from headway.imports.services import ImportResult
from headway.schools.models import Establishment, LocalAuthority
from headway.visits import notes
from headway.visits.models import AcademicYear, NoteOfVisit, Visit
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in
from tests.factories import UserFactory


@pytest.fixture
def officer(register: ImportResult) -> User:
    user: User = UserFactory(
        username="officer.hampshire",
        first_name="Sam",
        last_name="Adviser",
        role=Role.LA_OFFICER,
        local_authority=LocalAuthority.objects.get(code="850"),
    )
    return user


@pytest.fixture
def visit(officer: User) -> Visit:
    year = AcademicYear.objects.create(local_authority=LocalAuthority.objects.get(code="850"), start_year=2025)
    return Visit.objects.create(
        establishment=Establishment.objects.get(urn=115850),
        officer=officer,
        academic_year=year,
        planned_on=dt.date(2025, 10, 8),
        purpose="School effectiveness visit",
    )


@pytest.fixture
def sent_note(visit: Visit, officer: User, headteacher: User) -> NoteOfVisit:
    note = notes.note_create(visit=visit, template_name="standard", author=officer)
    notes.note_update(
        note=note,
        by=officer,
        sections={"purpose": "Met the headteacher and the maths lead.", "summary": "A calm, purposeful school."},
        judgements={"curriculum_and_teaching": {"judgement": "Secure", "evidence": "Mathematics deep dive."}},
        actions="Review the calculation policy by February half-term.",
    )
    return notes.note_send(note=note, by=officer)


def test_headteacher_marks_a_note_inaccurate_and_the_officer_sees_it(
    page: Page, browser: Browser, live_server: LiveServer, sent_note: NoteOfVisit, officer: User, headteacher: User
) -> None:
    sign_in(page, headteacher.username)
    expect(page.get_by_role("link", name="Notices (1 unread)")).to_be_visible()
    page.get_by_role("link", name="Notes of visit").click()
    expect(heading(page)).to_have_text("Notes of visit")
    page.get_by_role("link", name=re.compile(r"Note of visit to Alton Infant School")).click()
    expect(heading(page)).to_have_text("Note of visit to Alton Infant School")
    expect(page.get_by_text("A calm, purposeful school.")).to_be_visible()
    expect(page.get_by_text("Mathematics deep dive.")).to_be_visible()

    page.get_by_label("No, parts of the note are inaccurate").check()
    page.get_by_role("button", name="Send your response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what is inaccurate in the note.")
    page.get_by_label("No, parts of the note are inaccurate").check()
    page.get_by_label("Your comments").fill("We met the English lead, not the maths lead.")
    page.get_by_role("button", name="Send your response").click()
    expect(page.get_by_text("the officer will see what you say is inaccurate")).to_be_visible()
    expect(page.get_by_text("No notes are waiting for your response.")).to_be_visible()

    context = browser.new_context(base_url=live_server.url)
    try:
        officer_page = context.new_page()
        sign_in(officer_page, officer.username)
        officer_page.goto(f"/notes/{sent_note.pk}/")
        expect(officer_page.locator("#note-status")).to_have_text("Marked inaccurate by the headteacher")
        response = officer_page.locator("#school-response")
        expect(response).to_contain_text("The school marked the note inaccurate")
        expect(response).to_contain_text("We met the English lead, not the maths lead.")
        expect(officer_page.get_by_role("button", name="Make the note final")).to_be_visible()
    finally:
        context.close()


def _respond(page: Page, note: NoteOfVisit, head: User, officer: User) -> None:
    sign_in(page, head.username)
    page.goto(f"/notes/{note.pk}/respond/")
    expect(heading(page)).to_have_text("Note of visit to Alton Infant School")


def _respond_error(page: Page, note: NoteOfVisit, head: User, officer: User) -> None:
    _respond(page, note, head, officer)
    page.get_by_role("button", name="Send your response").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def _head_list(page: Page, note: NoteOfVisit, head: User, officer: User) -> None:
    sign_in(page, head.username)
    page.goto("/notes/")
    expect(heading(page)).to_have_text("Notes of visit")


def _self_evaluation(page: Page, note: NoteOfVisit, head: User, officer: User) -> None:
    # The school completes the form before a visit; the note's visit is done (its note is written).
    upcoming = Visit.objects.create(
        establishment=note.visit.establishment,
        officer=officer,
        academic_year=note.visit.academic_year,
        planned_on=dt.date(2026, 1, 14),
        purpose="Follow-up visit",
    )
    sign_in(page, head.username)
    page.goto(f"/notes/visits/{upcoming.pk}/self-evaluation/")
    expect(heading(page)).to_have_text("Pre-visit self-evaluation: Alton Infant School")


def _notices(page: Page, note: NoteOfVisit, head: User, officer: User) -> None:
    sign_in(page, head.username)
    page.goto("/notes/notices/")
    expect(heading(page)).to_have_text("Notices")


def _officer_note(page: Page, note: NoteOfVisit, head: User, officer: User) -> None:
    sign_in(page, officer.username)
    page.goto(f"/notes/{note.pk}/")
    expect(heading(page)).to_have_text("Note of visit to Alton Infant School")


def _officer_editor(page: Page, note: NoteOfVisit, head: User, officer: User) -> None:
    sign_in(page, officer.username)
    page.goto(f"/notes/visits/{note.visit_id}/new/")
    expect(heading(page)).to_have_text("Write a note of visit")
    page.get_by_role("button", name="Start the note").click()
    expect(heading(page)).to_have_text("Note of visit to Alton Infant School")
    page.get_by_label("Judgement on inclusion").select_option("Secure")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the evidence for the judgement on inclusion.")


def _officer_list(page: Page, note: NoteOfVisit, head: User, officer: User) -> None:
    sign_in(page, officer.username)
    page.goto("/notes/")
    expect(page.get_by_role("table", name="Notes of visit, latest visit first")).to_be_visible()


@pytest.mark.parametrize(
    "visit_page",
    [
        pytest.param(_respond, id="respond"),
        pytest.param(_respond_error, id="respond-error"),
        pytest.param(_head_list, id="head-list"),
        pytest.param(_self_evaluation, id="self-evaluation"),
        pytest.param(_notices, id="notices"),
        pytest.param(_officer_note, id="officer-note"),
        pytest.param(_officer_editor, id="officer-editor"),
        pytest.param(_officer_list, id="officer-list"),
    ],
)
@pytest.mark.parametrize("width", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_note_pages_meet_wcag_22_aa(
    page: Page,
    sent_note: NoteOfVisit,
    headteacher: User,
    officer: User,
    visit_page: Callable[[Page, NoteOfVisit, User, User], None],
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    visit_page(page, sent_note, headteacher, officer)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_sending_to_a_school_where_no_one_has_an_account_warns_first(page: Page, visit: Visit, officer: User) -> None:
    """No headteacher or chair has an account: the note's page says no one will be told, and sends only when
    the officer confirms. Writing the note marked the visit done."""
    note = notes.note_create(visit=visit, template_name="standard", author=officer)
    notes.note_update(note=note, by=officer, sections={"summary": "A calm, purposeful school."}, judgements={})
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    sign_in(page, officer.username)
    page.goto(f"/notes/{note.pk}/")
    expect(page.locator("#no-school-users")).to_contain_text(
        "No one at Alton Infant School has a Headway account yet, so no one will be told about this note."
    )
    expect(page.get_by_role("button", name="Send to the headteacher")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Send the note anyway").click()
    expect(page.locator("#note-status")).to_have_text("Sent to the headteacher")
    expect(page.locator("#note-history")).to_contain_text("Sent the note to the school")
    expect(page.locator("#note-history")).to_contain_text("Sam Adviser")
