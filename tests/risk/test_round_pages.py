"""Categorisation rounds as pages: an officer starts a round (policy and date; refusals in words), reviews it with
filters, sorting, pages and the last round's category, overrides a school with a reason and confirms every school
not yet decided. Other authorities, school users and board members cannot; the review's queries do not grow with
the schools shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from headway.accounts.models import AuditEvent, Role, User
from headway.accounts.notices import person_name
from headway.background import run_pending
from headway.risk import selectors, services
from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from headway.risk.policy import PolicyError, policy_named
from headway.risk.services import proposal_override, round_run
from headway.schools.models import Area, Establishment, LocalAuthority
from headway.schools.services import link_officer_assign
from tests.background import use_database_queue
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.risk.many_schools import schools

BARNET = policy_named("barnet-2020")
LAST_YEAR, THIS_YEAR = dt.date(2025, 1, 15), dt.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def no_risk_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages are tested without the predictive model (which would train on the test database)."""
    monkeypatch.setattr(services, "risk_scores", lambda establishments, as_of: ({}, "", ""))


@pytest.fixture
def barnet(db: None) -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="302", name="Barnet")
    return authority


@pytest.fixture
def officer(barnet: LocalAuthority) -> User:
    user: User = UserFactory(
        username="lena.officer", first_name="Lena", last_name="Okafor", role=Role.LA_OFFICER, local_authority=barnet
    )
    return user


@pytest.fixture
def outsider(db: None) -> User:
    walsall = LocalAuthorityFactory(code="335", name="Walsall")
    user: User = UserFactory(username="walsall.officer", role=Role.LA_OFFICER, local_authority=walsall)
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


class World:
    def __init__(self, barnet: LocalAuthority, officer: User) -> None:
        self.schools = schools(barnet, 1, officer=officer, prefix="School")
        self.new_school = self.schools[-1]
        self.area = Area.objects.create(local_authority=barnet, name="West", kind=Area.Kind.NETWORK)
        Establishment.objects.filter(pk__in=[s.pk for s in self.schools[:2]]).update(area=self.area)
        link_officer_assign(
            establishment=self.schools[0], officer=officer, by=officer, reason="Caseload", starts_on=dt.date(2025, 9, 1)
        )
        self.last = round_run(
            local_authority=barnet,
            policy=BARNET,
            as_of=LAST_YEAR,
            by=officer,
            with_risk=False,
            establishments=self.schools[:-1],  # the newest school was not in last year's round
        )
        last_first = self.last.proposals.select_related("establishment", "round").get(establishment=self.schools[1])
        self.moved_to = "4a" if last_first.category != "4a" else "3"
        proposal_override(proposal=last_first, policy=BARNET, category=self.moved_to, by=officer, reason="Moderation")
        self.round = round_run(local_authority=barnet, policy=BARNET, as_of=THIS_YEAR, by=officer, with_risk=False)
        self.proposals = {p.establishment_id: p for p in self.round.proposals.all()}
        self.last_proposals = {p.establishment_id: p for p in self.last.proposals.all()}

    def ids(self, **filters: str) -> set[int]:
        found = selectors.round_review(self.round, selectors.RoundFilters(**filters), policy=BARNET)
        return {p.establishment_id for p in found}


@pytest.fixture
def world(barnet: LocalAuthority, officer: User) -> World:
    return World(barnet, officer)


# The review's selector -----------------------------------------------------------------------------------------


def test_the_last_round_is_the_latest_with_earlier_evidence(world: World, barnet: LocalAuthority) -> None:
    assert selectors.previous_round(world.round) == world.last
    assert selectors.previous_round(world.last) is None
    again = round_run(local_authority=barnet, policy=BARNET, as_of=THIS_YEAR, by=None, with_risk=False)
    assert selectors.previous_round(again) == world.last  # a round run again for the same date is not "last"


def test_each_school_is_compared_with_its_decision_or_proposal_in_the_last_round(world: World) -> None:
    rows = {p.establishment_id: p for p in selectors.round_review(world.round, selectors.RoundFilters())}
    overridden = world.schools[1].pk
    assert rows[overridden].last_category == world.moved_to  # the officer's decision, not the proposal
    assert rows[world.new_school.pk].last_category is None
    for pk, row in rows.items():
        if pk not in (overridden, world.new_school.pk):
            assert row.last_category == world.last_proposals[pk].category
    changed = {pk for pk, row in rows.items() if row.last_category not in (None, row.category)}
    assert overridden in changed or rows[overridden].category == world.moved_to
    assert world.ids(change="changed") == changed
    assert world.ids(change="new") == {world.new_school.pk}
    assert world.ids(change="same") == set(rows) - changed - {world.new_school.pk}


def test_the_filters_keep_only_the_schools_asked_for(world: World, officer: User) -> None:
    proposals = world.proposals
    every = set(proposals)
    for code in {p.category for p in proposals.values()}:
        assert world.ids(category=code) == {pk for pk, p in proposals.items() if p.category == code}
    triggered = {pk: {t["name"] for t in p.triggers} for pk, p in proposals.items()}
    names = set().union(*triggered.values())
    assert names, "the world should fire at least one trigger"
    for name in names:
        assert world.ids(trigger=name) == {pk for pk, fired in triggered.items() if name in fired}
    assert world.ids(trigger="no-such-trigger") == set()
    secondary = {s.pk for s in world.schools if s.phase == "Secondary"}
    assert secondary and world.ids(phase="Secondary") == secondary
    assert world.ids(area=str(world.area.pk)) == {world.schools[0].pk, world.schools[1].pk}
    assert world.ids(officer=str(officer.pk)) == {world.schools[0].pk}
    assert world.ids(officer="not-a-number") == set() and world.ids(area="999999") == set()
    proposal_override(
        proposal=CategoryProposal.objects.select_related("round", "establishment").get(
            pk=proposals[world.schools[2].pk].pk
        ),
        policy=BARNET,
        category="3",
        by=officer,
        reason="Known to us",
    )
    assert world.ids(decided="decided") == {world.schools[2].pk}
    assert world.ids(decided="undecided") == every - {world.schools[2].pk}


def test_another_authoritys_area_is_not_a_filter(world: World) -> None:
    elsewhere = Area.objects.create(local_authority=LocalAuthorityFactory(), name="Elsewhere")
    assert world.ids(area=str(elsewhere.pk)) == set()


def test_the_review_sorts_by_name_category_and_predicted_risk(world: World) -> None:
    by_name = [p.establishment.name for p in selectors.round_review(world.round, selectors.RoundFilters(sort="name"))]
    assert by_name == sorted(by_name)
    order = [c.code for c in BARNET.categories]
    by_category = [p.category for p in selectors.round_review(world.round, selectors.RoundFilters(), policy=BARNET)]
    assert by_category == sorted(by_category, key=order.index)  # the policy's order, not the alphabet's
    first, second = list(world.proposals.values())[:2]
    CategoryProposal.objects.filter(pk=first.pk).update(risk=0.2)
    CategoryProposal.objects.filter(pk=second.pk).update(risk=0.7)
    by_risk = [p.pk for p in selectors.round_review(world.round, selectors.RoundFilters(sort="risk"))]
    assert by_risk[:2] == [second.pk, first.pk]  # the highest first, schools without a score last


# Confirming every school not yet decided ------------------------------------------------------------------------


def test_confirming_the_undecided_schools_keeps_every_decision_already_made(world: World, officer: User) -> None:
    kept = CategoryProposal.objects.select_related("round", "establishment").get(
        pk=world.proposals[world.schools[0].pk].pk
    )
    proposal_override(proposal=kept, policy=BARNET, category="3", by=officer, reason="Governors resigned")
    done = services.round_confirm_all(categorisation_round=world.round, by=officer, undecided_only=True)
    assert done == len(world.proposals) - 1
    assert kept.decision is not None and kept.decision.action == "override"
    assert CategoryDecision.objects.filter(proposal__round=world.round).count() == len(world.proposals)
    events = AuditEvent.objects.filter(verb="categorisation.confirm", reason=services.UNDECIDED_REASON)
    assert events.count() == done and str(kept.establishment_id) not in set(events.values_list("target_id", flat=True))
    assert services.round_confirm_all(categorisation_round=world.round, by=officer, undecided_only=True) == 0


# The pages --------------------------------------------------------------------------------------------------------


def start(client: Client, policy: str, day: dt.date, **extra: str) -> Any:
    data = {"policy": policy, "as_of_0": str(day.day), "as_of_1": str(day.month), "as_of_2": str(day.year), **extra}
    return client.post(reverse("risk:round_start"), data, follow=True)


def test_an_officer_starts_a_round_and_lands_on_it(barnet: LocalAuthority, officer: User) -> None:
    schools(barnet, 1, officer=officer, prefix="School")
    client = client_for(officer)
    page = client.get(reverse("risk:round_start")).content.decode()
    assert "Barnet school categorisation 2020 (in force from 1 September 2020)" in page
    assert "Walsall" not in page  # another authority's policy is not offered
    assert "barnet-2020" not in page.replace('value="barnet-2020"', "")  # the policy in words, not its file name
    response = start(client, "barnet-2020", THIS_YEAR)
    made = CategorisationRound.objects.get()
    assert response.redirect_chain[-1][0] == reverse("risk:round", args=[made.pk])
    assert "The round is ready" in response.content.decode()
    assert (made.as_of, made.policy_name, made.opened_by_name) == (THIS_YEAR, "barnet-2020", person_name(officer))
    rounds = client.get(reverse("risk:rounds")).content.decode()
    assert f"by {person_name(officer)}" in rounds and officer.username not in rounds  # a name, never a username
    event = AuditEvent.objects.get(verb="categorisation.round_opened")
    assert event.actor == officer and event.after["as_of"] == THIS_YEAR.isoformat()


def test_a_policy_outside_its_dates_is_refused_in_words(barnet: LocalAuthority, officer: User) -> None:
    response = start(client_for(officer), "barnet-2020", dt.date(2019, 6, 1))
    page = response.content.decode()
    assert response.status_code == 200 and not CategorisationRound.objects.exists()
    assert (
        "Barnet school categorisation 2020 is in force from 1 September 2020: choose a policy in force on 1 June 2019"
        in page
    )


def test_another_authoritys_policy_is_refused(barnet: LocalAuthority, officer: User, db: None) -> None:
    response = start(client_for(officer), "walsall-2011", dt.date(2012, 1, 10))
    assert "Choose one of the policies listed" in response.content.decode()
    assert not CategorisationRound.objects.exists()
    superuser = User.objects.create_superuser("root", password="x")
    response = start(client_for(superuser), "walsall-2011", dt.date(2012, 1, 10), authority=str(barnet.pk))
    assert "Walsall primary strategy 2011: floor targets and core support is written for another authority" in (
        response.content.decode()
    )
    assert not CategorisationRound.objects.exists()


def test_a_date_that_is_not_a_date_is_refused(barnet: LocalAuthority, officer: User) -> None:
    response = client_for(officer).post(
        reverse("risk:round_start"), {"policy": "barnet-2020", "as_of_0": "31", "as_of_1": "2", "as_of_2": "2026"}
    )
    assert "The date of the evidence must be a real date" in response.content.decode()
    assert not CategorisationRound.objects.exists()


def test_a_second_click_does_not_start_a_second_round_while_the_first_waits(
    barnet: LocalAuthority, officer: User, settings: Any
) -> None:
    use_database_queue(settings)  # the product's queue, with no worker: the first round waits
    schools(barnet, 1, officer=officer, prefix="School")
    client = client_for(officer)
    first = start(client, "barnet-2020", THIS_YEAR)
    assert "Running the categorisation round" in first.content.decode()
    again = start(client, "barnet-2020", THIS_YEAR)
    assert again.status_code == 200
    assert "A round for Barnet is already being prepared" in again.content.decode()
    with pytest.raises(PolicyError, match="already being prepared"):
        services.round_start(local_authority=barnet, policy=policy_named("barnet-2020"), as_of=THIS_YEAR, by=officer)
    assert DBTaskResult.objects.count() == 1
    # Another authority's round is not held up by Barnet's.
    elsewhere = LocalAuthorityFactory(name="Elsewhere")
    assert not services.round_under_way(elsewhere)
    assert run_pending() == 1 and CategorisationRound.objects.count() == 1
    assert not services.round_under_way(barnet)
    # A round left waiting (no worker) or "running" (a worker that died) holds the button back for an hour only.
    start(client, "barnet-2020", THIS_YEAR)
    assert services.round_under_way(barnet)
    DBTaskResult.objects.filter(status="READY").update(enqueued_at=timezone.now() - dt.timedelta(hours=2))
    assert not services.round_under_way(barnet)


@pytest.mark.parametrize("role", [Role.SCHOOL_USER, Role.BOARD_MEMBER])
def test_school_users_and_board_members_cannot_start_or_review_rounds(
    world: World, barnet: LocalAuthority, role: str
) -> None:
    user: User = UserFactory(role=role, local_authority=barnet if role == Role.BOARD_MEMBER else None)
    client = client_for(user)
    assert client.get(reverse("risk:round_start")).status_code == 403
    assert start(client, "barnet-2020", THIS_YEAR).status_code == 403
    assert client.get(reverse("risk:round", args=[world.round.pk])).status_code == 404
    assert client.post(reverse("risk:round_confirm_all", args=[world.round.pk]), {"sure": "on"}).status_code == 404
    assert CategorisationRound.objects.count() == 2 and not CategoryDecision.objects.filter(proposal__round=world.round)


def test_another_authority_cannot_see_decide_or_confirm_the_round(world: World, outsider: User) -> None:
    client = client_for(outsider)
    proposal = next(iter(world.proposals.values()))
    assert client.get(reverse("risk:round", args=[world.round.pk])).status_code == 404
    assert client.get(reverse("risk:round_confirm_all", args=[world.round.pk])).status_code == 404
    assert client.post(reverse("risk:round_confirm_all", args=[world.round.pk]), {"sure": "on"}).status_code == 404
    response = client.post(reverse("risk:decide", args=[proposal.pk]), {"action": "confirm"})
    assert response.status_code == 404
    assert not CategoryDecision.objects.filter(proposal__round=world.round).exists()


def test_an_override_without_a_reason_is_refused(world: World, officer: User) -> None:
    proposal = next(iter(world.proposals.values()))
    client = client_for(officer)
    response = client.post(reverse("risk:decide", args=[proposal.pk]), {"action": "override", "category": "4b"})
    assert response.status_code == 200
    assert "Enter the reason for overriding the proposed category" in response.content.decode()
    assert not CategoryDecision.objects.filter(proposal=proposal).exists()
    with pytest.raises(ValueError):
        proposal_override(proposal=proposal, policy=BARNET, category="4b", by=officer, reason="  ")


def test_a_decision_goes_back_to_the_filtered_page_and_nowhere_else(world: World, officer: User) -> None:
    proposal = next(iter(world.proposals.values()))
    client = client_for(officer)
    here = reverse("risk:round", args=[world.round.pk])
    response = client.post(
        reverse("risk:decide", args=[proposal.pk]),
        {"action": "override", "category": "4b", "reason": "Safeguarding concern", "back": "phase=Primary&page=1"},
    )
    assert response["Location"] == f"{here}?phase=Primary&page=1"
    assert proposal.decision is not None and proposal.decision.reason == "Safeguarding concern"
    response = client.post(
        reverse("risk:decide", args=[proposal.pk]), {"action": "confirm", "back": "https://elsewhere.example/"}
    )
    assert response["Location"].startswith(f"{here}?")  # a query string of the round page, never another address


def test_confirm_all_asks_first_then_confirms_only_the_undecided(world: World, officer: User) -> None:
    client = client_for(officer)
    url = reverse("risk:round_confirm_all", args=[world.round.pk])
    undecided = len(world.proposals)
    assert f"{undecided} schools have no decision yet" in client.get(url).content.decode()
    response = client.post(url, {})
    assert "Tick the box to confirm every school not yet decided" in response.content.decode()
    assert not CategoryDecision.objects.filter(proposal__round=world.round).exists()
    response = client.post(url, {"sure": "on"}, follow=True)
    assert f"{undecided} schools confirmed in the proposed category." in response.content.decode()
    assert CategoryDecision.objects.filter(proposal__round=world.round, action="confirm").count() == undecided


def test_the_review_page_shows_filters_the_last_round_and_pages(
    world: World, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(officer)
    url = reverse("risk:round", args=[world.round.pk])
    page = client.get(url).content.decode()
    assert "Compared with the last round, evidence as of 15 January 2025" in page
    assert "Not in the last round" in page and f"{world.moved_to} " in page
    assert "Lena Okafor" in page and "West network" in page
    for label in (
        "Proposed category",
        "Since the last round",
        "Causing-concern trigger",
        "Phase",
        "Area",
        "Link officer",
    ):
        assert label in page
    assert "headway categorise" not in page
    page = client.get(url, {"phase": "Secondary"}).content.decode()
    assert "1 school matches the filters" in page
    page = client.get(url, {"phase": "Nowhere", "sort": "'; DROP TABLE"}).content.decode()
    assert f"{len(world.schools)} schools in this round, sorted by category" in page  # ignored, and said so
    assert "Choose one of the options listed" in page
    monkeypatch.setattr(selectors, "REVIEW_PAGE_SIZE", 2)
    first = client.get(url, {"sort": "name"}).content.decode()
    second = client.get(url, {"sort": "name", "page": "2"}).content.decode()
    names = sorted(s.name for s in world.schools)
    assert names[0] in first and names[2] not in first and names[2] in second
    assert 'aria-label="Pages of schools"' in first and "sort=name&amp;page=2" in first
    downloaded = client.get(reverse("risk:round_download", args=[world.round.pk, "csv"]), {"phase": "Secondary"})
    assert downloaded.status_code == 200 and len(downloaded.content.decode().strip().splitlines()) > len(world.schools)


def test_the_review_pages_and_downloads_queries_do_not_grow_with_the_schools_shown(
    barnet: LocalAuthority, officer: User
) -> None:
    def queries_for(n: int, prefix: str) -> tuple[int, ...]:
        made = schools(barnet, n, officer=officer, prefix=prefix)
        for school in made:
            link_officer_assign(
                establishment=school, officer=officer, by=officer, reason="Caseload", starts_on=dt.date(2025, 9, 1)
            )
        categorisation_round = round_run(
            local_authority=barnet, policy=BARNET, as_of=THIS_YEAR, by=officer, with_risk=False, establishments=made
        )
        for proposal in categorisation_round.proposals.select_related("round", "establishment")[:n]:
            proposal_override(proposal=proposal, policy=BARNET, category="3", by=officer, reason="Moderation")
        client = client_for(officer)
        counted = []
        for url in (
            reverse("risk:round", args=[categorisation_round.pk]),
            reverse("risk:round_download", args=[categorisation_round.pk, "csv"]),
        ):
            client.get(url)  # sessions and the like, once
            from django.db import connection

            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counted.append(len(captured.captured_queries))
        return tuple(counted)

    few, many = queries_for(1, "Few"), queries_for(4, "Many")
    assert many == few  # the page and the download alike


def test_the_rounds_page_offers_to_start_a_round_not_a_command(world: World, officer: User, db: None) -> None:
    page = client_for(officer).get(reverse("risk:rounds")).content.decode()
    assert reverse("risk:round_start") in page and "headway categorise" not in page
    board: User = UserFactory(role=Role.BOARD_MEMBER, local_authority=officer.local_authority)
    assert client_for(board).get(reverse("risk:rounds")).status_code == 403


def test_officers_find_the_rounds_in_the_navigation(officer: User) -> None:
    from django.test import RequestFactory

    from headway.accounts.navigation import sections_for

    request = RequestFactory().get("/")
    request.user = officer
    links = [link.url_name for section in sections_for(request) for link in section.links]
    assert "risk:rounds" in links
