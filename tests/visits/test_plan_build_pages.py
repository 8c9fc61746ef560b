"""The year's visit plan as pages: building and rebuilding it (a rebuild only after a confirmation that says what
it keeps), schools' link officers chosen for one school or a whole area (audited, the school's planned visits
follow the new officer), officers' demand against their capacity, who may do each, and queries that do not grow
with the number of schools."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from headway.accounts.models import AuditEvent, Role, User
from headway.schools.models import Area, Establishment, LinkOfficerAssignment, LocalAuthority
from headway.schools.services import link_officer_assign
from headway.visits import selectors
from headway.visits.calendar import academic_year_ensure
from headway.visits.link_officers import LinkOfficerRefused, area_link_officer_set, school_link_officer_set
from headway.visits.models import OfficerCapacity, Visit
from headway.visits.planning import visit_cancel, visit_mark_done, visit_move, visit_plan_build
from tests.factories import EstablishmentFactory, UserFactory
from tests.helpers import FIXTURES, load
from tests.visits.test_plan import categorise

D = dt.date
ALTON, ANSTEY, BALKSBURY = 115850, 115851, 115852
IN_THE_AUTUMN = D(2025, 10, 1)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today_is(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)


@pytest.fixture
def world(db: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Hampshire's sample schools, three of them categorised (2: a visit a half-term); an area (the Test
    Valley cluster) with two schools, one in an area inside it; officers of Hampshire and of Barnet."""
    today_is(monkeypatch, D(2025, 8, 1))
    result = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not result.rejected, result.errors
    hampshire = LocalAuthority.objects.get(code="850")
    barnet = LocalAuthority.objects.create(code="302", name="Barnet")
    lead = UserFactory(
        username="lead.officer", first_name="Lena", last_name="Lead", role=Role.LA_ADMIN, local_authority=hampshire
    )
    categorise(lead, {ALTON: "2", ANSTEY: "2", BALKSBURY: "2"})
    cluster = Area.objects.create(local_authority=hampshire, name="Test Valley", kind=Area.Kind.CLUSTER)
    inside = Area.objects.create(local_authority=hampshire, name="Andover", kind=Area.Kind.CLUSTER, parent=cluster)
    Establishment.objects.filter(urn=ANSTEY).update(area=cluster)
    Establishment.objects.filter(urn=BALKSBURY).update(area=inside)
    head = UserFactory(username="head.alton", role=Role.SCHOOL_USER)
    head.schools.set([Establishment.objects.get(urn=ALTON)])
    return {
        "hampshire": hampshire,
        "barnet": barnet,
        "cluster": cluster,
        "barnet_area": Area.objects.create(local_authority=barnet, name="West", kind=Area.Kind.CLUSTER),
        "lead": lead,
        "link": UserFactory(
            username="link.officer",
            first_name="Lionel",
            last_name="Linkman",
            role=Role.LA_OFFICER,
            local_authority=hampshire,
        ),
        "other": UserFactory(
            username="other.officer",
            first_name="Olga",
            last_name="Other",
            role=Role.LA_OFFICER,
            local_authority=hampshire,
        ),
        "elsewhere": UserFactory(
            username="barnet.officer",
            first_name="Bob",
            last_name="Barnet",
            role=Role.LA_OFFICER,
            local_authority=barnet,
        ),
        "board": UserFactory(username="board", role=Role.BOARD_MEMBER, local_authority=hampshire),
        "head": head,
    }


def school(urn: int) -> Establishment:
    return Establishment.objects.get(urn=urn)


# The plan page ---------------------------------------------------------------------------------------------------


def test_an_officer_builds_the_plan_from_the_page(world: dict[str, Any]) -> None:
    officer = client_for(world["link"])
    page = officer.get("/visits/plan/?year=2025").content.decode()
    assert "has not been built yet" in page and "Build the plan" in page

    response = officer.post("/visits/plan/", {"year": "2025"})
    assert response.status_code == 302 and response["Location"] == "/visits/plan/?year=2025"
    assert Visit.objects.filter(establishment__urn__in=[ALTON, ANSTEY, BALKSBURY]).count() == 18
    event = AuditEvent.objects.get(verb="visit_plan.built")
    assert event.actor == world["link"] and event.after["created"] == 18
    page = officer.get(response["Location"]).content.decode()
    assert "The visit plan for 2025/26 has been built for 3 schools: 18 visits planned." in page
    assert re.search(r"last built on \d{1,2} [A-Z][a-z]+ \d{4} by Lionel Linkman", page)
    assert "Autumn 1" in page and "link.officer" not in page


def test_a_rebuild_needs_confirmation_and_says_what_it_keeps(world: dict[str, Any], monkeypatch: Any) -> None:
    lead = world["lead"]
    visit_plan_build(local_authority=world["hampshire"], start_year=2025, today=D(2025, 8, 1), by=lead)
    visits = list(Visit.objects.filter(establishment__urn=ANSTEY).order_by("planned_on"))
    visit_mark_done(visit=visits[0], by=lead)
    visit_cancel(visit=visits[1], by=lead, reason="School closed for snow")
    visit_move(visit=visits[2], planned_on=D(2026, 1, 20), by=lead, reason="Clash")
    today_is(monkeypatch, IN_THE_AUTUMN)
    before = sorted(Visit.objects.values_list("pk", "planned_on", "status"))
    events = AuditEvent.objects.filter(verb="visit_plan.built").count()
    officer = client_for(world["link"])

    # Without the confirmation: the confirmation page, and nothing changes.
    response = officer.post("/visits/plan/", {"year": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rebuild the visit plan?" in page and "visits done: 1" in page and "visits cancelled: 1" in page
    assert "visits moved or added by hand: 1" in page
    assert sorted(Visit.objects.values_list("pk", "planned_on", "status")) == before
    assert AuditEvent.objects.filter(verb="visit_plan.built").count() == events
    # Any other value of the confirmation does nothing either.
    officer.post("/visits/plan/", {"year": "2025", "confirm": "no"})
    assert AuditEvent.objects.filter(verb="visit_plan.built").count() == events

    effect = selectors.rebuild_effect(academic_year_ensure(world["hampshire"], 2025), today=IN_THE_AUTUMN)
    response = officer.post("/visits/plan/", {"year": "2025", "confirm": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="visit_plan.built").count() == events + 1
    event = AuditEvent.objects.filter(verb="visit_plan.built").first()
    assert event is not None and event.after["removed"] == effect.replanned
    kept = Visit.objects.filter(pk__in=[visits[0].pk, visits[1].pk, visits[2].pk])
    assert sorted(kept.values_list("status", flat=True)) == ["cancelled", "done", "planned"]
    assert Visit.objects.get(pk=visits[2].pk).planned_on == D(2026, 1, 20)


def test_only_this_year_or_next_can_be_built(world: dict[str, Any]) -> None:
    response = client_for(world["link"]).post("/visits/plan/", {"year": "2019"})
    assert response.status_code == 200 and "Choose the academic year" in response.content.decode()
    assert not AuditEvent.objects.filter(verb="visit_plan.built").exists()


def test_plan_overview_counts_each_half_term(world: dict[str, Any]) -> None:
    academic_year = academic_year_ensure(world["hampshire"], 2025)
    assert not selectors.plan_overview(academic_year).exists
    visit_plan_build(local_authority=world["hampshire"], start_year=2025, today=D(2025, 8, 1), by=world["lead"])
    first = Visit.objects.filter(establishment__urn=ALTON).order_by("planned_on").first()
    assert first is not None
    visit_mark_done(visit=first, by=world["lead"])
    overview = selectors.plan_overview(academic_year)
    assert overview.exists and overview.built is not None and overview.built.by == "Lena Lead"
    assert [(t.planned, t.done) for t in overview.terms] == [(2, 1)] + [(3, 0)] * 5
    assert (overview.visits, overview.schools_with_visits, overview.outside_terms) == (18, 3, 0)


# Link officers ---------------------------------------------------------------------------------------------------


def test_a_school_gets_a_link_officer_and_its_planned_visits_follow(world: dict[str, Any]) -> None:
    lead, link = world["lead"], world["link"]
    link_officer_assign(establishment=school(ALTON), officer=lead, by=lead, reason="Caseload", starts_on=D(2025, 7, 1))
    visit_plan_build(local_authority=world["hampshire"], start_year=2025, today=D(2025, 8, 1), by=lead)
    first = Visit.objects.filter(establishment__urn=ALTON).order_by("planned_on").first()
    assert first is not None
    visit_mark_done(visit=first, by=lead)

    officer = client_for(link)
    page = officer.get(f"/visits/link-officers/schools/{ALTON}/").content.decode()
    assert "Lionel Linkman" in page and "Olga Other" in page and "Lena Lead" in page
    assert "Bob Barnet" not in page and "link.officer" not in page  # by name; never another authority's
    response = officer.post(
        f"/visits/link-officers/schools/{ALTON}/",
        {"officer": str(world["other"].pk), "starts_on_0": "1", "starts_on_1": "1", "starts_on_2": "2026",
         "reason": "Lena's caseload is too big"},
    )  # fmt: skip
    assert response.status_code == 302
    current = LinkOfficerAssignment.objects.get(establishment__urn=ALTON, ends_on__isnull=True)
    assert (current.officer, current.starts_on) == (world["other"], D(2026, 1, 1))
    event = AuditEvent.objects.get(verb="establishment.link_officer_assigned", actor=link)
    assert event.reason == "Lena's caseload is too big" and event.before["officer"] == "lead.officer"
    assert AuditEvent.objects.get(verb="visits.officer_changed").after["visits"] == 4
    officers = {
        (v.planned_on >= D(2026, 1, 1), v.status, v.officer_id) for v in Visit.objects.filter(establishment__urn=ALTON)
    }
    assert officers == {(False, "done", lead.pk), (False, "planned", lead.pk), (True, "planned", world["other"].pk)}
    page = officer.get(response["Location"]).content.decode()
    assert "Olga Other is the link officer of Alton Infant School from 1 January 2026." in page
    assert "4 planned visits from that day are now theirs." in page


def test_every_school_of_an_area_gets_the_officer_with_the_areas_inside_it(world: dict[str, Any]) -> None:
    lead, cluster = world["lead"], world["cluster"]
    officer = client_for(world["link"])
    page = officer.get(f"/visits/link-officers/areas/{cluster.pk}/").content.decode()
    assert "has 2 open schools" in page and "No link officer: 2 schools" in page
    response = officer.post(
        f"/visits/link-officers/areas/{cluster.pk}/",
        {"officer": str(world["other"].pk), "starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "2025",
         "reason": "Area caseloads"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/visits/link-officers/?area={cluster.pk}"
    assigned = set(
        LinkOfficerAssignment.objects.filter(officer=world["other"]).values_list("establishment__urn", flat=True)
    )
    assert assigned == {ANSTEY, BALKSBURY}
    assert AuditEvent.objects.filter(verb="establishment.link_officer_assigned", reason="Area caseloads").count() == 2
    page = officer.get(response["Location"]).content.decode()
    assert "Olga Other is the link officer of 2 schools in the Test Valley cluster from 1 September 2025." in page
    del lead


def test_an_area_is_all_or_nothing_when_a_school_s_officer_started_later(world: dict[str, Any]) -> None:
    lead = world["lead"]
    link_officer_assign(
        establishment=school(BALKSBURY), officer=lead, by=lead, reason="Caseload", starts_on=D(2025, 10, 1)
    )
    with pytest.raises(LinkOfficerRefused, match="Balksbury Junior School started after 1 September 2025"):
        area_link_officer_set(
            area=world["cluster"], officer=world["other"], starts_on=D(2025, 9, 1), reason="Areas", by=lead
        )
    assert not LinkOfficerAssignment.objects.filter(officer=world["other"]).exists()


def test_an_officer_of_another_authority_is_refused(world: dict[str, Any]) -> None:
    lead, elsewhere = world["lead"], world["elsewhere"]
    with pytest.raises(LinkOfficerRefused, match="not an officer of the authority"):
        school_link_officer_set(
            establishment=school(ALTON), officer=elsewhere, starts_on=D(2025, 9, 1), reason="x", by=lead
        )
    with pytest.raises(LinkOfficerRefused, match="not an officer of the authority"):
        area_link_officer_set(area=world["cluster"], officer=elsewhere, starts_on=D(2025, 9, 1), reason="x", by=lead)
    # An area of another authority: its officers are not this school's, and the page does not find it.
    with pytest.raises(LinkOfficerRefused):
        area_link_officer_set(
            area=world["barnet_area"], officer=world["other"], starts_on=D(2025, 9, 1), reason="x", by=lead
        )
    # A posted officer who is not among the authority's choices is a form error, not an assignment.
    response = client_for(world["link"]).post(
        f"/visits/link-officers/schools/{ALTON}/",
        {"officer": str(elsewhere.pk), "starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "2025", "reason": "x"},
    )
    assert response.status_code == 200 and "Choose the link officer" in response.content.decode()
    assert not LinkOfficerAssignment.objects.exists()


def test_a_reason_is_needed_and_no_start_before_the_current_officer(world: dict[str, Any]) -> None:
    lead = world["lead"]
    with pytest.raises(LinkOfficerRefused, match="Say why"):
        school_link_officer_set(
            establishment=school(ALTON), officer=world["link"], starts_on=D(2025, 9, 1), reason=" ", by=lead
        )
    link_officer_assign(establishment=school(ALTON), officer=lead, by=lead, reason="Caseload", starts_on=D(2025, 9, 1))
    with pytest.raises(LinkOfficerRefused, match="Lena Lead has been the school's link officer since 1 September 2025"):
        school_link_officer_set(
            establishment=school(ALTON), officer=world["link"], starts_on=D(2025, 8, 1), reason="Change", by=lead
        )
    assert LinkOfficerAssignment.objects.get(establishment__urn=ALTON, ends_on__isnull=True).officer == lead


# Who may ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "board"])
def test_school_users_and_board_members_are_refused(world: dict[str, Any], who: str) -> None:
    client = client_for(world[who])
    cluster = world["cluster"]
    for path in ("/visits/plan/", "/visits/link-officers/", f"/visits/link-officers/schools/{ALTON}/",
                 f"/visits/link-officers/areas/{cluster.pk}/"):  # fmt: skip
        assert client.get(path).status_code == 403, path
    assert client.post("/visits/plan/", {"year": "2025", "confirm": "yes"}).status_code == 403
    data = {"officer": str(world["link"].pk), "starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "2025",
            "reason": "x"}  # fmt: skip
    assert client.post(f"/visits/link-officers/schools/{ALTON}/", data).status_code == 403
    assert client.post(f"/visits/link-officers/areas/{cluster.pk}/", data).status_code == 403
    assert not Visit.objects.exists() and not LinkOfficerAssignment.objects.exists()


def test_another_authority_s_schools_and_areas_are_not_found(world: dict[str, Any]) -> None:
    client = client_for(world["elsewhere"])
    data = {"officer": str(world["elsewhere"].pk), "starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "2025",
            "reason": "x"}  # fmt: skip
    assert client.get(f"/visits/link-officers/schools/{ALTON}/").status_code == 404
    assert client.post(f"/visits/link-officers/schools/{ALTON}/", data).status_code == 404
    assert client.get(f"/visits/link-officers/areas/{world['cluster'].pk}/").status_code == 404
    assert client.post(f"/visits/link-officers/areas/{world['cluster'].pk}/", data).status_code == 404
    # Their own plan page is their own authority's: building it plans nothing of Hampshire's.
    assert "Alton" not in client.get("/visits/link-officers/").content.decode()
    client.post("/visits/plan/", {"year": "2025"})
    assert not Visit.objects.exists() and not LinkOfficerAssignment.objects.exists()
    # And a Hampshire officer does not find Barnet's area.
    assert client_for(world["link"]).get(f"/visits/link-officers/areas/{world['barnet_area'].pk}/").status_code == 404


# Demand against capacity ----------------------------------------------------------------------------------------


def test_capacity_flags_an_officer_with_more_visits_than_days_in_the_year(world: dict[str, Any]) -> None:
    lead, link = world["lead"], world["link"]
    for urn in (ALTON, ANSTEY, BALKSBURY):
        link_officer_assign(
            establishment=school(urn), officer=link, by=lead, reason="Caseload", starts_on=D(2025, 7, 1)
        )
    visit_plan_build(local_authority=world["hampshire"], start_year=2025, today=D(2025, 8, 1), by=lead)
    academic_year = academic_year_ensure(world["hampshire"], 2025)
    half_terms = list(academic_year.half_terms.order_by("number"))
    for half_term in half_terms:
        OfficerCapacity.objects.create(officer=link, half_term=half_term, available_days=Decimal(3))
    row = next(r for r in selectors.capacity(academic_year)[1] if r.officer == link)
    assert (row.visits, row.available_days, row.over) == (18, Decimal(18), False)
    OfficerCapacity.objects.filter(officer=link, half_term=half_terms[0]).update(available_days=Decimal(2))
    row = next(r for r in selectors.capacity(academic_year)[1] if r.officer == link)
    assert (row.available_days, row.over) == (Decimal(17), True)
    page = client_for(lead).get("/visits/capacity/?year=2025").content.decode()
    assert "1 officer has more visits planned than days for visits." in page
    assert "18 / 17 over" in page


# Queries -----------------------------------------------------------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_queries_do_not_grow_with_schools_or_officers(world: dict[str, Any]) -> None:
    lead, hampshire = world["lead"], world["hampshire"]
    visit_plan_build(local_authority=hampshire, start_year=2025, today=D(2025, 8, 1), by=lead)
    client = client_for(lead)
    paths = ["/visits/plan/?year=2025", "/visits/link-officers/", f"/visits/link-officers/areas/{world['cluster'].pk}/",
             "/visits/capacity/?year=2025"]  # fmt: skip
    few = {path: _queries(client, path) for path in paths}
    for n in range(12):
        officer = UserFactory(
            username=f"more.{n}", first_name="More", last_name=f"Officer{n}", role=Role.LA_OFFICER,
            local_authority=hampshire,
        )  # fmt: skip
        new = EstablishmentFactory(local_authority=hampshire, name=f"New school {n}", area=world["cluster"])
        link_officer_assign(establishment=new, officer=officer, by=lead, reason="Caseload", starts_on=D(2025, 7, 1))
        Visit.objects.create(
            establishment=new, officer=officer, academic_year=academic_year_ensure(hampshire, 2025),
            planned_on=D(2025, 10, 1), purpose="School effectiveness visit",
        )  # fmt: skip
    many = {path: _queries(client, path) for path in paths}
    assert many == few


def test_the_list_of_link_officers_comes_a_page_at_a_time(world: dict[str, Any]) -> None:
    for n in range(45):
        EstablishmentFactory(local_authority=world["hampshire"], name=f"Zeta school {n:02d}")
    total = Establishment.objects.filter(local_authority=world["hampshire"], status__istartswith="open").count()
    assert total > 50
    client = client_for(world["link"])
    first = client.get("/visits/link-officers/").content.decode()
    assert first.count("Change<span") == 50 and f"{total} open schools" in first and 'rel="next"' in first
    second = client.get("/visits/link-officers/?page=2").content.decode()
    assert second.count("Change<span") == total - 50 and "Zeta school 44" in second and 'rel="prev"' in second


def test_the_school_s_visits_page_leads_to_its_link_officer_and_back(world: dict[str, Any]) -> None:
    officer = client_for(world["link"])
    page = officer.get(f"/visits/schools/{ALTON}/").content.decode()
    assert "Link officer: none." in page and f"/visits/link-officers/schools/{ALTON}/?from=visits" in page
    response = officer.post(
        f"/visits/link-officers/schools/{ALTON}/?from=visits",
        {"officer": str(world["link"].pk), "starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "2025",
         "reason": "New caseloads"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/visits/schools/{ALTON}/"
    assert "Link officer: Lionel Linkman." in officer.get(response["Location"]).content.decode()
    # The school's own users see no such link.
    assert "link-officers" not in client_for(world["head"]).get(f"/visits/schools/{ALTON}/").content.decode()
