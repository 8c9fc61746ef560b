"""The governance pages as officers, heads and board members use them: words a headteacher would use, dates
as "17 March 2026", the LA's records made through the forms, and a query count that does not grow with the
number of schools."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from headway.accounts.models import Role, User
from headway.governance.models import Board, GovernanceReview, InstrumentOfGovernment, TrainingAttendance
from headway.schools.models import Establishment, Group, GroupMembership, LocalAuthority
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.governance.factories import AppointmentFactory, BoardFactory, chair
from tests.helpers import DateBoxesClient

pytestmark = pytest.mark.django_db

INTERNAL = ("co_opted", "local_authority", "True", "False", "leader", "person_key", "gid", "GID")


def day(value: dt.date) -> str:
    return f"{value:%-d %B %Y}"


@pytest.fixture
def la() -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="850", name="Hampshire")
    return authority


@pytest.fixture
def officer(la: LocalAuthority) -> User:
    user: User = UserFactory(username="officer", role=Role.LA_OFFICER, local_authority=la)
    return user


def signed_in(user: User) -> Client:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def main_text(html: str) -> str:
    main = html.split('<main class="govuk-main-wrapper" id="main-content">', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def alton(la: LocalAuthority) -> Establishment:
    """Alton Infant School with a chair, governors (one whose term ends next month), a clerk and a governor
    who also sits on another school's board."""
    today = timezone.localdate()
    school: Establishment = EstablishmentFactory(local_authority=la, name="Alton Infant School", urn=115850)
    board = BoardFactory(establishment=school)
    chair(board, title="Mrs", forename_1="Jane", surname="Smith", appointed_on=dt.date(2022, 9, 1))
    AppointmentFactory(
        board=board,
        title="Mr",
        forename_1="Kwame",
        surname="Mensah",
        appointing_body="Elected by parents",
        term_ends_on=today + dt.timedelta(days=30),
    )
    AppointmentFactory(
        board=board, title="Dr", forename_1="Priya", surname="Shah", appointing_body="Elected by school staff"
    )
    AppointmentFactory(
        board=board,
        forename_1="Hannah",
        surname="Lee",
        kind="clerk",
        role="Governance professional to a local authority maintained school",
    )
    other = BoardFactory(establishment=EstablishmentFactory(local_authority=la, name="Anstey Junior School"))
    AppointmentFactory(
        board=other, title="Prof", forename_1="Priya", surname="Shah", role="Chair of governors", kind="chair"
    )
    return school


def test_the_board_page_names_the_chair_members_terms_ending_and_other_boards(
    alton: Establishment, officer: User
) -> None:
    today = timezone.localdate()
    html = signed_in(officer).get(reverse("governance:school", kwargs={"urn": alton.urn})).content.decode()
    text = main_text(html)
    assert "Governing board" in text and "Alton Infant School" in text
    assert "Mrs Jane Smith" in text and "appointed 1 September 2022" in text and "term ends 31 August 2028" in text
    assert "Vice chair Not recorded" in text
    assert "Governance professional (clerk) Hannah Lee" in text.replace("Ms Hannah Lee", "Hannah Lee")
    assert "Members of the board now 3" in text
    assert f"Mr Kwame Mensah, governor: {day(today + dt.timedelta(days=30))}" in text
    assert "Ends within 3 months" in text
    assert "Anstey Junior School (chair of governors)" in text  # Dr Priya Shah is also Anstey's chair
    assert "matches people by name only" in text
    assert "has not recorded the school's instrument of government" in text
    for internal in INTERNAL:
        assert not re.search(rf"\b{internal}\b", text), f"{internal!r} shown"


def test_officers_record_the_instrument_the_vice_chair_and_a_review_through_the_forms(
    alton: Establishment, officer: User
) -> None:
    client = signed_in(officer)
    board_url = reverse("governance:school", kwargs={"urn": alton.urn})
    instrument_url = reverse("governance:instrument", kwargs={"urn": alton.urn})
    form = client.get(instrument_url).content.decode()
    assert "Parent governors" in form and "Co-opted governors" in form and "Headteacher (0 or 1)" in form
    places = {
        "parent": "2",
        "staff": "1",
        "headteacher": "1",
        "local_authority": "1",
        "foundation": "0",
        "partnership": "0",
    }
    refused = client.post(instrument_url, {"made_on": "01/09/2025", **places, "co_opted": "1"})
    assert refused.status_code == 200
    assert "A governing body has at least 7 governors; these places add up to 6." in refused.content.decode()
    assert "<title>Error: " in refused.content.decode()
    missing = client.post(instrument_url, {"made_on": "31/02/2025", **places})
    page = missing.content.decode()
    assert "The date the instrument of government took effect must be a real date" in page
    assert "Enter the number of places for co-opted governors (0 if none)" in page
    assert not InstrumentOfGovernment.objects.exists()
    done = client.post(instrument_url, {"made_on": "01/09/2025", **places, "co_opted": "3"})
    assert done.status_code == 302 and done["Location"] == board_url
    text = main_text(client.get(board_url).content.decode())
    assert (
        "Against the instrument of government that took effect on 1 September 2025: 8 places, 3 filled, 5 vacant"
        in text
    )
    assert "Parent governors 2 1 1" in text and "Co-opted governors 3 1 2" in text  # the chair was co-opted
    assert "The instrument of government is recorded" in text
    assert client.get(instrument_url).content.decode().count('value="3"') == 1  # the form starts from the last

    vice_url = reverse("governance:vice_chair", kwargs={"urn": alton.urn})
    assert "Mr Kwame Mensah (governor)" in client.get(vice_url).content.decode()
    mensah = Board.objects.get(establishment=alton).appointments.get(surname="Mensah")
    assert client.post(vice_url, {"vice_chair": str(mensah.pk)}).status_code == 302
    assert "Vice chair Mr Kwame Mensah" in main_text(client.get(board_url).content.decode())
    assert client.post(vice_url, {"vice_chair": "12345"}).status_code == 200  # not a choice: a form error

    review_url = reverse("governance:review", kwargs={"urn": alton.urn})
    assert client.post(review_url, {"reviewed_on": "15/10/2026", "reviewed_by": "NLG"}).status_code == 200
    done = client.post(
        review_url,
        {
            "reviewed_on": "15/10/2026",
            "reviewed_by": "A national leader of governance",
            "outcome": "Strong challenge; minutes thin.",
            "required_by_concerns_policy": "yes",
        },
    )
    assert done.status_code == 302
    assert GovernanceReview.objects.get().required_by_concerns_policy
    text = main_text(client.get(board_url).content.decode())
    assert "15 October 2026 A national leader of governance Strong challenge; minutes thin. Yes" in text


def test_a_school_gias_lists_nobody_for(la: LocalAuthority, officer: User) -> None:
    school = EstablishmentFactory(local_authority=la, name="Beaulieu Village Primary School")
    text = main_text(signed_in(officer).get(reverse("governance:school", kwargs={"urn": school.urn})).content.decode())
    assert "Get Information About Schools lists no governors for this school yet." in text
    assert "Record the instrument of government" in text
    assert signed_in(officer).get(reverse("governance:vice_chair", kwargs={"urn": school.urn})).status_code == 404


def test_the_overview_lists_schools_without_a_chair_terms_ending_and_vacancies(
    la: LocalAuthority, alton: Establishment, officer: User
) -> None:
    EstablishmentFactory(local_authority=la, name="Chalgrove Primary School")
    EstablishmentFactory(local_authority=la, name="Closed School", status="Closed")
    EstablishmentFactory(local_authority=la, name="Independent School", governance="independent")
    html = signed_in(officer).get(reverse("governance:overview")).content.decode()
    text = main_text(html)
    no_chair = text.split("Schools without a chair", 1)[1].split("Terms ending", 1)[0]
    assert "Chalgrove Primary School" in no_chair and "Alton" not in no_chair and "Anstey" not in no_chair
    assert "Closed School" not in text and "Independent School" not in text
    assert "Mr Kwame Mensah" in text.split("Terms ending", 1)[1].split("Vacancies", 1)[0]
    assert "3 open schools have no instrument of government recorded" in text
    assert "Alton Infant School Mrs Jane Smith 1 September 2022 31 August 2028" in text
    assert "Chalgrove Primary School No chair" in text
    assert "People on several boards" in text and "Governor training" in text


def test_board_members_see_the_overview_without_the_officers_links(la: LocalAuthority, alton: Establishment) -> None:
    member: User = UserFactory(username="board", role=Role.BOARD_MEMBER, local_authority=la)
    text = main_text(signed_in(member).get(reverse("governance:overview")).content.decode())
    assert "Mrs Jane Smith" in text
    assert "People on several boards" not in text and "Governor training" not in text


def test_the_overview_makes_the_same_queries_for_many_schools(la: LocalAuthority, officer: User) -> None:
    client = signed_in(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("governance:overview")).status_code == 200
        return len(captured)

    def add_school(n: int) -> None:
        board = BoardFactory(establishment=EstablishmentFactory(local_authority=la, name=f"School {n}"))
        chair(board)
        AppointmentFactory(board=board, term_ends_on=timezone.localdate() + dt.timedelta(days=10))
        InstrumentOfGovernment.objects.create(
            board=board, made_on=dt.date(2025, 9, 1), places={"parent": 2, "co_opted": 5}, recorded_by=officer
        )

    add_school(0)
    few = queries()
    for n in range(1, 8):
        add_school(n)
    assert queries() == few


def test_training_sessions_and_who_attended(la: LocalAuthority, alton: Establishment, officer: User) -> None:
    client = signed_in(officer)
    training_url = reverse("governance:training")
    refused = client.post(training_url, {"title": "", "held_on": "01/10/2026"})
    assert "Enter the session&#x27;s title" in refused.content.decode()
    held_on = timezone.localdate() - dt.timedelta(days=7)
    made = client.post(training_url, {"title": "Safeguarding for governors", "held_on": f"{held_on:%d/%m/%Y}"})
    assert made.status_code == 302
    session_url = made["Location"]
    page = client.get(session_url).content.decode()
    assert "Which board were they from?" in page and "No one recorded yet." in page
    board = Board.objects.get(establishment=alton)
    members = client.get(session_url, {"board": board.pk}).content.decode()
    assert "Mrs Jane Smith (chair of governors)" in members and "Mr Kwame Mensah (governor)" in members
    assert "Hannah Lee" not in members  # the clerk
    smith = board.appointments.get(surname="Smith")
    assert client.post(session_url, {"board": board.pk}).status_code == 200  # nobody chosen: a form error
    assert client.post(session_url, {"board": board.pk, "attendees": [smith.pk]}).status_code == 302
    text = main_text(client.get(session_url).content.decode())
    assert "Mrs Jane Smith Chair of governors Alton Infant School" in text
    assert (
        "Mrs Jane Smith"
        not in client.get(session_url, {"board": board.pk}).content.decode().split("Record who attended")[1]
    )
    board_text = main_text(client.get(reverse("governance:school", kwargs={"urn": alton.urn})).content.decode())
    assert f"{day(held_on)} Safeguarding for governors Mrs Jane Smith" in board_text
    listing = main_text(client.get(training_url).content.decode())
    assert f"{day(held_on)} Safeguarding for governors 1" in listing

    attendance = TrainingAttendance.objects.get()
    remove_url = reverse(
        "governance:attendance_remove", kwargs={"session_id": attendance.session_id, "attendance_id": attendance.pk}
    )
    assert "Remove Mrs Jane Smith from this session" in client.get(remove_url).content.decode()
    assert client.post(remove_url, {"reason": ""}).status_code == 200
    assert client.post(remove_url, {"reason": "Wrong session"}).status_code == 302
    assert not TrainingAttendance.objects.exists()


def test_a_planned_session_does_not_offer_to_record_attendance(la: LocalAuthority, officer: User) -> None:
    client = signed_in(officer)
    later = timezone.localdate() + dt.timedelta(days=20)
    made = client.post(reverse("governance:training"), {"title": "Finance", "held_on": f"{later:%d/%m/%Y}"})
    text = main_text(client.get(made["Location"]).content.decode())
    assert "Record who attended once the session has been held." in text
    assert f"Governor training, {day(later)}" in text


def test_an_academy_links_to_its_trusts_board(la: LocalAuthority, officer: User) -> None:
    academy = EstablishmentFactory(local_authority=la, name="The Priory Primary School", governance="academy")
    trust = Group.objects.create(kind=Group.Kind.TRUST, uid="4001", name="Priory Academy Trust")
    GroupMembership.objects.create(group=trust, establishment=academy)
    trust_board = Board.objects.create(uid="4001", group=trust, companies_house_number="07654321")
    chair(trust_board, role="Chair of trustees", title="Mr", forename_1="Tomasz", surname="Kowalski")
    AppointmentFactory(board=trust_board, role="Member", kind="member", forename_1="Ruth", surname="Adeyemi")
    BoardFactory(establishment=academy)
    client = signed_in(officer)
    school_page = client.get(reverse("governance:school", kwargs={"urn": academy.urn})).content.decode()
    assert 'href="/governance/trusts/4001/"' in school_page and "Priory Academy Trust: its board" in school_page
    text = main_text(client.get(reverse("governance:trust", kwargs={"uid": "4001"})).content.decode())
    assert "Trust board" in text and "Mr Tomasz Kowalski" in text and "Ms Ruth Adeyemi Member" in text
    assert "Companies House number 07654321" in text
    assert "Vacancies" not in text and "Governance reviews" not in text
