"""The visit plan's pages through Django's test client: circumstances recorded and ended from a school's
visits page (audited, refused for the wrong people, the plan rebuilt), officers' available days on the
capacity page, and the note and self-evaluation links each person may follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from headway.accounts.models import AuditEvent, Role, User
from headway.schools.models import Establishment, LocalAuthority
from headway.schools.services import link_officer_assign
from headway.visits import notes
from headway.visits.models import Circumstance, HalfTerm, OfficerCapacity, Visit
from headway.visits.planning import (
    circumstance_record,
    circumstances_in_year,
    visit_plan_build,
)
from headway.visits.self_evaluation import self_evaluation_submit
from tests.factories import UserFactory
from tests.helpers import FIXTURES, DateBoxesClient, load
from tests.visits.test_notes_workflow import World, make_world
from tests.visits.test_plan import BEFORE_THE_YEAR, ENTITLEMENTS, categorise, visits_of
from tests.visits.test_self_evaluation import all_graded

D = dt.date
ANSTEY = 115851


def client_for(user: User) -> Client:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def today_is(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)


@pytest.fixture
def people(db: None) -> dict[str, Any]:
    result = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not result.rejected, result.errors
    hampshire = LocalAuthority.objects.get(code="850")
    barnet = LocalAuthority.objects.create(code="302", name="Barnet")
    school = Establishment.objects.get(urn=ANSTEY)
    head = UserFactory(username="head.anstey", role=Role.SCHOOL_USER)
    head.schools.set([school])
    return {
        "school": school,
        "lead": UserFactory(username="lead.officer", role=Role.LA_ADMIN, local_authority=hampshire),
        "link": UserFactory(username="link.officer", role=Role.LA_OFFICER, local_authority=hampshire),
        "elsewhere": UserFactory(username="barnet.officer", role=Role.LA_OFFICER, local_authority=barnet),
        "elsewhere_admin": UserFactory(username="barnet.admin", role=Role.LA_ADMIN, local_authority=barnet),
        "board": UserFactory(username="board", role=Role.BOARD_MEMBER, local_authority=hampshire),
        "head": head,
    }


@pytest.fixture
def planned(people: dict[str, Any]) -> dict[str, Any]:
    """Anstey Junior School in category 2 (one visit a half-term), its 2025/26 plan built before the year."""
    categorise(people["lead"], {ANSTEY: "2"})
    school = people["school"]
    visit_plan_build(
        local_authority=school.local_authority,
        start_year=2025,
        today=BEFORE_THE_YEAR,
        by=people["lead"],
        establishments=[school],
    )
    assert len(visits_of(ANSTEY)) == 6
    return people


# Circumstances ------------------------------------------------------------------------------------------------


def test_a_circumstance_recorded_on_the_page_is_audited_and_rebuilds_the_plan(
    planned: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    today_is(monkeypatch, BEFORE_THE_YEAR)
    link, school = planned["link"], planned["school"]
    officer = client_for(link)
    page = officer.get(f"/visits/schools/{ANSTEY}/?year=2025").content.decode()
    assert "Record a circumstance" in page and "rebuilds this school's visit plan at once" in page
    assert ENTITLEMENTS.extra_visits["new_or_acting_head"].label in page  # the policy's kinds are offered

    response = officer.post(
        f"/visits/schools/{ANSTEY}/?year=2025",
        {"kind": "new_or_acting_head", "starts_on": "10/01/2026", "ends_on": "", "note": "Head retires at Christmas"},
    )
    assert response.status_code == 302 and response["Location"] == f"/visits/schools/{ANSTEY}/?year=2025"
    circumstance = Circumstance.objects.get(establishment=school)
    assert (circumstance.kind, circumstance.starts_on, circumstance.recorded_by) == (
        "new_or_acting_head",
        D(2026, 1, 10),
        link,
    )
    event = AuditEvent.objects.get(verb="circumstance.recorded")
    assert event.actor == link and event.reason == "Head retires at Christmas"
    assert event.after == {
        "circumstance": circumstance.pk,
        "kind": "new_or_acting_head",
        "starts_on": "2026-01-10",
        "ends_on": None,
    }
    # Rebuilt at once: two extra visits from spring 1.
    visits = visits_of(ANSTEY)
    extra = [v for v in visits if v.purpose == "New or acting headteacher"]
    assert len(visits) == 8 and len(extra) == 2 and all(v.planned_on >= D(2026, 1, 10) for v in extra)
    page = officer.get(response["Location"]).content.decode()
    assert "Circumstance recorded: New or acting headteacher from 10 January 2026." in page
    assert "rebuilt: 2 visits added" in page
    assert "Head retires at Christmas" in page and f"/circumstances/{circumstance.pk}/end/" in page

    # And the next build counts it too.
    visit_plan_build(local_authority=school.local_authority, start_year=2025, today=BEFORE_THE_YEAR, by=planned["lead"])
    assert len(visits_of(ANSTEY)) == 8
    assert [c.kind for c in circumstances_in_year(school, visits[0].academic_year)] == ["new_or_acting_head"]


def test_a_circumstance_with_an_unknown_kind_or_ending_before_it_starts_is_refused(
    planned: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    today_is(monkeypatch, BEFORE_THE_YEAR)
    officer = client_for(planned["link"])
    page = officer.post(
        f"/visits/schools/{ANSTEY}/?year=2025",
        {"kind": "alien_invasion", "starts_on": "10/01/2026", "note": "x"},
    )
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    page = officer.post(
        f"/visits/schools/{ANSTEY}/?year=2025",
        {"kind": "critical_incident", "starts_on": "10/01/2026", "ends_on": "09/01/2026", "note": "x"},
    )
    assert page.status_code == 200
    assert "The end date must be the same as or after the start date" in page.content.decode()
    page = officer.post(f"/visits/schools/{ANSTEY}/?year=2025", {"kind": "critical_incident", "starts_on": ""})
    assert "Enter the date the circumstance starts" in page.content.decode()
    assert "Enter what happened" in page.content.decode()
    # The service refuses them too, whoever calls it.
    school, lead = planned["school"], planned["lead"]
    with pytest.raises(ValueError, match="not a circumstance of the entitlement policy"):
        circumstance_record(establishment=school, kind="alien_invasion", starts_on=D(2026, 1, 10), by=lead)
    with pytest.raises(ValueError, match="cannot end before it starts"):
        circumstance_record(
            establishment=school, kind="critical_incident", starts_on=D(2026, 1, 10), ends_on=D(2026, 1, 9), by=lead
        )
    assert not Circumstance.objects.exists()
    assert not AuditEvent.objects.filter(verb="circumstance.recorded").exists()
    assert len(visits_of(ANSTEY)) == 6


def test_a_circumstance_is_ended_on_its_page_audited(planned: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    today_is(monkeypatch, BEFORE_THE_YEAR)
    link, school = planned["link"], planned["school"]
    circumstance = circumstance_record(
        establishment=school, kind="critical_incident", starts_on=D(2025, 11, 5), by=link, note="Flood"
    )
    officer = client_for(link)
    url = f"/visits/schools/{ANSTEY}/circumstances/{circumstance.pk}/end/"
    assert "End the circumstance" in officer.get(url).content.decode()
    page = officer.post(url, {"ends_on": "01/11/2025", "reason": ""})
    assert page.status_code == 200 and "cannot end before it starts" in page.content.decode()
    response = officer.post(url, {"ends_on": "30/01/2026", "reason": "Building reopened"})
    assert response.status_code == 302
    circumstance.refresh_from_db()
    assert circumstance.ends_on == D(2026, 1, 30)
    event = AuditEvent.objects.get(verb="circumstance.ended")
    assert event.actor == link and event.reason == "Building reopened"
    assert (event.before or {})["ends_on"] is None and (event.after or {})["ends_on"] == "2026-01-30"
    assert len(visits_of(ANSTEY)) == 7  # current in the year, so its visit stays
    assert officer.get(url).status_code == 302  # already ended


def test_circumstances_are_refused_to_other_authorities_and_school_users(
    planned: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    today_is(monkeypatch, BEFORE_THE_YEAR)
    school = planned["school"]
    data = {"kind": "critical_incident", "starts_on": "10/01/2026", "note": "x"}
    existing = circumstance_record(
        establishment=school, kind="ofsted_expected", starts_on=D(2026, 1, 5), by=planned["lead"]
    )
    end_url = f"/visits/schools/{ANSTEY}/circumstances/{existing.pk}/end/"
    elsewhere = client_for(planned["elsewhere"])
    assert elsewhere.get(f"/visits/schools/{ANSTEY}/").status_code == 404
    assert elsewhere.post(f"/visits/schools/{ANSTEY}/", data).status_code == 404
    assert elsewhere.post(end_url, {"ends_on": "30/01/2026"}).status_code == 404
    head = client_for(planned["head"])
    own = head.get(f"/visits/schools/{ANSTEY}/")
    assert own.status_code == 200
    assert (
        "Record a circumstance" not in own.content.decode() and "Ofsted inspection expected" not in own.content.decode()
    )
    assert head.post(f"/visits/schools/{ANSTEY}/", data).status_code == 403
    assert head.post(end_url, {"ends_on": "30/01/2026"}).status_code == 403
    assert client_for(planned["board"]).post(f"/visits/schools/{ANSTEY}/", data).status_code == 403
    assert list(Circumstance.objects.values_list("kind", "ends_on")) == [("ofsted_expected", None)]
    assert AuditEvent.objects.filter(verb__startswith="circumstance.").count() == 1


def test_an_uncategorised_school_offers_no_circumstances(people: dict[str, Any]) -> None:
    page = client_for(people["link"]).get(f"/visits/schools/{ANSTEY}/").content.decode()
    assert "no circumstance can be recorded" in page and "Record a circumstance" not in page
    with pytest.raises(ValueError, match="No visit entitlements apply"):
        circumstance_record(
            establishment=people["school"], kind="critical_incident", starts_on=D(2026, 1, 5), by=people["lead"]
        )


# Officers' available days -----------------------------------------------------------------------------------------


def test_the_head_of_service_sets_available_days_audited(planned: dict[str, Any]) -> None:
    lead, link = planned["lead"], planned["link"]
    admin = client_for(lead)
    page = admin.get("/visits/capacity/?year=2025").content.decode()
    assert "Set an officer's available days" in page and "link.officer" in page
    # An officer's plan is linked by their number: a username is never put in an address.
    assert f"/visits/?officer={link.pk}&amp;year=2025" in page and "officer=link.officer" not in page
    assert admin.get(f"/visits/?officer={link.pk}&year=2025").status_code == 200
    assert admin.get("/visits/?officer=link.officer&year=2025").status_code == 404
    data = {"officer": str(link.pk), "half_term": "2", "available_days": "8"}
    response = admin.post("/visits/capacity/?year=2025", data)
    assert response.status_code == 302 and response["Location"] == "/visits/capacity/?year=2025"
    autumn_2 = HalfTerm.objects.get(
        academic_year__start_year=2025, academic_year__local_authority__code="850", number=2
    )
    assert OfficerCapacity.objects.get(officer=link, half_term=autumn_2).available_days == Decimal("8")
    page = admin.get(response["Location"]).content.decode()
    assert "has 8 days for visits in Autumn 2" in page and "0 / 8" in page
    admin.post("/visits/capacity/?year=2025", {**data, "available_days": "7.5"})
    admin.post("/visits/capacity/?year=2025", {**data, "available_days": "7.5"})  # the same again: no event
    events = list(AuditEvent.objects.filter(verb="officer_capacity.set").order_by("id"))
    assert [(e.actor, e.before, e.after) for e in events] == [
        (lead, {"available_days": None}, {"available_days": "8.0"}),
        (lead, {"available_days": "8.0"}, {"available_days": "7.5"}),
    ]
    too_many = admin.post("/visits/capacity/?year=2025", {**data, "available_days": "60"})
    assert too_many.status_code == 200 and "must be between 0 and" in too_many.content.decode()
    quarter = admin.post("/visits/capacity/?year=2025", {**data, "available_days": "7.25"})
    assert "Enter whole or half days" in quarter.content.decode()
    assert OfficerCapacity.objects.get(officer=link, half_term=autumn_2).available_days == Decimal("7.5")


def test_only_the_authoritys_admins_set_available_days(planned: dict[str, Any]) -> None:
    data = {"officer": str(planned["link"].pk), "half_term": "2", "available_days": "8"}
    for person in ("link", "head", "board"):
        assert client_for(planned[person]).post("/visits/capacity/?year=2025", data).status_code == 403
    # Another authority's administrator sees their own officers only.
    page = client_for(planned["elsewhere_admin"]).post("/visits/capacity/?year=2025", data)
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert not OfficerCapacity.objects.exists()


# Links to notes and self-evaluations --------------------------------------------------------------------------------


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def links_on(user: User, path: str = "/visits/schools/115850/") -> str:
    response = client_for(user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_links_follow_each_persons_permissions(world: World) -> None:
    visit = world.visit
    write, evaluation = f"/notes/visits/{visit.pk}/new/", f"/notes/visits/{visit.pk}/self-evaluation/"
    for staff in (world.officer, world.colleague):
        page = links_on(staff)
        assert "Write the note of visit" in page and write in page
        assert "No self-evaluation yet" in page and evaluation not in page
    page = links_on(world.head)
    assert write not in page and "See the note" not in page
    assert "Complete the self-evaluation" in page and evaluation in page

    self_evaluation_submit(visit=visit, by=world.head, grades=all_graded())  # before the visit
    assert "See the self-evaluation" in links_on(world.officer)
    assert "See the self-evaluation" in links_on(world.head)

    note = notes.note_create(visit=visit, template_name="standard", author=world.officer)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED  # a note started but not written leaves the visit planned
    notes.note_update(note=note, by=world.officer, sections={"summary": "Good."}, judgements={})
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE  # writing the note marks the visit done
    assert f"/notes/{note.pk}/" in links_on(world.officer) and write not in links_on(world.officer)
    page = links_on(world.head)
    assert "See the note" not in page  # a draft is not the school's yet
    assert evaluation not in page  # the school's users only while the visit is planned
    assert "See the self-evaluation" in links_on(world.officer)
    notes.note_send(note=note, by=world.officer)
    page = links_on(world.head)
    assert "See the note" in page and f"/notes/{note.pk}/" in page


def test_a_cancelled_visit_offers_no_note_to_write(world: World) -> None:
    Visit.objects.filter(pk=world.visit.pk).update(status=Visit.Status.CANCELLED)
    page = links_on(world.officer)
    assert "Write the note of visit" not in page


def test_my_schools_links_the_last_and_next_visits(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    today_is(monkeypatch, D(2025, 10, 20))
    link_officer_assign(
        establishment=world.school,
        officer=world.officer,
        by=world.colleague,
        reason="Caseload",
        starts_on=D(2025, 9, 1),
    )
    upcoming = Visit.objects.create(
        establishment=world.school,
        officer=world.officer,
        academic_year=world.visit.academic_year,
        planned_on=D(2026, 1, 14),
        purpose="School effectiveness visit",
    )
    page = links_on(world.officer, "/visits/?year=2025")
    assert f"/notes/visits/{world.visit.pk}/new/" in page  # the last visit: write its note
    assert f"/notes/visits/{upcoming.pk}/new/" in page
    assert page.count("No self-evaluation yet") == 2
    self_evaluation_submit(visit=upcoming, by=world.head, grades=all_graded())
    page = links_on(world.officer, "/visits/?year=2025")
    assert f"/notes/visits/{upcoming.pk}/self-evaluation/" in page
