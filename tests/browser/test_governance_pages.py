"""The governance pages in a real browser: axe-clean (WCAG 2.2 AA) at desktop and phone widths, with an error
summary on a refused form, and words a headteacher would use. Uses the browser fixtures of ``tests/browser``
(see ``conftest.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from headway.accounts.models import Role, User
from headway.governance import services
from headway.schools.models import LocalAuthority
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.governance.factories import AppointmentFactory, BoardFactory, chair


@pytest.fixture
def officer(transactional_db: None) -> User:
    la: LocalAuthority = LocalAuthorityFactory(code="370", name="Barnsley")
    school = EstablishmentFactory(local_authority=la, urn=990002, name="Oakleigh Road School")
    EstablishmentFactory(local_authority=la, urn=990008, name="Meadowside Pupil Referral Unit")
    board = BoardFactory(establishment=school)
    today = timezone.localdate()
    chair(board, title="Mrs", forename_1="Iwona", surname="Kaur", appointed_on=dt.date(2015, 1, 2))
    AppointmentFactory(
        board=board, title="Mr", forename_1="Niall", surname="Brown", term_ends_on=today + dt.timedelta(days=20)
    )
    AppointmentFactory(board=board, title="Dr", forename_1="Iwona", surname="Jones", appointing_body="Local authority")
    AppointmentFactory(
        board=BoardFactory(establishment=EstablishmentFactory(local_authority=la, name="Coppetts Wood Primary")),
        title="Dr",
        forename_1="Iwona",
        surname="Jones",
    )
    user: User = UserFactory(username="officer.barnsley", role=Role.LA_OFFICER, local_authority=la)
    services.instrument_record(
        establishment=school,
        made_on=dt.date(2025, 9, 1),
        places={"parent": 2, "staff": 1, "headteacher": 1, "local_authority": 1, "co_opted": 3},
        by=user,
        today=today,
    )
    session = services.training_session_record(
        local_authority=la, title="Induction for new governors", held_on=today, led_by="Governor services", by=user
    )
    services.attendance_record(session=session, appointments=list(board.appointments.all()[:1]), by=user, today=today)
    return user


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/governance/", "Governance"),
        ("/governance/schools/990002/", "Governing board"),
        ("/governance/several-boards/", "People on several boards"),
        ("/governance/training/", "Governor training"),
        ("/governance/schools/990002/instrument/", "Record the instrument of government"),
        ("/governance/schools/990002/vice-chair/", "Record the vice chair"),
        ("/governance/schools/990002/reviews/new/", "Record a governance review"),
    ],
    ids=["overview", "board", "several-boards", "training", "instrument", "vice-chair", "review"],
)
def test_governance_pages_meet_wcag_22_aa(page: Page, officer: User, width: int, path: str, title: str) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, officer.username)
    page.goto(path)
    expect(heading(page)).to_have_text(title)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    text = page.inner_text("main")
    for internal in ("co_opted", "local_authority", "True", "False", "None None"):
        assert internal not in text, f"{internal!r} shown on {path}"


def test_a_refused_review_shows_the_error_summary_and_the_session_page_is_accessible(page: Page, officer: User) -> None:
    sign_in(page, officer.username)
    page.goto("/governance/schools/990002/reviews/new/")
    page.get_by_role("button", name="Record the review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_contain_text("Enter who carried out the review")
    assert_accessible(page)
    page.goto("/governance/training/")
    page.get_by_role("link", name="Induction for new governors").click()
    expect(heading(page)).to_have_text("Induction for new governors")
    page.get_by_label("Which board were they from?").select_option(label="Oakleigh Road School")
    page.get_by_role("button", name="Show the board's members").click()
    expect(page.get_by_role("group", name="Who attended?")).to_be_visible()
    assert_accessible(page)
