"""Who may open and post to every page of schools causing concern.

Every URL of the ``concerns`` namespace must have a rule below: a new URL without one fails
``test_every_concerns_url_has_an_access_rule``. The people: nobody signed in, the school's head, another
school's head, a board member of the authority, an officer of another authority and the school's LA officer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from headway.accounts.models import AuditEvent, User
from headway.concerns import rise, services
from headway.concerns.models import (
    AcademyContact,
    ActionPlan,
    Letter,
    MeetingPack,
    ReviewGroupMeeting,
    RiseEngagement,
    SchoolCausingConcern,
    WarningNotice,
)
from tests.concerns.world import World, designated, inspect, make_world, meeting
from tests.helpers import DateBoxesClient, date_boxes

pytestmark = pytest.mark.django_db

MINUTES = "Confidential: the group discussed Anstey Junior School's governance."
PEOPLE = ("anonymous", "own_head", "other_head", "board", "outsider", "officer")

# What each kind of page answers to each person. LA-wide listings say 403 to people who are not LA staff
# (the outsider sees their own, empty, authority); object pages say 404 so that nothing is confirmed.
LA_LISTING = {"anonymous": 302, "own_head": 403, "other_head": 403, "board": 403, "outsider": 200, "officer": 200}
BOARD = {"anonymous": 302, "own_head": 403, "other_head": 403, "board": 200, "outsider": 200, "officer": 200}
SHARED_WITH_SCHOOL = {
    "anonymous": 302,
    "own_head": 200,
    "other_head": 404,
    "board": 404,
    "outsider": 404,
    "officer": 200,
}
LA_ONLY = {"anonymous": 302, "own_head": 404, "other_head": 404, "board": 404, "outsider": 404, "officer": 200}

RULES: dict[str, dict[str, int]] = {
    "register": LA_LISTING,
    "register_download": LA_LISTING,
    "meetings": LA_LISTING,
    "board": BOARD,
    "board_pdf": BOARD,
    "plan": SHARED_WITH_SCHOOL,
    "letter_docx": SHARED_WITH_SCHOOL,
    "letter_pdf": SHARED_WITH_SCHOOL,
    "case": LA_ONLY,
    "lead_officer": LA_ONLY,
    "judgement": LA_ONLY,
    "plan_record": LA_ONLY,
    "plan_review": LA_ONLY,
    "monitoring": LA_ONLY,
    "power": LA_ONLY,
    "statement": LA_ONLY,
    "academy_contact": LA_ONLY,
    "academy_response": LA_ONLY,
    "notice_outcome": LA_ONLY,
    "eligibility": LA_ONLY,
    "meeting": LA_ONLY,
    "pack": LA_ONLY,
    "pack_pdf": LA_ONLY,
    "pack_made": LA_ONLY,
    "pack_download": LA_ONLY,
    "rise": SHARED_WITH_SCHOOL,  # the school's own users see its RISE engagements, read-only
    "rise_end": LA_ONLY,
}
ACADEMY_PAGES = {"academy_contact", "academy_response"}  # their subject is the academy, not Alton

# What a non-LA user might post to any form: every field of every form, plausibly filled.
POST_DATA = {
    "action": "minutes",
    "attendees": "Somebody",
    "minutes": "Rewritten by someone outside the LA",
    "reason": "Because",
    "reasons": "Because",
    "held_on": "01/12/2025",
    "officer": "1",
    "kind": "not_engaged",
    "value": "yes",
    "made_on": "01/11/2025",
    "outcome": "complied",
    "on": "05/01/2026",
    "chaired_by": "Someone",
    "notes": "Notes",
    "response": "A response",
    "response_on": "03/11/2025",
    "raised_with": "headteacher",
    "sent_on": "20/10/2025",
    "what_was_sent": "A letter",
    "power": "interim_executive_board",
    "decided_on": "20/01/2026",
    "starts_on": "02/02/2026",
    "summary": "Summary",
    "next_steps": "Next",
    "reviewed_on": "15/01/2026",
}


@dataclass
class Setting:
    world: World
    plan: ActionPlan
    held: ReviewGroupMeeting
    notice: WarningNotice
    letter: Letter
    academy_letter: Letter
    contact: AcademyContact
    rise: RiseEngagement
    pack: MeetingPack


def _letter(concern: SchoolCausingConcern, by: User, subject: str) -> Letter:
    return Letter.objects.create(
        concern=concern,
        kind=Letter.Kind.DESIGNATION,
        recipient=Letter.Recipient.HEADTEACHER,
        addressee="The headteacher",
        subject=subject,
        body="Dear headteacher",
        dated=dt.date(2025, 10, 15),
        docx=b"PK\x03\x04 a docx",
        pdf=b"%PDF-1.4 a letter",
        created_by=by,
    )


@pytest.fixture
def setting() -> Setting:
    """Alton designated with a plan, a review, a warning notice and a letter; the review group's minutes
    about other schools; the Priory academy designated with a concern raised with its head."""
    world = make_world()
    concern = designated(world)
    held = ReviewGroupMeeting.objects.get(decisions__concern=concern)
    services.minutes_record(meeting=held, attendees="Sam Service", minutes=MINUTES, by=world.head_of_service)
    plan = services.action_plan_record(
        concern=concern,
        key_issues="Phonics",
        where_in_a_year="Good",
        monitoring_arrangements="Half-termly",
        agreed_on=dt.date(2025, 11, 1),
        milestones=[{"title": "Phonics above 70%", "due_on": "2026-02-27"}],
        actions=[{"by": "la", "description": "Coaching"}],
        by=world.officer,
    )
    milestone = plan.milestones.get()
    services.plan_review_record(
        plan=plan,
        reviewed_on=dt.date(2026, 1, 15),
        progress={milestone.pk: ("amber", "")},
        summary="Some progress",
        next_steps="Continue",
        by=world.officer,
    )
    services.judgement_record(
        concern=concern, kind="not_engaged", value=True, made_on=dt.date(2025, 11, 1), reason="No", by=world.officer
    )
    notice = services.warning_notice_issue(
        meeting=meeting(world, dt.date(2025, 11, 20)),
        concern=concern,
        ground="standards",
        reasons="Not engaged",
        required_action="Engage",
        discussed_with_head_on=dt.date(2025, 11, 18),
        by=world.head_of_service,
    )
    academy = designated(world, school=world.academy)
    contact = services.academy_contact_record(
        concern=academy,
        raised_with="headteacher",
        sent_on=dt.date(2025, 10, 20),
        what_was_sent="A letter",
        by=world.officer,
    )
    inspect(world.other_school, dt.date(2025, 3, 10), 4)
    universal = rise.record_rise_engagement(
        establishment=world.school,
        kind="universal",
        adviser="",
        support_plan="RISE network for infant schools",
        started_on=dt.date(2025, 10, 1),
        by=world.officer,
    )
    return Setting(
        world=world,
        plan=plan,
        held=held,
        notice=notice,
        letter=_letter(concern, world.officer, "Alton Infant School causing concern"),
        academy_letter=_letter(academy, world.officer, "The Priory Primary School causing concern"),
        contact=contact,
        rise=universal,
        pack=MeetingPack.objects.create(
            meeting=held, requested_by=world.officer, status=MeetingPack.Status.READY, pdf=b"%PDF-1.4 the pack"
        ),
    )


def concerns_patterns() -> dict[str, URLPattern]:
    _prefix, resolver = get_resolver().namespace_dict["concerns"]
    return {p.name: p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def url_for(name: str, setting: Setting) -> str:
    school = setting.world.academy if name in ACADEMY_PAGES else setting.world.school
    values: dict[str, Any] = {
        "urn": school.urn,
        "meeting_id": setting.held.pk,
        "notice_id": setting.notice.pk,
        "letter_id": setting.letter.pk,
        "contact_id": setting.contact.pk,
        "engagement_id": setting.rise.pk,
        "pack_id": setting.pack.pk,
        "file_format": "csv",
    }
    converters = concerns_patterns()[name].pattern.converters  # type: ignore[attr-defined]
    return reverse(f"concerns:{name}", kwargs={key: values[key] for key in converters})


def client_as(person: str, setting: Setting, name: str = "") -> Client:
    world = setting.world
    own_head = world.academy_head if name in ACADEMY_PAGES else world.head
    users = {
        "own_head": own_head,
        "other_head": world.other_head,
        "board": world.board,
        "outsider": world.outsider,
        "officer": world.officer,
    }
    client = DateBoxesClient()
    if person != "anonymous":
        client.force_login(users[person])
    return client


def snapshot() -> dict[str, int]:
    """How many rows every concerns table and the audit trail hold."""
    counts = {model.__name__: model.objects.count() for model in apps.get_app_config("concerns").get_models()}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


def content(response: HttpResponse) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


#: Concerns URLs whose access rules are only in the whole app's matrix (tests/access/rules.py), which builds the
#: statutory power they need.
IN_THE_WHOLE_APPS_MATRIX = {"power_end"}


def test_every_concerns_url_has_an_access_rule() -> None:
    assert set(concerns_patterns()) == set(RULES) | IN_THE_WHOLE_APPS_MATRIX, (
        "give every concerns URL an access rule in RULES"
    )


def test_who_may_open_every_concerns_page(setting: Setting) -> None:
    login = reverse(settings.LOGIN_URL)
    wrong: list[str] = []
    for name, rule in RULES.items():
        url = url_for(name, setting)
        for person in PEOPLE:
            response = client_as(person, setting, name).get(url)
            expected = rule[person]
            if response.status_code != expected:
                wrong.append(f"{person} GET {url}: {response.status_code}, expected {expected}")
            elif expected == 302 and not response["Location"].startswith(login):
                wrong.append(f"{person} GET {url}: redirected to {response['Location']}, not to sign in")
            if person != "officer" and MINUTES.encode() in content(response):
                wrong.append(f"{person} GET {url}: shows the review group's minutes")
            if person == "outsider" and b"Alton Infant School" in content(response):
                wrong.append(f"{person} GET {url}: shows another authority's school")
    assert not wrong, "\n".join(wrong)


def test_posts_by_anyone_outside_the_la_team_change_nothing(setting: Setting) -> None:
    before = snapshot()
    wrong: list[str] = []
    for name, rule in RULES.items():
        url = url_for(name, setting)
        for person in PEOPLE:
            if person == "officer":
                continue
            if name == "meetings" and rule[person] == 200:
                continue  # the other authority's officer may schedule a meeting of their own authority
            for data in (POST_DATA, {**POST_DATA, "action": "agenda"}, {**POST_DATA, "action": "decision"}):
                data = date_boxes(data)
                response = client_as(person, setting, name).post(url, data)
                allowed = {302} if person == "anonymous" else {403, 404, 405}
                if response.status_code not in allowed:
                    wrong.append(f"{person} POST {url} ({data['action']}): {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before
    setting.held.refresh_from_db()
    assert setting.held.minutes == MINUTES and setting.held.agenda_prepared_at is None


def test_the_head_sees_their_own_plan_and_letters_only(setting: Setting) -> None:
    world = setting.world
    head = client_as("own_head", setting)
    page = head.get(reverse("concerns:plan", kwargs={"urn": world.school.urn})).content.decode()
    assert "Phonics above 70%" in page and "Amber: partly on track" in page
    assert "Alton Infant School causing concern" in page  # the letter, with its links
    assert MINUTES not in page and "Not engaged" not in page  # no decisions' reasons, no judgements
    assert "Schools causing concern" not in page.split("</header>")[0]  # no navigation link to the register

    docx = head.get(reverse("concerns:letter_docx", kwargs={"letter_id": setting.letter.pk}))
    assert docx.status_code == 200
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert docx["Content-Disposition"] == f'attachment; filename="{setting.letter.file_stem}.docx"'
    assert docx.content == b"PK\x03\x04 a docx"
    pdf = head.get(reverse("concerns:letter_pdf", kwargs={"letter_id": setting.letter.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    for url in (
        reverse("concerns:letter_pdf", kwargs={"letter_id": setting.academy_letter.pk}),
        reverse("concerns:letter_docx", kwargs={"letter_id": setting.academy_letter.pk}),
        reverse("concerns:plan", kwargs={"urn": world.academy.urn}),
        reverse("concerns:plan", kwargs={"urn": world.other_school.urn}),
        reverse("concerns:case", kwargs={"urn": world.school.urn}),
    ):
        assert head.get(url).status_code == 404, url
    academy_head = client_as("own_head", setting, "academy_contact")
    academy_plan = academy_head.get(reverse("concerns:plan", kwargs={"urn": world.academy.urn}))
    assert "No action plan has been agreed yet" in academy_plan.content.decode()
    academy_letter = reverse("concerns:letter_pdf", kwargs={"letter_id": setting.academy_letter.pk})
    assert academy_head.get(academy_letter).status_code == 200
    assert academy_head.get(reverse("concerns:letter_pdf", kwargs={"letter_id": setting.letter.pk})).status_code == 404


def test_la_staff_see_the_navigation_link_and_superusers_choose_the_authority(setting: Setting) -> None:
    world = setting.world
    page = client_as("officer", setting).get(reverse("concerns:register")).content.decode()
    assert 'href="/concerns/"' in page and "Alton Infant School" in page
    board_page = client_as("board", setting).get(reverse("concerns:board")).content.decode()
    assert 'href="/concerns/"' not in board_page
    superuser: User = User.objects.create_superuser("root", password="x")
    client = DateBoxesClient()
    client.force_login(superuser)
    assert "Alton Infant School" in client.get(reverse("concerns:register") + "?la=850").content.decode()
    assert client.get(reverse("concerns:register") + "?la=999").status_code == 404
    outsider = client_as("outsider", setting)
    assert outsider.get(reverse("concerns:register") + "?la=850").status_code == 404
    assert outsider.get(reverse("concerns:board") + "?la=850").status_code == 404
    assert world.outsider.local_authority is not None
