"""A year of school improvement, walked in a real browser by each role, one step handing to the next (issue 11,
"Done when"): the LA administrator imports a KS2 file and a workbook through the Imports page; an officer starts a
categorisation round, reviews it, overrides one school and confirms the rest, builds the year's visit plan from it,
gives a school a link officer, writes a note of visit and sees the visit done, and sends the note; the headteacher
reads it and responds; the officer sees the response; a board member opens the KPI table and the board summary.

Every page visited passes axe-core's WCAG 2.2 AA rules, and its text is scanned: no username, no field name
(a snake_case token) and no event name (``note.created``) may be shown. Each step's own details are tested in
its own file (test_import_pages, test_round_pages, test_visit_plan_build, test_note_of_visit, test_navigation)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from headway.accounts.models import Role, User
from headway.imports.services import ImportResult
from headway.performance.models import SchoolResult
from headway.risk import selectors as risk_selectors
from headway.risk import services as risk_services
from headway.risk.models import CategorisationRound, CategoryDecision
from headway.schools.models import Establishment, LocalAuthority
from headway.visits.models import NoteOfVisit, Visit
from tests.browser.test_pages import assert_accessible, heading, sign_in
from tests.factories import UserFactory
from tests.helpers import DEMO_DATA, FIXTURES

ALTON = 115850
KS2 = DEMO_DATA / "performance" / "ks2_2016_850.csv"  # Hampshire's real KS2 table, summer 2017
WORKBOOK = FIXTURES / "earlyyears" / "valid" / "childcare_providers_invented.xlsx"
HAMPSHIRE_POLICY = re.compile(r"^Hampshire school categorisation")
KPI_SET = DEMO_DATA / "config" / "kpi_sets" / "hampshire-850.yaml"

#: A snake_case token (a field name or code) or a dotted event name (``note.created``) leaking onto a page.
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+ed\b")
#: A file's own name (``ks2_2016_850.csv``), shown as the file is called: not a code.
FILE_NAME = re.compile(r"\S+\.(?:csv|xlsx|xls|parquet|yaml)\b")


class People:
    def __init__(self) -> None:
        hampshire = LocalAuthority.objects.get(code="850")
        self.admin: User = UserFactory(
            username="amira.admin", first_name="Amira", last_name="Khan", role=Role.LA_ADMIN, local_authority=hampshire
        )
        self.officer: User = UserFactory(
            username="olu.officer",
            first_name="Olu",
            last_name="Adebayo",
            job_title="Link adviser",
            role=Role.LA_OFFICER,
            local_authority=hampshire,
        )
        self.head: User = UserFactory(username="ruth.head", first_name="Ruth", last_name="Ellis", role=Role.SCHOOL_USER)
        self.head.schools.set([Establishment.objects.get(urn=ALTON)])
        self.board: User = UserFactory(
            username="jo.board",
            first_name="Jo",
            last_name="Whitmore",
            role=Role.BOARD_MEMBER,
            local_authority=hampshire,
        )

    @property
    def usernames(self) -> list[str]:
        return [u.username for u in (self.admin, self.officer, self.head, self.board)]


@pytest.fixture
def people(register: ImportResult, monkeypatch: pytest.MonkeyPatch) -> People:
    # The predictive ranking would train a model on the test database: the year is walked without it.
    monkeypatch.setattr(risk_services, "risk_scores", lambda establishments, as_of: ({}, "", ""))
    monkeypatch.setattr(risk_selectors, "REVIEW_PAGE_SIZE", 10)
    call_command("kpi", "load", str(KPI_SET))
    return People()


def look(page: Page, people: People) -> None:
    """The page passes axe and speaks in words: no username, field name or event name."""
    assert_accessible(page)
    text = page.locator("body").inner_text()
    for username in people.usernames:
        assert username not in text, f"{username} shown on {page.url}"
    main = FILE_NAME.sub("", page.locator("main").inner_text())
    leaked = [main[max(0, m.start() - 60) : m.end() + 20] for m in CODE.finditer(main)]
    assert not leaked, f"codes shown on {page.url}: {leaked}"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/$"))


def test_each_role_walks_the_year(page: Page, people: People) -> None:
    today = dt.date.today()
    start_year = today.year if today.month >= 9 else today.year - 1

    # The LA administrator: the year's data, through the Imports page (run at once here; the real queue and
    # worker are walked in test_import_pages).
    sign_in(page, people.admin.username, next_page="")
    look(page, people)
    page.goto("/imports/")
    look(page, people)
    page.get_by_label("What is the file?").select_option(label="DfE performance tables (school-level file)")
    page.get_by_label("File", exact=True).set_input_files(KS2)
    page.get_by_label("Which performance data set").select_option(label="Key stage 2 (end of primary)")
    page.get_by_label("Year of the results").fill("2017")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(heading(page)).to_have_text("ks2_2016_850.csv imported")
    look(page, people)
    assert SchoolResult.objects.filter(year=2017, measure__startswith="ks2.").exists()
    page.get_by_role("link", name="Import another file").click()
    page.get_by_label("What is the file?").select_option(
        label="Ofsted early years providers and inspections (childminders, nurseries, pre-schools)"
    )
    page.get_by_label("File", exact=True).set_input_files(WORKBOOK)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(heading(page)).to_have_text("childcare_providers_invented.xlsx imported")
    look(page, people)
    sign_out(page)

    # The officer: the round, from the rounds page.
    sign_in(page, people.officer.username, next_page="")
    look(page, people)
    page.goto("/risk/rounds/")
    look(page, people)
    page.get_by_role("link", name="Start a round").click()
    look(page, people)
    page.get_by_role("radio", name=HAMPSHIRE_POLICY).check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Start the round").click()
    expect(page.locator("body")).to_contain_text("The round is ready")
    look(page, people)
    made = CategorisationRound.objects.get()
    page.get_by_role("link", name="Confirm or override for Alton Infant School").click()
    page.get_by_label("Override it").check()
    page.get_by_label("Category (when overriding)").select_option(index=1)
    page.get_by_label("Reason").fill("New headteacher and governors this term")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("body")).to_contain_text("Decision recorded for Alton Infant School")
    look(page, people)
    page.get_by_role("link", name="Confirm every school not yet decided").click()
    look(page, people)
    page.get_by_label("Yes, confirm the proposed category of every school not yet decided").check()
    page.get_by_role("button", name=re.compile(r"^Confirm \d+ school")).click()
    expect(page.locator("main")).to_contain_text("Every school of this round has a decision.")
    look(page, people)
    assert CategoryDecision.objects.filter(proposal__round=made).count() == made.proposals.count()

    # The year's visit plan, built from the confirmed round; Alton gets its link officer.
    page.goto("/visits/")
    look(page, people)
    page.get_by_role("link", name="Visit plan", exact=True).click()
    expect(heading(page)).to_have_text("Visit plan")
    look(page, people)
    page.get_by_role("radio", name=re.compile(f"^{start_year}.{(start_year + 1) % 100:02d}")).check()
    page.get_by_role("button", name="Build the plan").click()
    expect(page.locator("body")).to_contain_text(f"The visit plan for {start_year}/")
    look(page, people)
    page.get_by_role("link", name="Schools' link officers").click()
    look(page, people)
    page.get_by_role("link", name="Change the link officer of Alton Infant School").click()
    look(page, people)
    page.get_by_label("Link officer", exact=True).select_option(label="Olu Adebayo (Link adviser)")
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Why the link officer changes").fill("New caseloads")
    page.get_by_role("button", name="Save the link officer").click()
    expect(page.locator("body")).to_contain_text(
        "Olu Adebayo (Link adviser) is the link officer of Alton Infant School"
    )
    look(page, people)

    # A visit to Alton, and its note: writing the note marks the visit done; the note goes to the head.
    visit = Visit.objects.filter(establishment__urn=ALTON, status=Visit.Status.PLANNED).order_by("planned_on").first()
    assert visit is not None, "the plan gives Alton a visit"
    assert visit.officer == people.officer
    page.goto(f"/visits/schools/{ALTON}/")
    look(page, people)
    page.get_by_role("link", name=re.compile(r"^Write the note of visit")).first.click()
    expect(heading(page)).to_have_text("Write a note of visit")
    look(page, people)
    page.get_by_role("button", name="Start the note").click()
    expect(heading(page)).to_have_text("Note of visit to Alton Infant School")
    page.get_by_label("Purpose of the visit and who was seen").fill("Met the headteacher and the English lead.")
    page.get_by_label("Summary of findings").fill("Reading is well taught; phonics is consistent across classes.")
    page.get_by_role("button", name="Save the draft").click()
    look(page, people)
    note = NoteOfVisit.objects.get(visit__establishment__urn=ALTON)
    note.visit.refresh_from_db()
    assert note.visit.status == Visit.Status.DONE
    page.goto(f"/notes/{note.pk}/")
    page.get_by_role("button", name="Send to the headteacher").click()
    expect(page.locator("#note-status")).to_have_text("Sent to the headteacher")
    look(page, people)
    sign_out(page)

    # The headteacher reads the note and responds.
    sign_in(page, people.head.username, next_page="")
    look(page, people)
    page.goto("/notes/")
    look(page, people)
    page.goto(f"/notes/{note.pk}/")
    expect(page.locator("main")).to_contain_text("Reading is well taught")
    expect(page.locator("main")).to_contain_text("Olu Adebayo")
    look(page, people)
    page.goto(f"/notes/{note.pk}/respond/")
    look(page, people)
    page.get_by_label("Yes, I agree the note is accurate").check()
    page.get_by_role("button", name="Send your response").click()
    look(page, people)
    note.refresh_from_db()
    assert note.status == NoteOfVisit.Status.AGREED
    sign_out(page)

    # The officer sees the response.
    sign_in(page, people.officer.username, next_page=f"/notes/{note.pk}/")
    expect(page.locator("main")).to_contain_text("Ruth Ellis")
    look(page, people)
    sign_out(page)

    # The board member: the KPI table and the board summary.
    sign_in(page, people.board.username, next_page="")
    look(page, people)
    page.get_by_role("link", name="Board summary").first.click()
    look(page, people)
    page.goto("/strategy/kpis/")  # the board's one KPI set opens at once
    expect(page.locator("main")).to_contain_text("Hampshire school improvement KPIs")
    expect(page.locator("table").first).to_be_visible()
    look(page, people)
