"""The school page's inspection summary, the weekly inspection-window list and the RISE page in a real browser:
axe-clean (WCAG 2.2 AA) at desktop and phone widths, and words a headteacher would use."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from headway.accounts.models import Role, User
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement
from headway.schools.models import Establishment
from tests.browser.test_pages import DESKTOP, PHONE, assert_accessible, heading, sign_in
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

AREAS = ("Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour", "Leadership and governance")


@pytest.fixture
def officer(transactional_db: None) -> User:
    la = LocalAuthorityFactory(code="335", name="Walsall")
    school = EstablishmentFactory(local_authority=la, urn=104000, name="Whitefield School")
    Inspection.objects.create(
        establishment=school,
        start_date=dt.date(2022, 1, 10),
        framework=Framework.EIF_2019,
        kind=InspectionKind.GRADED,
        source="ofsted_mi",
        overall_effectiveness=3,
        overall_label="Requires improvement",
    )
    card = Inspection.objects.create(
        establishment=school,
        start_date=dt.date(2025, 12, 1),
        framework=Framework.REPORT_CARD_2025,
        kind=InspectionKind.REPORT_CARD,
        source="ofsted_mi",
        safeguarding_met=True,
        category_of_concern="RSI",
    )
    for area in AREAS:
        grade = {"Achievement": 1, "Leadership and governance": 2}.get(area, 3)
        Judgement.objects.create(inspection=card, area=area, scale=Judgement.Scale.REPORT_CARD, grade=grade)
    good = EstablishmentFactory(local_authority=la, urn=104001, name="Chalgrove Primary School")
    Inspection.objects.create(
        establishment=good,
        start_date=dt.date(2019, 3, 1),
        framework=Framework.CIF_2015,
        kind=InspectionKind.GRADED,
        source="ofsted_history",
        overall_effectiveness=2,
        overall_label="Good",
    )
    return UserFactory(username="officer.walsall", role=Role.LA_OFFICER, local_authority=la)


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/schools/104000/", "Whitefield School"),
        ("/schools/104000/evidence/", "Whitefield School"),
        ("/inspections/windows/", "Schools in their inspection window"),
        ("/concerns/schools/104000/rise/", None),
    ],
    ids=["school", "school-evidence", "windows", "rise"],
)
def test_inspection_pages_meet_wcag_22_aa(page: Page, officer: User, width: int, path: str, title: str | None) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, officer.username)
    page.goto(path)
    if title:
        expect(heading(page)).to_have_text(title)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    text = page.inner_text("main")
    for internal in ("report_card", "latest_grade", "RSI", "True", "False"):
        assert internal not in text, f"{internal!r} shown on {path}"


def test_the_school_page_answers_with_its_standing(page: Page, officer: User) -> None:
    sign_in(page, officer.username)
    page.goto("/schools/104000/")
    expect(page.locator("#summary")).to_contain_text("Report card (1 December 2025): lowest area urgent improvement")
    page.get_by_role("link", name="Evidence", exact=True).click()
    main = page.locator("main")
    expect(main).to_contain_text("Report card (1 December 2025): lowest area urgent improvement")
    expect(main).to_contain_text("Requires significant improvement")
    expect(main).to_contain_text("Yes: below good at the latest inspection and the one before")
    expect(main).to_contain_text("Leadership and governance: needs attention")
    page.goto("/inspections/windows/")
    open_now = page.get_by_role("table", name="Schools whose inspection window is open, the most overdue first")
    expect(open_now).to_contain_text("Whitefield School")
    expect(open_now).to_contain_text("Chalgrove Primary School")  # good in 2019: due by 2023
    assert Establishment.objects.count() == 2
