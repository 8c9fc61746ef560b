"""Loose ends an officer hit with partnerships: every school placed or explained (a school with no location in
the register, one that has not answered the survey), a partnership formed by hand and its type changed, travel
between every pair of members, and re-solving keeping the ids of unchanged proposals."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import AuditEvent, Role, User
from headway.support import partnerships as service
from headway.support.models import Partnership, PartnershipMembership
from headway.support.optimiser import ProposedPartnership, propose
from headway.support.partnership_policy import PartnershipPolicy, partnership_policy_named
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.support.test_optimiser import village
from tests.support.test_partnership_rules import TIME, YEAR, Town, make_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy() -> PartnershipPolicy:
    return partnership_policy_named()


@pytest.fixture
def town() -> Town:
    made = make_town()
    village(made, schools=6)
    return made


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def unlocated(town: Town, key: str) -> None:
    school = town.school(key, km=(1, 1))
    school.easting = school.northing = None
    school.save()


# a) Every school placed or explained ------------------------------------------------------------------------------


def test_every_open_school_is_placed_or_explained(town: Town, policy: PartnershipPolicy) -> None:
    unlocated(town, "Nowhere")
    town.ask("Nowhere")
    town.school("Silent", km=(2, 0))  # never answered the survey
    unlocated(town, "Quiet")  # never answered, and no location either
    town.school("NoThanks", km=(3, 0))
    town.ask("NoThanks", wants_partnership=False)
    closed = town.school("Closed", km=(4, 0))
    closed.status = "Closed"
    closed.save()
    partnership = town.partnership("loose", "P0", "P2")
    found = {p.establishment.name: p for p in service.placements(town.authority, YEAR, policy=policy)}
    assert set(found) == {s.name for k, s in town.schools.items() if k != "Closed"}
    assert (
        found["Nowhere School"].state == "no_location"
        and "No location in the register" in found["Nowhere School"].words
    )
    assert found["Silent School"].state == "not_answered" and found["Silent School"].words == "Not answered the survey"
    assert found["Quiet School"].words == "Not answered the survey; no location in the register either"
    assert found["NoThanks School"].state == "declined" and not found["NoThanks School"].placeable
    assert found["P0 School"].partnership == partnership and found["P0 School"].state == "placed"
    assert found["P1 School"].state == "waiting" and found["P1 School"].placeable


def test_optimiser_says_no_location(town: Town, policy: PartnershipPolicy) -> None:
    unlocated(town, "Nowhere")
    town.ask("Nowhere")
    proposal = propose(town.authority, YEAR, policy=policy, time_limit=TIME)
    reasons = {u.urn: u.reason for u in proposal.unplaced}
    assert "no location in the register" in reasons[town.urn("Nowhere")]


def test_page_lists_every_school_and_an_officer_places_one(town: Town) -> None:
    unlocated(town, "Nowhere")
    town.ask("Nowhere")
    town.school("Silent", km=(2, 0))
    partnership = town.partnership("loose", "P0", "P2")
    client = client_for(town.officer)
    page = client.get(reverse("partnerships:schools"), {"year": YEAR}).content.decode()
    assert "Nowhere School" in page and "No location in the register" in page
    assert "Silent School" in page and "Not answered the survey" in page
    assert "Place Nowhere School" in page
    response = client.post(
        reverse("partnerships:schools"),
        {"year": str(YEAR), "urn": str(town.urn("Nowhere")), "partnership": str(partnership.pk), "reason": "Near P0"},
    )
    assert response.status_code == 302
    assert partnership.memberships.filter(establishment=town.schools["Nowhere"]).exists()
    event = AuditEvent.objects.filter(verb="partnership.member_added").latest("id")
    assert event.reason == "Near P0" and event.actor == town.officer
    # A school of another authority cannot be placed: the form shows the problem, nothing changes.
    outsider = LocalAuthorityFactory(code="898", name="Elsewhere")
    from tests.factories import EstablishmentFactory

    theirs = EstablishmentFactory(local_authority=outsider, name="Their School")
    response = client.post(
        reverse("partnerships:schools"),
        {"year": str(YEAR), "urn": str(theirs.urn), "partnership": str(partnership.pk)},
    )
    assert response.status_code == 200 and "not one of the authority" in response.content.decode()
    assert not PartnershipMembership.objects.filter(establishment=theirs).exists()


def test_map_lists_the_schools_it_cannot_draw(town: Town) -> None:
    unlocated(town, "Nowhere")
    town.ask("Nowhere")
    page = client_for(town.officer).get(reverse("partnerships:map"), {"year": YEAR}).content.decode()
    assert "no location in the register" in page and "Nowhere School" in page


# b) Forming a partnership by hand and changing its type -----------------------------------------------------------


def test_officer_forms_a_partnership_by_hand_and_changes_its_type(town: Town, policy: PartnershipPolicy) -> None:
    client = client_for(town.officer)
    assert client.get(reverse("partnerships:create"), {"year": YEAR}).status_code == 200
    members = [str(town.urn("P0")), str(town.urn("P1"))]
    response = client.post(
        reverse("partnerships:create"),
        {"year": str(YEAR), "name": "Valley schools", "type": "loose", "members": members, "reason": "Asked to"},
    )
    assert response.status_code == 302
    made = Partnership.objects.get(name="Valley schools")
    assert made.source == Partnership.Source.HAND and made.status == Partnership.Status.PROPOSED
    assert sorted(service.full_members(made)) == sorted(int(u) for u in members)
    assert AuditEvent.objects.filter(verb="partnership.formed_by_hand", target_id=str(made.pk)).exists()
    response = client.post(reverse("partnerships:type_change", args=[made.pk]), {"type": "hard", "reason": "x"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.type == "hard"
    assert AuditEvent.objects.filter(verb="partnership.type_changed").count() == 1
    # Re-solving leaves a partnership formed by hand and its schools alone.
    proposal = propose(town.authority, YEAR, policy=policy, time_limit=TIME)
    service.proposal_save(local_authority=town.authority, start_year=YEAR, proposal=proposal, policy=policy, by=None)
    assert Partnership.objects.filter(pk=made.pk, status="proposed").exists()
    assert not any(town.urn("P0") in p.schools for p in proposal.partnerships)


def test_hand_forming_refuses_a_broken_rule_and_a_taken_school(town: Town, policy: PartnershipPolicy) -> None:
    town.ask("P3", declines_joint_governance=True)
    town.partnership("loose", "P4", "P5")
    with pytest.raises(service.PartnershipRuleError) as refused:
        service.partnership_create(
            local_authority=town.authority,
            start_year=YEAR,
            name="Hard one",
            type="hard",
            members=[town.schools["P2"], town.schools["P3"], town.schools["P4"]],
            by=town.officer,
            policy=policy,
        )
    assert any("already in Test partnership" in p for p in refused.value.problems)
    with pytest.raises(service.PartnershipRuleError, match="declined joint governance"):
        service.partnership_create(
            local_authority=town.authority,
            start_year=YEAR,
            name="Hard one",
            type="hard",
            members=[town.schools["P2"], town.schools["P3"]],
            by=town.officer,
            policy=policy,
        )
    loose = town.partnership("loose", "P2", "P3")
    with pytest.raises(service.PartnershipRuleError, match="declined joint governance"):
        service.partnership_type_change(partnership=loose, type="hard", by=town.officer, policy=policy)
    loose.refresh_from_db()
    assert loose.type == "loose"
    assert not AuditEvent.objects.filter(verb__in=["partnership.formed_by_hand", "partnership.type_changed"]).exists()
    page = client_for(town.officer).post(reverse("partnerships:type_change", args=[loose.pk]), {"type": "hard"})
    assert page.status_code == 200 and "declined joint governance" in page.content.decode()


def test_hand_pages_are_for_la_staff_of_the_authority(town: Town) -> None:
    partnership = town.partnership("loose", "P0", "P2")
    head: User = UserFactory(username="head.p0", role=Role.SCHOOL_USER)
    head.schools.set([town.schools["P0"]])
    other = LocalAuthorityFactory(code="898", name="Elsewhere")
    stranger: User = UserFactory(username="stranger", role=Role.LA_OFFICER, local_authority=other)
    for url in (reverse("partnerships:create"), reverse("partnerships:schools")):
        assert client_for(head).get(url).status_code == 403
    assert (
        client_for(head).post(reverse("partnerships:type_change", args=[partnership.pk]), {"type": "hard"}).status_code
        == 403
    )
    response = client_for(stranger).post(reverse("partnerships:type_change", args=[partnership.pk]), {"type": "hard"})
    assert response.status_code == 404
    # Another authority's officer sees their own (empty) list, never these schools.
    page = client_for(stranger).get(reverse("partnerships:schools"), {"year": YEAR}).content.decode()
    assert "P0 School" not in page
    partnership.refresh_from_db()
    assert partnership.type == "loose"


# c) Travel between every pair ---------------------------------------------------------------------------------


def test_travel_between_every_pair_of_members(town: Town) -> None:
    unlocated(town, "Nowhere")
    partnership = town.partnership("loose", "P0", "P1", "P2", associates=("Nowhere",))
    journeys = service.travel(partnership)
    assert len(journeys) == 6  # every pair of four schools, not only each school to one anchor
    pairs = {(j.first, j.second): j for j in journeys}
    # P1 and P2 are 0.8 km apart along the road and 0.7 km apart across it: neither is the anchor.
    assert pairs["P1 School", "P2 School"].km == pytest.approx(1.1, abs=0.05)
    assert pairs["P0 School", "P2 School"].km == pytest.approx(2.1, abs=0.05)
    assert journeys[0].first == "P0 School" and journeys[0].second == "P2 School"  # furthest first
    assert [j.words for j in journeys if "Nowhere School" in (j.first, j.second)] == [
        "not known: no location in the register"
    ] * 3
    page = client_for(town.officer).get(reverse("partnerships:partnership", args=[partnership.pk])).content.decode()
    assert "Travel between the schools" in page and "1.1 km" in page


# d) Re-solving keeps the ids of unchanged proposals -----------------------------------------------------------------


def test_re_solving_keeps_the_ids_of_unchanged_proposals(policy: PartnershipPolicy) -> None:
    town = make_town()
    village(town, schools=9, spacing=2.5)
    proposal = propose(town.authority, YEAR, policy=policy, time_limit=TIME)
    first = service.proposal_save(
        local_authority=town.authority, start_year=YEAR, proposal=proposal, policy=policy, by=None
    )
    assert len(first) >= 2
    ids = [p.pk for p in first]
    again = service.proposal_save(
        local_authority=town.authority, start_year=YEAR, proposal=proposal, policy=policy, by=None
    )
    assert [p.pk for p in again] == ids
    assert not AuditEvent.objects.filter(verb="partnership.proposal_withdrawn").exists()
    # Change one proposal's type: only that one is withdrawn and made afresh.
    facts = service.school_facts(town.authority, YEAR, policy=policy)
    changed = proposal.partnerships[0]
    other_type = next(
        t
        for t in policy.types
        if t != changed.type and not service.partnership_violations(changed.schools, t, facts, policy)
    )
    proposal.partnerships = [
        ProposedPartnership(schools=changed.schools, type=other_type, score=changed.score, anchor=changed.anchor),
        *proposal.partnerships[1:],
    ]
    third = service.proposal_save(
        local_authority=town.authority, start_year=YEAR, proposal=proposal, policy=policy, by=None
    )
    assert third[0].pk not in ids and [p.pk for p in third[1:]] == ids[1:]
    assert AuditEvent.objects.filter(verb="partnership.proposal_withdrawn").count() == 1
